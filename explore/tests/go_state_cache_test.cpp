// Stateful dfs on goroutine programs (docs/explore.md "Stateful dfs for goroutine programs",
// sim/state_cache.hpp, sim/go_state_key.cpp): with and without a preemption bound it reaches
// exactly the final states dfs reaches and finds the failures dfs finds, no later; and a key that
// leaves out a Go runtime's run queues, or its goroutines' resumptions (the program's memory),
// merges states whose futures differ, which the same comparison catches.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "explore/explorer.hpp"
#include "explore/programs.hpp"
#include "sim/simulation.hpp"
#include "traces/trace.hpp"

namespace papaya::explore {
namespace {

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

// Two goroutines each read a file of their own (a system call: the goroutine leaves its P, and
// comes back through exitsyscall onto a run queue), then write their letter into x; main waits
// for both. The last writer wins: which one depends on the order the run queue gives them.
std::function<void(Os&)> gsc_syscall_racers() {
  return [](Os& os) {
    papaya::Result<Fd> x = os.open("x", OpenFlags::rdwr | OpenFlags::creat);
    papaya::Result<Fd> a = os.open("a", OpenFlags::rdwr | OpenFlags::creat);
    papaya::Result<Fd> b = os.open("b", OpenFlags::rdwr | OpenFlags::creat);
    if (!x || !a || !b) os.exit(2);
    std::vector<GoChan> done;
    for (int w = 0; w < 2; ++w) {
      const GoChan d = os.new_chan(1);
      done.push_back(d);
      const Fd own = w == 0 ? *a : *b;
      const Fd f = *x;
      os.go([own, f, d, w](Os& g) {
        char c = 0;
        (void)g.pread(own, std::span<char>(&c, 1), 0);
        const char mine = static_cast<char>('A' + w);
        (void)g.pwrite(f, std::string_view(&mine, 1), 0);
        g.chan_send(d, 1);
      });
    }
    for (GoChan d : done) (void)os.chan_recv(d);
  };
}

// Two goroutines append their letter to a string in the program's memory (no runtime operation
// between reading and writing it: a goroutine's code runs alone), each after a Mutex; main then
// writes the string into x. Only the program's memory tells the two orders apart until main's
// write.
std::function<void(Os&)> gsc_shared_memory() {
  return [](Os& os) {
    papaya::Result<Fd> x = os.open("x", OpenFlags::rdwr | OpenFlags::creat);
    if (!x) os.exit(2);
    auto text = std::make_shared<std::string>();
    const GoMutex mu = os.new_mutex();
    std::vector<GoChan> done;
    for (int w = 0; w < 2; ++w) {
      const GoChan d = os.new_chan(1);
      done.push_back(d);
      os.go([text, mu, d, w](Os& g) {
        g.lock(mu);
        text->push_back(static_cast<char>('A' + w));
        g.unlock(mu);
        g.chan_send(d, 1);
      });
    }
    for (GoChan d : done) (void)os.chan_recv(d);
    (void)os.pwrite(*x, *text, 0);
  };
}

struct GscCase {
  const char* name;
  std::function<void(Os&)> init;
  int gomaxprocs;
};

std::vector<GscCase> gsc_cases() {
  return {
      {"go-readers(1), 1 P", go_readers_program(1), 1},
      {"go-readers(1), 2 Ps", go_readers_program(1), 2},
      {"go-lastzero(1), 1 P", go_lastzero_program(1), 1},
      {"syscall racers, 1 P", gsc_syscall_racers(), 1},
      {"shared memory, 2 Ps", gsc_shared_memory(), 2},
  };
}

TEST(GoStatefulDfs, ReachesExactlyTheFinalStatesOfDfsWithAndWithoutABound) {
  for (const GscCase& c : gsc_cases()) {
    const Program p = gsc_program(c.init, c.gomaxprocs);
    for (int bound : {-1, 0, 1, 2}) {
      const std::string what = std::string(c.name) + ", bound " + std::to_string(bound);
      Result plain = gsc_run(p, bound, 0);
      Result stateful = gsc_run(p, bound, 1'000'000);
      ASSERT_TRUE(plain.exhausted) << what;
      ASSERT_TRUE(stateful.exhausted) << what;
      EXPECT_EQ(plain.abandoned, 0u) << what << ": a table of no states cut a run";
      EXPECT_LE(stateful.executions + stateful.abandoned, plain.executions) << what;
      EXPECT_EQ(stateful.final_states, plain.final_states) << what;
      EXPECT_FALSE(stateful.violation) << what << ": " << stateful.violation->detail;
    }
  }
}

// The cache cuts runs of goroutine programs (it is not plain dfs by another name): on each
// program without a bound, and the larger ones by more than half.
TEST(GoStatefulDfs, CutsRunsOfGoroutinePrograms) {
  for (const GscCase& c : gsc_cases()) {
    const Program p = gsc_program(c.init, c.gomaxprocs);
    Result plain = gsc_run(p, -1, 0);
    Result stateful = gsc_run(p, -1, 1'000'000);
    EXPECT_GT(stateful.abandoned, 0u) << c.name;
    EXPECT_LT(stateful.executions + stateful.abandoned, plain.executions) << c.name;
    std::printf("%s: dfs %llu executions; stateful %llu + %llu cut, %llu states, %zu finals\n",
                c.name, static_cast<unsigned long long>(plain.executions),
                static_cast<unsigned long long>(stateful.executions),
                static_cast<unsigned long long>(stateful.abandoned),
                static_cast<unsigned long long>(stateful.states), plain.final_states.size());
  }
}

// A check that fails one ending of the racers (x is "B": B wrote last, or "A") is found by both,
// stateful no later than plain, in the same bound's pass.
TEST(GoStatefulDfs, FindsExactlyTheFailuresDfsFindsAndNoLater) {
  for (const char* bad : {"A", "B"}) {
    for (const GscCase& c :
         {GscCase{"syscall racers", gsc_syscall_racers(), 1},
          GscCase{"shared memory", gsc_shared_memory(), 2}}) {
      const std::string ending = std::string(c.name) == "shared memory"
                                     ? std::string(bad) + (bad[0] == 'A' ? "B" : "A")
                                     : std::string(bad);
      const Program p = gsc_program(c.init, c.gomaxprocs, ending);
      for (int bound : {-1, 0, 1}) {
        const std::string what = std::string(c.name) + " failing on " + ending + ", bound " +
                                 std::to_string(bound);
        Result plain = gsc_run(p, bound, 0, {}, /*stop_at_violation=*/true);
        Result stateful = gsc_run(p, bound, 1'000'000, {}, /*stop_at_violation=*/true);
        ASSERT_EQ(plain.violation.has_value(), stateful.violation.has_value()) << what;
        if (!plain.violation) continue;
        EXPECT_LE(stateful.violation->execution, plain.violation->execution) << what;
        EXPECT_EQ(stateful.per_bound.size(), plain.per_bound.size()) << what << ": another pass";
      }
    }
  }
}

// Wrong keys, caught: leaving the run queues out merges the racers' two orders of coming back
// from their system calls (everything else alike), and leaving the resumptions out merges the
// two orders in which the goroutines appended to the program's memory; each loses a final state
// that plain dfs, keyed alike, reaches.
TEST(GoStatefulDfs, AKeyWithoutTheRunQueuesOrTheResumptionsMissesFinalStates) {
  struct Wrong {
    const char* name;
    sim::DfsStrategy::CacheRule rule;
    GscCase program;
  };
  sim::DfsStrategy::CacheRule no_queues;
  no_queues.go_run_queues = false;
  sim::DfsStrategy::CacheRule no_resumes;
  no_resumes.go_resumes = false;
  for (const Wrong& w :
       {Wrong{"no run queues", no_queues, {"syscall racers", gsc_syscall_racers(), 1}},
        Wrong{"no resumptions", no_resumes, {"shared memory", gsc_shared_memory(), 2}}}) {
    const Program p = gsc_program(w.program.init, w.program.gomaxprocs);
    bool missed = false;
    for (int bound : {-1, 0, 1, 2}) {
      Result plain = gsc_run(p, bound, 0, w.rule);
      Result wrong = gsc_run(p, bound, 1'000'000, w.rule);
      Result sound = gsc_run(p, bound, 1'000'000);
      Result sound_plain = gsc_run(p, bound, 0);
      EXPECT_EQ(sound.final_states, sound_plain.final_states) << w.name << ", bound " << bound;
      EXPECT_LE(wrong.final_states.size(), plain.final_states.size());
      missed = missed || wrong.final_states.size() < plain.final_states.size();
    }
    EXPECT_TRUE(missed) << w.name << ": the wrong key lost no final state of "
                        << w.program.name;
  }
}

}  // namespace
}  // namespace papaya::explore
