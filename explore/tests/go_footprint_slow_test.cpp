// The long comparisons behind fine Go footprints being on (docs/explore.md, "Goroutine
// operations"): on the goroutine benchmarks' whole spaces at GOMAXPROCS 2, dfs, source-DPOR and
// optimal DPOR name the same Mazurkiewicz traces; so do dfs and source-DPOR on 40 generated
// programs at GOMAXPROCS 1 and 2; and the swap checker passes on random runs of the goroutine
// chat. Labelled slow (minutes): not in the default run.
#include <gtest/gtest.h>

#include <cstdio>

#include "chat/scenario/scenario.hpp"
#include "explore/chat_program.hpp"
#include "explore/programs.hpp"
#include "explore/tests/go_footprint_check.hpp"
#include "explore/tests/go_readers_order.hpp"

namespace papaya::explore {
namespace {

using namespace gofp;

TEST(GoFootprintSlow, DfsDporAndOptimalNameTheSameTracesOfTheGoBenchmarks) {
  struct Case {
    const char* name;
    std::function<void(Os&)> init;
  };
  for (const Case& c : {Case{"go-readers:1", go_readers_program(1)},
                        Case{"go-lastzero:1", go_lastzero_program(1)}}) {
    GoFineRun dfs = go_fine_explore(c.init, StrategyName::dfs, 2, true, 400'000);
    GoFineRun dpor = go_fine_explore(c.init, StrategyName::dpor, 2);
    GoFineRun optimal = go_fine_explore(c.init, StrategyName::optimal, 2);
    ASSERT_TRUE(dfs.result.exhausted) << c.name;
    ASSERT_TRUE(dpor.result.exhausted) << c.name;
    ASSERT_TRUE(optimal.result.exhausted) << c.name;
    EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names) << c.name;
    EXPECT_EQ(optimal.result.trace_names, dfs.result.trace_names) << c.name;
    EXPECT_EQ(dpor.program_traces.size(), 2u) << c.name;
    std::printf(
        "%s, GOMAXPROCS 2: dfs %llu executions, %llu traces; dpor %llu (+%llu); "
        "optimal %llu (+%llu)\n",
        c.name, static_cast<unsigned long long>(dfs.result.executions),
        static_cast<unsigned long long>(dfs.result.traces),
        static_cast<unsigned long long>(dpor.result.executions),
        static_cast<unsigned long long>(dpor.result.abandoned),
        static_cast<unsigned long long>(optimal.result.executions),
        static_cast<unsigned long long>(optimal.result.abandoned));
  }
}

TEST(GoFootprintSlow, DporCoversExactlyTheTracesDfsCoversOnGeneratedPrograms) {
  int compared = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const std::vector<GoGenThread> ts = go_gen_random(seed);
    for (int procs = 1; procs <= 2; ++procs) {
      const auto init = go_gen_program(2, seed % 2, ts);
      GoFineRun dfs = go_fine_explore(init, StrategyName::dfs, procs, true, 20'000);
      if (!dfs.result.exhausted) continue;
      GoFineRun dpor = go_fine_explore(init, StrategyName::dpor, procs);
      ++compared;
      EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names)
          << "seed " << seed << " GOMAXPROCS " << procs << ": " << go_gen_describe(ts);
    }
  }
  EXPECT_GE(compared, 50);
  std::printf("%d generated programs compared\n", compared);
}

TEST(GoFootprintSlow, AdjacentIndependentStepsOfTheGoroutineChatCommute) {
  for (int clients = 1; clients <= 2; ++clients)
    for (int messages = 0; messages <= 1; ++messages) {
      chat::Scenario sc;
      sc.clients = clients;
      sc.messages = messages;
      sc.server.design = chat::Design::goroutine;
      chat::use_exploration_scenario(sc);
      std::uint64_t pairs = 0;
      EXPECT_EQ(go_swap_check(chat_program(sc).init, 2, 2, &pairs), "")
          << clients << " x " << messages;
      EXPECT_GT(pairs, 0u);
      std::printf("goroutine chat %d x %d: %llu independent pairs swapped\n", clients, messages,
                  static_cast<unsigned long long>(pairs));
    }
}

// go-readers:2 on two Ps, its whole space: three of the four orders, never R1 before the writer
// and R2 after (go_readers_order_test.cpp says why).
TEST(GoFootprintSlow, GoReadersTwoOnTwoPsReachesEveryOrderButTheFirstQueuedReaderFirst) {
  const goreaders::ReadersOrders two =
      goreaders::explore_readers_orders(StrategyName::dpor, 2, -1, 1'000'000, "");
  ASSERT_TRUE(two.result.exhausted);
  EXPECT_FALSE(two.result.violation);
  EXPECT_EQ(two.orders, (std::set<std::string>{"R1 0, R2 0", "R1 1, R2 0", "R1 1, R2 1"}));
  std::printf("go-readers:2, GOMAXPROCS 2, dpor: %llu executions (+%llu abandoned), orders:",
              static_cast<unsigned long long>(two.result.executions),
              static_cast<unsigned long long>(two.result.abandoned));
  for (const std::string& o : two.orders) std::printf(" [%s]", o.c_str());
  std::printf("\n");
}

}  // namespace
}  // namespace papaya::explore
