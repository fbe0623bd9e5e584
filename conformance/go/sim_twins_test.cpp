// Go conformance on the simulator: each program in programs/ against its twin on SimOs
// (sim_twins.cpp), the simulator's Go runtime as chat/ code meets it, compared the way
// go_conformance_test compares Go with the model. Per GOMAXPROCS value (1 and 2):
// - where Go's outcome is fixed (GOMAXPROCS=1, or any GOMAXPROCS for the schedule-independent
//   programs), every sim seed without preemption prints one outcome, at least one Go run prints
//   exactly that, and every Go run ends the same way (exit code, "panic:"/"fatal error:" line,
//   deadlock dump's wait reasons);
// - every Go run's output is one the simulator reaches with sysmon's preemption offered before
//   every goroutine step (what a loaded machine adds), over `reach_seeds` seeds of each chooser
//   (sim_twins.hpp `Pick`); for the schedule-independent programs that set holds one outcome;
// - where Go's outcome depends on the schedule (the GOMAXPROCS=1 programs run on 2 Ps), Go's
//   ending (exit code and death line) must be among the simulator's endings. Its printed order is
//   not compared: Go's commonest orders on 2 Ps come from a second P whose thread is slow to wake,
//   which a sampled chooser reaches rarely (docs/goroutines.md, "Go conformance on the simulator":
//   measured there, with the rates).
// Select fairness is statistical. Without `go` the tests skip with a note.
#include "conformance/go/sim_twins.hpp"

#include <gtest/gtest.h>

#include <set>

#include "conformance/go/go_runner.hpp"
#include "conformance/go/scenarios.hpp"

