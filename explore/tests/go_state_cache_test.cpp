// Stateful dfs on goroutine programs (docs/explore.md "Stateful dfs for goroutine programs",
// sim/state_cache.hpp, sim/go_state_key.cpp): with and without a preemption bound it reaches
// exactly the final states dfs reaches and finds the failures dfs finds, no later; and a key that
// leaves out a Go runtime's run queues, or its goroutines' resumptions (the program's memory),
// merges states whose futures differ, which the same comparison catches.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "explore/explorer.hpp"
#include "explore/programs.hpp"
#include "explore/tests/go_footprint_check.hpp"
#include "sim/simulation.hpp"
#include "traces/trace.hpp"

namespace papaya::explore {
namespace {

namespace gofp = papaya::explore::gofp;

// A Go program's check: the run's verdict, and (when `bad` is set) the final content of file
// "x" must not be `bad`.
Program gsc_program(std::function<void(Os&)> init, int gomaxprocs, std::string bad = {}) {
  Program p;
  p.init = std::move(init);
  p.header.gomaxprocs = gomaxprocs;
  p.check_reads_order = false;  // the verdict and the final state only
  p.check = [bad](const sim::Simulation& sim, const sim::RunReport& r) {
    if (r.verdict != Verdict::ok) return std::string(verdict_name(r.verdict)) + ": " + r.detail;
    if (!bad.empty() && sim.file_contents("x").value_or("") == bad) return "x is " + bad;
    return std::string();
  };
  return p;
}

// `max_states` 0: no table, every run to its end (dfs, keying its final states).
Result gsc_run(const Program& p, int bound, std::size_t max_states,
               sim::DfsStrategy::CacheRule rule = {}, bool stop_at_violation = false) {
  Config c;
  c.strategy = StrategyName::dfs;
  c.bound = bound;
  c.state_cache = true;
  c.max_states = max_states;
  c.cache_rule = rule;
  c.max_executions = 200'000;
  c.data_options = 1;
  c.stop_at_violation = stop_at_violation;
  return explore(p, c);
}

// Two goroutines append their letter to a string in the program's memory (no runtime operation
// between reading and writing it: a goroutine's code runs alone), each after a Gosched; main then
// writes the string into x. Only the program's memory tells the two orders apart until main's
// write.
std::function<void(Os&)> gsc_shared_memory() {
  return [](Os& os) {
    papaya::Result<Fd> x = os.open("x", OpenFlags::rdwr | OpenFlags::creat);
    if (!x) os.exit(2);
    auto text = std::make_shared<std::string>();
    std::vector<GoChan> done;
    for (int w = 0; w < 2; ++w) {
      const GoChan d = os.new_chan(1);
      done.push_back(d);
      os.go([text, d, w](Os& g) {
        g.gosched();
        text->push_back(static_cast<char>('A' + w));
        g.chan_send(d, 1);
      });
    }
    for (GoChan d : done) (void)os.chan_recv(d);
    (void)os.pwrite(*x, *text, 0);
  };
}

// A Go program's goroutine reads x while a process writes it (pid 1 forks both): on one P the Go
// program is sequential, and the two processes' steps interleave.
std::function<void(Os&)> gsc_go_and_process() {
  return [](Os& os) {
    papaya::Result<Fd> fd = os.open("x", OpenFlags::rdwr | OpenFlags::creat);
    if (!fd) os.exit(2);
    const Fd x = *fd;
    papaya::Result<Pid> a = os.fork([x](Os& o) {
      const GoChan done = o.new_chan(1);
      o.go([x, done](Os& g) {
        char c = 0;
        (void)g.pread(x, std::span<char>(&c, 1), 0);
        g.chan_send(done, c);
      });
      const GoReceived got = o.chan_recv(done);
      const char seen = static_cast<char>('0' + got.value);
      (void)o.pwrite(x, std::string_view(&seen, 1), 1);
    });
    papaya::Result<Pid> b = os.fork([x](Os& o) {
      const char one = 1;
      (void)o.pwrite(x, std::string_view(&one, 1), 0);
    });
    if (!a || !b) os.exit(3);
    (void)os.waitpid(*a, false);
    (void)os.waitpid(*b, false);
  };
}

struct GscCase {
  std::string name;
  std::function<void(Os&)> init;
  int gomaxprocs;
  std::vector<int> bounds;  // -1: none
};

// Small generated programs (explore/tests/go_footprint_check.hpp: 2 goroutines of 1 or 2
// operations over files, a Mutex, an RWMutex and a channel) whose dfs spaces are small at
// GOMAXPROCS 2, and the programs above.
std::vector<GscCase> gsc_cases() {
  std::vector<GscCase> out;
  for (std::uint64_t seed : {8u, 12u, 14u, 18u, 24u}) {
    const std::vector<gofp::GoGenThread> ts = gofp::go_gen_random(seed);
    out.push_back({"generated " + std::to_string(seed) + ": " + gofp::go_gen_describe(ts),
                   gofp::go_gen_program(2, seed % 2, ts),
                   2,
                   {-1, 0, 1, 2}});
  }
  out.push_back({"shared memory, 2 Ps", gsc_shared_memory(), 2, {0, 1, 2}});
  out.push_back({"Go reader, process writer, 1 P", gsc_go_and_process(), 1, {0, 1, 2}});
  return out;
}

TEST(GoStatefulDfs, ReachesExactlyTheFinalStatesOfDfsWithAndWithoutABound) {
  std::uint64_t cut = 0;
  std::uint64_t saved = 0;
  for (const GscCase& c : gsc_cases()) {
    const Program p = gsc_program(c.init, c.gomaxprocs);
    for (int bound : c.bounds) {
      const std::string what = c.name + ", bound " + std::to_string(bound);
      Result plain = gsc_run(p, bound, 0);
      Result stateful = gsc_run(p, bound, 1'000'000);
      ASSERT_TRUE(plain.exhausted) << what;
      ASSERT_TRUE(stateful.exhausted) << what;
      EXPECT_EQ(plain.abandoned, 0u) << what << ": a table of no states cut a run";
      EXPECT_LE(stateful.executions + stateful.abandoned, plain.executions) << what;
      EXPECT_EQ(stateful.final_states, plain.final_states) << what;
      // (Some generated programs deadlock in some orders: a violation both must find.)
      EXPECT_EQ(stateful.violation.has_value(), plain.violation.has_value()) << what;
      cut += stateful.abandoned;
      saved += plain.executions - stateful.executions - stateful.abandoned;
      std::printf("%s: dfs %llu; stateful %llu + %llu cut, %llu states; %zu final states\n",
                  what.c_str(), static_cast<unsigned long long>(plain.executions),
                  static_cast<unsigned long long>(stateful.executions),
                  static_cast<unsigned long long>(stateful.abandoned),
                  static_cast<unsigned long long>(stateful.states), plain.final_states.size());
    }
  }
  EXPECT_GT(cut, 0u) << "no run was cut: the cache did nothing";
  EXPECT_GT(saved, 0u);
}

// Two Ps under a preemption bound (docs/explore.md "Stateful dfs for goroutine programs", "The
// bytes a finished call received"): the smallest program the wave-9 sweep found losing final
// states there, one goroutine loading y while the other stores it. Their file calls run on two
// kernel threads, the store on the first, the load on a second one; in either order the kernel,
// the runtime and the observations end alike, and only the byte in the loader's buffer, before it
// resumes, tells them apart. The sound key keys it and reaches plain bounded dfs's final states;
// without it (`go_received` off) the key merges the two orders and loses final states (62 of them
// with K = 0, 50 reached; 463 with K = 1, 415).
TEST(GoStatefulDfs, TwoPsUnderABoundKeyTheBytesAFinishedCallReceivedBeforeItsGoroutineResumes) {
  const std::vector<gofp::GoGenThread> ts = {{{gofp::GoGenOp::load, 1}},
                                             {{gofp::GoGenOp::store, 1}}};
  sim::DfsStrategy::CacheRule no_received;
  no_received.go_received = false;
  for (std::size_t cap : {0u, 1u}) {
    const Program p = gsc_program(gofp::go_gen_program(2, cap, ts), 2);
    for (int bound : {0, 1}) {
      const std::string what = gofp::go_gen_describe(ts) + "channel capacity " +
                               std::to_string(cap) + ", bound " + std::to_string(bound);
      Result plain = gsc_run(p, bound, 0);
      Result stateful = gsc_run(p, bound, 1'000'000);
      Result wrong = gsc_run(p, bound, 1'000'000, no_received);
      ASSERT_TRUE(plain.exhausted) << what;
      ASSERT_TRUE(stateful.exhausted) << what;
      ASSERT_TRUE(wrong.exhausted) << what;
      EXPECT_GT(stateful.abandoned, 0u) << what;
      EXPECT_LE(stateful.executions + stateful.abandoned, plain.executions) << what;
      EXPECT_EQ(stateful.final_states, plain.final_states) << what;
      // (plain dfs keys its final states with the sound key; the wrong key's own plain dfs keys
      // them alike: its final states have no call in flight)
      EXPECT_EQ(gsc_run(p, bound, 0, no_received).final_states, plain.final_states) << what;
      EXPECT_LT(wrong.final_states.size(), plain.final_states.size()) << what;
      std::printf(
          "%s: dfs %llu, %zu final states; stateful %llu + %llu cut, %zu final states; without "
          "the received bytes %llu + %llu cut, %zu final states\n",
          what.c_str(), static_cast<unsigned long long>(plain.executions),
          plain.final_states.size(), static_cast<unsigned long long>(stateful.executions),
          static_cast<unsigned long long>(stateful.abandoned), stateful.final_states.size(),
          static_cast<unsigned long long>(wrong.executions),
          static_cast<unsigned long long>(wrong.abandoned), wrong.final_states.size());
    }
  }
}

// A check that fails one ending (x is "AB", or "BA") of the shared string is found by both or
// neither, stateful at the same or an earlier execution, in the same pass; the same for the Go
// reader that saw the process's write (or did not).
TEST(GoStatefulDfs, FindsExactlyTheFailuresDfsFindsAndNoLater) {
  int found = 0;
  for (const GscCase& c : {GscCase{"shared memory", gsc_shared_memory(), 2, {-1, 0, 1}},
                           GscCase{"Go reader", gsc_go_and_process(), 1, {0, 1}}}) {
    const std::vector<std::string> endings =
        c.name == "shared memory"
            ? std::vector<std::string>{"AB", "BA"}
            : std::vector<std::string>{std::string("\x01") + "0", std::string("\x01") + "1"};
    for (const std::string& bad : endings) {
      const Program p = gsc_program(c.init, c.gomaxprocs, bad);
      for (int bound : c.bounds) {
        const std::string what = c.name + " failing on its ending " +
                                 std::to_string(&bad - &endings[0]) + ", bound " +
                                 std::to_string(bound);
        Result plain = gsc_run(p, bound, 0, {}, /*stop_at_violation=*/true);
        Result stateful = gsc_run(p, bound, 1'000'000, {}, /*stop_at_violation=*/true);
        ASSERT_EQ(plain.violation.has_value(), stateful.violation.has_value()) << what;
        if (!plain.violation) continue;
        ++found;
        EXPECT_LE(stateful.violation->execution, plain.violation->execution) << what;
        EXPECT_EQ(stateful.per_bound.size(), plain.per_bound.size()) << what << ": another pass";
      }
    }
  }
  EXPECT_GE(found, 2) << "the comparison compared nothing";
}

// A wrong key, caught: leaving the goroutines' resumptions out merges orders in which the
// goroutines appended to the program's memory (the runtime ends alike) and loses final states
// plain dfs, keyed alike, reaches, where the sound key loses none. (A key without the run queues
// is not shown caught: on the sweep's programs it loses nothing; wave 9's losses there were the
// received bytes' hole, which the sound key lost too; docs/explore.md.)
TEST(GoStatefulDfs, AKeyWithoutTheResumptionsMissesFinalStatesTheSoundKeyReaches) {
  struct Wrong {
    const char* name;
    sim::DfsStrategy::CacheRule rule;
    GscCase program;
  };
  sim::DfsStrategy::CacheRule no_resumes;
  no_resumes.go_resumes = false;
  for (const Wrong& w :
       {Wrong{"no resumptions", no_resumes, {"shared memory", gsc_shared_memory(), 2, {-1}}}}) {
    const Program p = gsc_program(w.program.init, w.program.gomaxprocs);
    bool missed = false;
    for (int bound : w.program.bounds) {
      Result plain = gsc_run(p, bound, 0, w.rule);
      Result wrong = gsc_run(p, bound, 1'000'000, w.rule);
      EXPECT_EQ(gsc_run(p, bound, 1'000'000).final_states, gsc_run(p, bound, 0).final_states);
      EXPECT_LE(wrong.final_states.size(), plain.final_states.size());
      std::printf("%s, %s, bound %d: plain %zu final states, wrong key %zu\n", w.name,
                  w.program.name.c_str(), bound, plain.final_states.size(),
                  wrong.final_states.size());
      missed = missed || wrong.final_states.size() < plain.final_states.size();
    }
    EXPECT_TRUE(missed) << w.name << ": the wrong key lost no final state of " << w.program.name;
  }
}

}  // namespace
}  // namespace papaya::explore
