// The classic DPOR benchmarks' published execution counts (Abdulla, Aronis, Jonsson, Sagonas,
// JACM 2017, Table 2 and section 9: readers(N) has 2^N Mazurkiewicz traces; lastzero(N) 2, 5, 12,
// 28, 64 for N = 1..5 and 3328 for N = 10), and dfs grouped by trace equivalence agreeing with
// dpor's execution count.
#include <gtest/gtest.h>

#include "explore/explorer.hpp"
#include "explore/programs.hpp"

namespace papaya::explore {
namespace {

Result run(std::function<void(Os&)> init, StrategyName s, std::uint64_t max = 1'000'000) {
  Program p;
  p.init = std::move(init);
  p.check = [](const sim::Simulation&, const sim::RunReport& r) {
    return r.verdict == Verdict::ok ? std::string()
                                    : std::string(verdict_name(r.verdict)) + r.detail;
  };
  Config c;
  c.strategy = s;
  c.max_executions = max;
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