namespace papaya::conformance::go {
namespace {

constexpr int go_runs = 3;                 // Go runs per GOMAXPROCS value
constexpr std::uint64_t exact_seeds = 10;  // sim seeds that must all print the one outcome
// Sim seeds with preemption on, per chooser, for the reachable set. On 1 P the rarest order Go has
// printed under load ("ping 1", "main done": main preempted between two `go` statements) comes in
// 68 of 2000 runs with sparse preemption (2 of 2000 with the uniform chooser): 300 seeds miss it
// with probability 0.966^300 < 1e-4.
constexpr std::uint64_t reach_seeds = 300;

std::string show(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += "  " + l + "\n";
  return s;
}

void sim_conforms(const std::string& name) {
  if (!have_go())
    GTEST_SKIP() << "go not installed: `apt-get install golang-go` (Go 1.19 in Debian 12) runs "
                    "the Go programs the simulator's twins are compared with";
  const Scenario& sc = scenario(name);
  const std::string bin = build(name);
  for (int procs : {1, 2}) {
    SCOPED_TRACE(name + " GOMAXPROCS=" + std::to_string(procs));
    const bool fixed = procs == 1 || sc.any_procs;
    const SimOutcome s = run_sim_twin(name, 1, procs, false);
    ASSERT_EQ(s.harness, "") << name;
    std::set<std::vector<std::string>> reachable = {s.lines};
    std::set<std::pair<int, std::string>> endings = {{s.exit_code, s.message}};
    for (std::uint64_t seed = 1; seed <= reach_seeds; ++seed) {
      for (Pick pick : {Pick::random, Pick::sparse, Pick::pct}) {
        if (procs == 1 && pick == Pick::pct) continue;  // one P: nobody to sit still
        const SimOutcome p = run_sim_twin(name, seed, procs, true, pick);
        ASSERT_EQ(p.harness, "") << "seed " << seed;
        reachable.insert(p.lines);
        endings.insert({p.exit_code, p.message});
      }
      if (seed <= exact_seeds && fixed) {
        const SimOutcome q = run_sim_twin(name, seed, procs, false);
        EXPECT_EQ(q.lines, s.lines) << "seed " << seed << " without preemption";
        EXPECT_EQ(q.message, s.message) << "seed " << seed;
      }
    }
    if (sc.any_procs) {
      EXPECT_EQ(reachable.size(), 1u) << "schedule-independent, yet it varies";
    }
    int exact = 0;
    for (int i = 0; i < go_runs; ++i) {
      const GoRun g = run(bin, procs);
      const std::vector<std::string> out = split_lines(g.out);
      EXPECT_TRUE(endings.count({g.exit_code, death_line(g.err)}))
          << "Go ended in a way the simulator does not reach: exit " << g.exit_code << "\n"
          << g.err;
      if (!fixed) continue;
      exact += out == s.lines ? 1 : 0;
      EXPECT_TRUE(reachable.count(out))
          << "Go printed an outcome the simulator does not reach in " << reach_seeds << " seeds:\n"
          << g.out << "the simulator (seed 1) printed:\n"
          << show(s.lines);
      EXPECT_EQ(g.exit_code, s.exit_code) << g.err;
      EXPECT_EQ(death_line(g.err), s.message);
      if (!s.reasons.empty()) {
        EXPECT_EQ(dump_reasons(g.err), s.reasons);
      }
    }
    if (fixed) {
      EXPECT_GE(exact, 1) << "no Go run printed what the simulator prints:\n" << show(s.lines);
    }
  }
}

TEST(GoSimConformance, EveryProgramWithAModelTwinHasASimOsTwin) {
  std::set<std::string> with_twin;
  for (const std::string& n : sim_twin_names()) with_twin.insert(n);
  for (const Scenario& sc : scenarios()) EXPECT_TRUE(with_twin.count(sc.name)) << sc.name;
}

TEST(GoSimConformance, RunnextPingPongLeavesTheQueuedGoroutineUnrun) {
  sim_conforms("runnext_pingpong");
}

TEST(GoSimConformance, GoschedQueuesTheCallerBehindTheLocalQueue) {
  sim_conforms("gosched_global_queue");
}

TEST(GoSimConformance, UnbufferedSendersAreReceivedInTheOrderTheyBlocked) {
  sim_conforms("unbuffered_handoff_order");
}

TEST(GoSimConformance, CondSignalWakesWaitersInFifoOrder) { sim_conforms("cond_signal_fifo"); }

TEST(GoSimConformance, CondBroadcastRunsTheLastWaiterFirstThenTheOthersInOrder) {
  sim_conforms("cond_broadcast_order");
}

TEST(GoSimConformance, ABlockedWriterMakesANewReaderWait) {
  sim_conforms("rwmutex_writer_preference");
}

TEST(GoSimConformance, RecursiveRLockWithAWriterBetweenIsGosDeadlock) {
  sim_conforms("recursive_rlock_deadlock");
}

TEST(GoSimConformance, ReceiveFromClosedDrainsThenSendOnClosedPanics) {
  sim_conforms("send_on_closed_panics");
}

TEST(GoSimConformance, UnlockOfAnUnlockedMutexIsFatal) { sim_conforms("unlock_of_unlocked_mutex"); }

// Statistical, as GoConformance.SelectChoosesUniformlyBetweenReadyCases: case 0 wins
// Binomial(trials, 1/2) times; both Go (GOMAXPROCS=4, 10000 trials) and the simulator (2000
// trials on 1 and 2 Ps: sd 22.4, tolerance 5 sd = 112) land within 5 standard deviations of half.
TEST(GoSimConformance, SelectChoosesUniformlyBetweenReadyCases) {
  constexpr int trials = 2000, tolerance = 112;
  for (int procs : {1, 2}) {
    const int sim_first = sim_select_first_wins(trials, 7, procs);
    EXPECT_NEAR(sim_first, trials / 2, tolerance) << "GOMAXPROCS " << procs;
    RecordProperty("sim_case0_wins_procs" + std::to_string(procs), sim_first);
  }
  if (!have_go()) GTEST_SKIP() << "go not installed: the simulator half ran, Go's did not";
  const GoRun g = run(build("select_fairness"), 4);
  ASSERT_EQ(g.exit_code, 0) << g.err;
  int go_first = -1, go_trials = -1;
  std::istringstream(g.out) >> go_first >> go_trials;
  EXPECT_EQ(go_trials, 10000);
  EXPECT_NEAR(go_first, 5000, 250) << "Go's select chose case 0 " << go_first;
}

}  // namespace
}  // namespace papaya::conformance::go
