// Stateful dfs on goroutine programs (docs/explore.md "Stateful dfs for goroutine programs",
// sim/state_cache.hpp, sim/go_state_key.cpp): with and without a preemption bound it reaches
// exactly the final states dfs reaches and finds the failures dfs finds, no later; and a key that
// leaves out a Go runtime's run queues, or its goroutines' resumptions (the program's memory),
// merges states whose futures differ, which the same comparison catches.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
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

// Four goroutines of one Go program on one P each read a byte from a pipe of their own, blocking
// in the kernel (one kernel thread serves them in turn), until a process writes the four pipes a
// second later; sysmon hands the P to the next goroutine each time one blocks. Then the first to
// return takes the P back (exitsyscall: its old P is still in a syscall), appends its capital
// letter to a string in the program's memory and yields (Gosched); each one that returns while it
// runs finds no P and goes on the global run queue, in the order they return. Gosched puts the
// runner behind them and the P takes the queue's head, the rest in order onto its local queue:
// the order they returned is the order they append their capitals, then the small letters. Two
// orders of two returns (a third still to return, so there is a decision) leave everything
// alike but the global run queue; main writes the string into x.
std::function<void(Os&)> gsc_returns_queued_in_order() {
  return [](Os& os) {
    constexpr int readers = 4;
    papaya::Result<Fd> fx = os.open("x", OpenFlags::rdwr | OpenFlags::creat);
    if (!fx) os.exit(2);
    const Fd x = *fx;
    std::vector<std::pair<Fd, Fd>> pipes;
    for (int i = 0; i < readers; ++i) {
      papaya::Result<std::pair<Fd, Fd>> pp = os.pipe();
      if (!pp) os.exit(3);
      pipes.push_back(*pp);
    }
    papaya::Result<Pid> go = os.fork([x, pipes](Os& o) {
      auto text = std::make_shared<std::string>();
      std::vector<GoChan> done;
      for (int w = 0; w < readers; ++w) {
        const GoChan d = o.new_chan(1);
        done.push_back(d);
        o.go([text, d, w, r = pipes[static_cast<std::size_t>(w)].first](Os& g) {
          char c = 0;
          (void)g.read(r, std::span<char>(&c, 1));
          text->push_back(static_cast<char>('A' + w));
          g.gosched();
          text->push_back(static_cast<char>('a' + w));
          g.chan_send(d, 1);
        });
      }
      for (GoChan d : done) (void)o.chan_recv(d);
      (void)o.pwrite(x, *text, 0);
    });
    papaya::Result<Pid> writer = os.fork([pipes](Os& o) {
      (void)o.sleep(std::chrono::seconds(1));
      for (const std::pair<Fd, Fd>& pp : pipes) (void)o.write(pp.second, "1");
    });
    if (!go || !writer) os.exit(4);
    (void)os.waitpid(*go, false);
    (void)os.waitpid(*writer, false);
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
// plain dfs, keyed alike, reaches, where the sound key loses none. (The run queues' key is caught
// below, on a program of its own: the sweep's programs lose nothing without it.)
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

// A wrong key, caught: leaving the run queues out (`go_run_queues` off) merges two orders in which
// goroutines returned from the kernel onto the global run queue while another ran (the program
// above; everything else in the key is alike), and the order they run in afterwards, which is
// the order of the letters in x, differs. One P, K = 0 and 1 (the unbounded space is too large
// for a unit test). Plain dfs and the sound key: 192 final states, 192 endings of x (K = 0; 576
// runs, sound 192 + 2 cut) and 1,088 final states, 312 endings (K = 1; 17,832 runs, sound 3,508 +
// 437 cut); without the run queues 168 final states, 168 endings (168 + 14 cut) and 953, 240
// (2,886 + 535 cut): a lost ending is, say, "ABDCabdc" (A returned first; B, D, C queued in that
// order). With three readers nothing was lost (K = 0, 1, 2): the search looks a state up only
// where it chooses (two or more ready), and presumably each dropped ending is still reached along
// an order in which only the runner can step after the second return (docs/explore.md).
// The endings are compared as well as the keys: x is what the program's check reads, and it does
// not depend on how a final state is hashed.
TEST(GoStatefulDfs, AKeyWithoutTheRunQueuesMissesEndingsOfGoroutinesQueuedInAnotherOrder) {
  sim::DfsStrategy::CacheRule no_queues;
  no_queues.go_run_queues = false;
  Program p = gsc_program(gsc_returns_queued_in_order(), 1);
  auto endings = std::make_shared<std::set<std::string>>();
  p.check = [endings, check = p.check](const sim::Simulation& sim, const sim::RunReport& r) {
    endings->insert(sim.file_contents("x").value_or(""));
    return check(sim, r);
  };
  auto run = [&](int bound, std::size_t max_states, sim::DfsStrategy::CacheRule rule,
                 std::set<std::string>& seen) {
    endings->clear();
    Result r = gsc_run(p, bound, max_states, rule);
    seen = *endings;
    return r;
  };
  for (int bound : {0, 1}) {
    std::set<std::string> plain_x;
    std::set<std::string> sound_x;
    std::set<std::string> wrong_x;
    std::set<std::string> wrong_plain_x;
    Result plain = run(bound, 0, {}, plain_x);
    Result sound = run(bound, 1'000'000, {}, sound_x);
    Result wrong = run(bound, 1'000'000, no_queues, wrong_x);
    ASSERT_TRUE(plain.exhausted) << bound;
    ASSERT_TRUE(sound.exhausted) << bound;
    ASSERT_TRUE(wrong.exhausted) << bound;
    EXPECT_FALSE(plain.violation) << bound;
    EXPECT_GT(plain_x.size(), 1u) << bound << ": the program has one ending";
    EXPECT_EQ(sound.final_states, plain.final_states) << bound;
    EXPECT_EQ(sound_x, plain_x) << bound;
    // The wrong key's own plain dfs tells as many final states apart (its digests differ from
    // the sound key's: it hashes less), and its stateful search reaches fewer of them.
    Result wrong_plain = run(bound, 0, no_queues, wrong_plain_x);
    EXPECT_EQ(wrong_plain_x, plain_x) << bound;
    EXPECT_EQ(wrong_plain.final_states.size(), plain.final_states.size()) << bound;
    EXPECT_LT(wrong.final_states.size(), wrong_plain.final_states.size()) << bound;
    for (const auto& f : wrong.final_states)
      EXPECT_TRUE(wrong_plain.final_states.contains(f)) << bound << ": a final state dfs never saw";
    EXPECT_LT(wrong_x.size(), plain_x.size()) << bound;
    std::printf(
        "bound %d: dfs %llu, %zu final states, %zu endings; sound %llu + %llu cut, %zu, %zu; "
        "without the run queues %llu + %llu cut, %zu, %zu\n",
        bound, static_cast<unsigned long long>(plain.executions), plain.final_states.size(),
        plain_x.size(), static_cast<unsigned long long>(sound.executions),
        static_cast<unsigned long long>(sound.abandoned), sound.final_states.size(), sound_x.size(),
        static_cast<unsigned long long>(wrong.executions),
        static_cast<unsigned long long>(wrong.abandoned), wrong.final_states.size(),
        wrong_x.size());
  }
}

}  // namespace
}  // namespace papaya::explore
