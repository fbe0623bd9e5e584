// The classic DPOR benchmarks' published execution counts (Abdulla, Aronis, Jonsson, Sagonas,
// JACM 2017, Table 2 and section 9: readers(N) has 2^N Mazurkiewicz traces; lastzero(N) 2, 5, 12,
// 28, 64 for N = 1..5 and 3328 for N = 10), and dfs grouped by trace equivalence agreeing with
// dpor's execution count.
#include <gtest/gtest.h>

#include <set>

#include "explore/explorer.hpp"
#include "explore/programs.hpp"
#include "sim/simulation.hpp"
#include "traces/trace.hpp"

namespace papaya::explore {
namespace {

Result run(std::function<void(Os&)> init, StrategyName s, std::uint64_t max = 1'000'000,
           bool names = false) {
  Program p;
  p.init = std::move(init);
  p.check = [](const sim::Simulation&, const sim::RunReport& r) {
    return r.verdict == Verdict::ok ? std::string()
                                    : std::string(verdict_name(r.verdict)) + r.detail;
  };
  Config c;
  c.strategy = s;
  c.max_executions = max;
  c.keep_trace_names = names;
  return explore(p, c);
}

TEST(Dpor, ReadersHasTwoToTheNExecutions) {
  for (int n : {1, 2, 3, 8}) {
    Result r = run(readers_program(n), StrategyName::dpor);
    EXPECT_TRUE(r.exhausted) << n;
    EXPECT_FALSE(r.violation) << r.violation->detail;
    EXPECT_EQ(r.executions, 1u << n) << "readers(" << n << ")";
    EXPECT_EQ(r.traces, r.executions) << "readers(" << n << "): two executions of one trace";
  }
}

TEST(Dpor, LastzeroHasThePublishedExecutionCounts) {
  const std::uint64_t want[] = {0, 2, 5, 12, 28, 64};
  for (int n = 1; n <= 5; ++n) {
    Result r = run(lastzero_program(n), StrategyName::dpor);
    EXPECT_TRUE(r.exhausted);
    EXPECT_EQ(r.executions, want[n]) << "lastzero(" << n << ")";
    EXPECT_EQ(r.traces, r.executions) << "lastzero(" << n << ")";
  }
}

TEST(Dpor, LastzeroTenHas3328Executions) {
  Result r = run(lastzero_program(10), StrategyName::dpor);
  EXPECT_TRUE(r.exhausted);
  EXPECT_EQ(r.executions, 3328u);
  EXPECT_EQ(r.traces, 3328u);
}

TEST(Dfs, GroupedByTraceEquivalenceGivesAsManyTracesAsDporExecutes) {
  struct Case {
    const char* name;
    std::function<void(Os&)> init;
  };
  for (const Case& c :
       {Case{"readers(1)", readers_program(1)}, Case{"readers(2)", readers_program(2)},
        Case{"lastzero(1)", lastzero_program(1)}, Case{"lastzero(2)", lastzero_program(2)}}) {
    Result dfs = run(c.init, StrategyName::dfs, 200'000);
    Result dpor = run(c.init, StrategyName::dpor);
    EXPECT_TRUE(dfs.exhausted) << c.name;
    EXPECT_GT(dfs.executions, dpor.executions) << c.name << ": no reduction";
    EXPECT_EQ(dfs.traces, dpor.executions) << c.name;
    EXPECT_EQ(dfs.traces, dpor.traces) << c.name;
  }
}

TEST(OptimalDpor, ReadersHasTwoToTheNExecutionsAndNoneBlocked) {
  for (int n : {1, 2, 3, 8}) {
    Result r = run(readers_program(n), StrategyName::optimal);
    EXPECT_TRUE(r.exhausted) << n;
    EXPECT_FALSE(r.violation) << r.violation->detail;
    EXPECT_EQ(r.executions, 1u << n) << "readers(" << n << ")";
    EXPECT_EQ(r.traces, r.executions) << "readers(" << n << ")";
    EXPECT_EQ(r.abandoned, 0u) << "readers(" << n << "): a sleep-set-blocked run";
    EXPECT_EQ(r.wakeup_divergences, 0u) << "readers(" << n << ")";
  }
}

TEST(OptimalDpor, LastzeroHasThePublishedCountsWithNoSleepSetBlockedRuns) {
  const std::uint64_t want[] = {0, 2, 5, 12, 28, 64};
  for (int n = 1; n <= 5; ++n) {
    Result r = run(lastzero_program(n), StrategyName::optimal);
    EXPECT_TRUE(r.exhausted);
    EXPECT_EQ(r.executions, want[n]) << "lastzero(" << n << ")";
    EXPECT_EQ(r.traces, r.executions) << "lastzero(" << n << ")";
    EXPECT_EQ(r.abandoned, 0u) << "lastzero(" << n << ")";
    EXPECT_EQ(r.wakeup_divergences, 0u) << "lastzero(" << n << ")";
  }
}

TEST(OptimalDpor, LastzeroTenHas3328ExecutionsAndNoneBlocked) {
  Result optimal = run(lastzero_program(10), StrategyName::optimal);
  EXPECT_TRUE(optimal.exhausted);
  EXPECT_EQ(optimal.executions, 3328u);
  EXPECT_EQ(optimal.traces, 3328u);
  EXPECT_EQ(optimal.abandoned, 0u);
}

TEST(OptimalDpor, RunsNoSleepSetBlockedExecutionWhereSourceDporRunsSome) {
  Result optimal = run(lastzero_program(5), StrategyName::optimal);
  Result source = run(lastzero_program(5), StrategyName::dpor);
  EXPECT_EQ(optimal.executions, source.executions);
  EXPECT_EQ(optimal.abandoned, 0u);
  EXPECT_GT(source.abandoned, 0u) << "the comparison shows no difference";
  EXPECT_LT(optimal.steps, source.steps);
}

TEST(OptimalDpor, CoversExactlyTheTracesSourceDporAndDfsCover) {
  struct Case {
    const char* name;
    std::function<void(Os&)> init;
    bool dfs;
  };
  for (const Case& c : {Case{"readers(2)", readers_program(2), true},
                        Case{"lastzero(2)", lastzero_program(2), false},
                        Case{"readers(5)", readers_program(5), false},
                        Case{"lastzero(5)", lastzero_program(5), false}}) {
    Result optimal = run(c.init, StrategyName::optimal, 1'000'000, true);
    Result source = run(c.init, StrategyName::dpor, 1'000'000, true);
    EXPECT_EQ(optimal.trace_names, source.trace_names) << c.name;
    EXPECT_EQ(optimal.trace_names.size(), optimal.executions) << c.name;
    if (c.dfs) {
      Result dfs = run(c.init, StrategyName::dfs, 200'000, true);
      EXPECT_TRUE(dfs.exhausted) << c.name;
      EXPECT_EQ(optimal.trace_names, dfs.trace_names) << c.name;
    }
  }
}

// A caught signal against steps that cannot tell when it came (getpid) and one that can
// (take_caught): with the reduction, three traces (the kill before take_caught, between it and the
// exit, after the exit: ESRCH); without it there would be five. Every strategy must still see
// both outcomes of take_caught.
std::function<void(Os&)> caught_signal_program() {
  return [](Os& os) {
    if (!os.sigaction(Sig::usr1, SigAction::catch_flag())) os.exit(2);
    papaya::Result<Pid> child = os.fork([](Os& o) {
      (void)o.getpid();
      (void)o.getpid();
      o.exit(o.take_caught(Sig::usr1) ? 1 : 0);
    });
    if (!child) os.exit(2);
    (void)os.kill(*child, Sig::usr1);
    (void)os.waitpid(*child, false);
  };
}

TEST(Reduction, ACaughtSignalRacesOnlyWithTheStepsThatObserveItAndEveryOutcomeIsSeen) {
  for (StrategyName s : {StrategyName::dfs, StrategyName::dpor, StrategyName::optimal}) {
    std::set<std::int64_t> outcomes;
    Program p;
    p.init = caught_signal_program();
    p.check = [&](const sim::Simulation& sim, const sim::RunReport& r) {
      for (const traces::Step& st : sim.trace().steps)
        if (st.op == model::OpKind::take_caught) outcomes.insert(st.ret);
      return r.verdict == Verdict::ok ? std::string() : std::string(verdict_name(r.verdict));
    };
    Config c;
    c.strategy = s;
    Result r = explore(p, c);
    EXPECT_TRUE(r.exhausted) << strategy_name(s);
    EXPECT_FALSE(r.violation) << strategy_name(s) << ": " << r.violation->detail;
    // Five, not three: pid 1 catches SIGUSR1, so its waitpid's blocked step is an event
    // (sim/independence.hpp blocked_effect_of), and in two of the three orders of the kill the
    // child's exit can come before or after pid 1 blocks in waitpid.
    EXPECT_EQ(r.traces, 5u) << strategy_name(s);
    if (s != StrategyName::dfs) {
      EXPECT_EQ(r.executions, 5u) << strategy_name(s);
    }
    EXPECT_EQ(outcomes, (std::set<std::int64_t>{0, 1})) << strategy_name(s);
  }
}

// Shared pipe ends closed by two processes: pid 1 makes a pipe and forks a child; the child
// closes its copy of the write end and reads until EOF, pid 1 writes one byte, closes its copy of
// the read end and then of the write end. Which close of the read end is the last cannot change
// the write (pid 1 writes before it closes), and which close of the write end is the last cannot
// change the child's reads (the byte, then end-of-file after both): drops of one pipe end commute
// (each writes its own process's pipe_end), so there is one trace, for dfs, dpor and optimal
// alike. (explore/tests/races_test.cpp has the program where
// the last drop does race a write.)
std::function<void(Os&)> shared_pipe_program() {
  return [](Os& os) {
    papaya::Result<std::pair<Fd, Fd>> p = os.pipe();
    if (!p) os.exit(2);
    const auto [r, w] = *p;
    papaya::Result<Pid> child = os.fork([r, w](Os& o) {
      (void)o.close(w);
      char c;
      int got = 0;
      for (;;) {
        papaya::Result<size_t> n = o.read(r, std::span<char>(&c, 1));
        if (!n || *n == 0) break;
        ++got;
      }
      o.exit(got);
    });
    if (!child) os.exit(2);
    (void)os.write(w, "x");
    (void)os.close(r);
    (void)os.close(w);
    (void)os.waitpid(*child, false);
  };
}

TEST(Reduction, ClosesOfSharedPipeEndsGiveExactlyDfsTracesAndEveryOutcome) {
  Result dfs = run(shared_pipe_program(), StrategyName::dfs, 200'000, true);
  Result source = run(shared_pipe_program(), StrategyName::dpor, 1'000'000, true);
  Result optimal = run(shared_pipe_program(), StrategyName::optimal, 1'000'000, true);
  ASSERT_TRUE(dfs.exhausted);
  EXPECT_FALSE(dfs.violation);
  EXPECT_EQ(source.trace_names, dfs.trace_names);
  EXPECT_EQ(optimal.trace_names, dfs.trace_names);
  EXPECT_EQ(optimal.executions, optimal.trace_names.size());
  EXPECT_EQ(dfs.traces, 1u);
}

// A client sends "abc" over TCP and closes; the server records how much its first recv got. How
// the send is cut into segments and how many of them have arrived are non-scheduling decisions;
// a short send is an offered fault.
std::function<void(Os&)> segments_program() {
  return [](Os& os) {
    papaya::Result<Fd> l = os.listen("127.0.0.1", 7000, 1);
    if (!l) os.exit(2);
    papaya::Result<Pid> child = os.fork([](Os& o) {
      papaya::Result<Fd> s = o.connect("127.0.0.1", 7000);
      if (!s) o.exit(2);
      std::string_view left = "abc";
      while (!left.empty()) {
        papaya::Result<size_t> n = o.send(*s, left);
        if (!n) o.exit(2);
        left.remove_prefix(*n);
      }
      (void)o.close(*s);
    });
    if (!child) os.exit(2);
    papaya::Result<Fd> c = os.accept(*l);
    if (!c) os.exit(2);
    char buf[8];
    (void)os.recv(*c, std::span<char>(buf, sizeof buf));
    (void)os.waitpid(*child, false);
  };
}

struct DataRun {
  Result r;
  std::set<std::int64_t> first_recv;  // sizes the first recv returned
  std::set<std::int64_t> sends;       // sizes the sends returned
};

DataRun explore_segments(StrategyName s, std::uint32_t data_options, bool faults) {
  DataRun out;
  Program p;
  p.init = segments_program();
  p.check = [&](const sim::Simulation& sim, const sim::RunReport& r) {
    for (const traces::Step& st : sim.trace().steps) {
      if (st.op == model::OpKind::recv && st.status == model::StepStatus::done) {
        out.first_recv.insert(st.ret);
        break;
      }
    }
    for (const traces::Step& st : sim.trace().steps)
      if (st.op == model::OpKind::send && st.status == model::StepStatus::done)
        out.sends.insert(st.ret);
    return r.verdict == Verdict::ok ? std::string() : std::string(verdict_name(r.verdict));
  };
  Config c;
  c.strategy = s;
  c.data_options = data_options;
  c.faults = faults;
  out.r = explore(p, c);
  return out;
}

TEST(NonScheduling, SegmentsAndArrivalsAreExploredWithinTheStatedBound) {
  for (StrategyName s : {StrategyName::dfs, StrategyName::dpor, StrategyName::optimal}) {
    DataRun one = explore_segments(s, 1, false);
    DataRun all = explore_segments(s, 0xffffffffu, false);
    EXPECT_TRUE(one.r.exhausted && all.r.exhausted) << strategy_name(s);
    EXPECT_FALSE(all.r.violation) << all.r.violation->detail;
    EXPECT_EQ(one.first_recv, (std::set<std::int64_t>{3})) << strategy_name(s) << ": default";
    EXPECT_EQ(all.first_recv, (std::set<std::int64_t>{1, 2, 3})) << strategy_name(s);
    EXPECT_GT(all.r.traces, one.r.traces) << strategy_name(s);
  }
}

TEST(NonScheduling, DporAndDfsAgreeOnTheTracesWithEveryDecisionExplored) {
  DataRun dfs = explore_segments(StrategyName::dfs, 0xffffffffu, true);
  DataRun dpor = explore_segments(StrategyName::dpor, 0xffffffffu, true);
  DataRun optimal = explore_segments(StrategyName::optimal, 0xffffffffu, true);
  EXPECT_EQ(dfs.r.traces, dpor.r.traces);
  EXPECT_EQ(dfs.r.traces, optimal.r.traces);
  EXPECT_EQ(dpor.r.executions, dpor.r.traces);
}

TEST(NonScheduling, OfferedShortSendsAreExploredOnlyWhenFaultsAreOn) {
  DataRun off = explore_segments(StrategyName::optimal, 0xffffffffu, false);
  DataRun on = explore_segments(StrategyName::optimal, 0xffffffffu, true);
  EXPECT_EQ(off.sends, (std::set<std::int64_t>{3}));
  EXPECT_TRUE(on.sends.count(1) && on.sends.count(2)) << "no short send explored";
  EXPECT_GT(on.r.traces, off.r.traces);
}

TEST(Dfs, PreemptionBoundZeroRunsEachProcessToItsEnd) {
  Program p;
  p.init = readers_program(2);
  Config c;
  c.strategy = StrategyName::dfs;
  c.bound = 0;
  Result r = explore(p, c);
  EXPECT_TRUE(r.exhausted);
  EXPECT_TRUE(r.preemption_bounded);
  Config unbounded = c;
  unbounded.bound = -1;
  EXPECT_LT(r.executions, explore(p, unbounded).executions);
}

}  // namespace
}  // namespace papaya::explore
