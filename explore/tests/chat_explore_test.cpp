// Exploration on the chat (docs/explore.md): dpor finds every variant dfs finds within the same
// budget on the smallest configuration; pct finds the locking bugs on two clients; dpor's
// executions on the correct design are pairwise inequivalent and violate nothing.
#include <gtest/gtest.h>

#include "chat/variant.hpp"
#include "explore/chat_program.hpp"

namespace papaya::explore {
namespace {

chat::Scenario scenario(chat::Variant v, int clients, int messages) {
  chat::Scenario s;
  s.clients = clients;
  s.messages = messages;
  s.server.variant = v;
  return s;
}

Result run(chat::Variant v, int clients, StrategyName strategy, std::uint64_t budget) {
  Config c;
  c.strategy = strategy;
  c.max_executions = budget;
  c.data_options = 1;
  return explore(chat_program(scenario(v, clients, 1)), c);
}

TEST(ChatExplore, DporAndOptimalFindEveryVariantDfsFindsWithinTheSameBudget) {
  int found_by_dfs = 0;
  for (chat::Variant v : chat::all_variants) {
    if (v == chat::Variant::correct) continue;
    Result dfs = run(v, 1, StrategyName::dfs, 150);
    Result dpor = run(v, 1, StrategyName::dpor, 150);
    Result optimal = run(v, 1, StrategyName::optimal, 150);
    if (dfs.violation) {
      ++found_by_dfs;
      EXPECT_TRUE(dpor.violation) << chat::variant_name(v) << ": dfs found "
                                  << dfs.violation->detail;
      EXPECT_TRUE(optimal.violation)
          << chat::variant_name(v) << ": dfs found " << dfs.violation->detail;
    }
  }
  EXPECT_GE(found_by_dfs, 1) << "the comparison compared nothing";
}

TEST(ChatExplore, PctFindsTheLockingBugsWithTwoClients) {
  for (chat::Variant v :
       {chat::Variant::shared_ofd, chat::Variant::torn_message, chat::Variant::exclusive_read}) {
    Result r = run(v, 2, StrategyName::pct, 100);
    EXPECT_TRUE(r.violation) << chat::variant_name(v);
  }
}

TEST(ChatExplore, DporExecutionsOnTheCorrectDesignAreDistinctTracesAndViolateNothing) {
  Result r = run(chat::Variant::correct, 1, StrategyName::dpor, 400);
  EXPECT_FALSE(r.violation) << r.violation->detail;
  EXPECT_EQ(r.executions, 400u);
  EXPECT_EQ(r.traces, r.executions) << "dpor ran two executions of one Mazurkiewicz trace";
}

TEST(ChatExplore, OptimalExecutionsOnTheCorrectDesignAreDistinctTracesAndViolateNothing) {
  Result r = run(chat::Variant::correct, 1, StrategyName::optimal, 400);
  EXPECT_FALSE(r.violation) << r.violation->detail;
  EXPECT_EQ(r.executions, 400u);
  EXPECT_EQ(r.traces, r.executions) << "optimal ran two executions of one Mazurkiewicz trace";
}

TEST(ChatExplore, DfsRunsManyExecutionsPerTraceWhereDporRunsOne) {
  Result dfs = run(chat::Variant::correct, 1, StrategyName::dfs, 400);
  EXPECT_FALSE(dfs.violation);
  EXPECT_LT(dfs.traces, dfs.executions);
}

}  // namespace
}  // namespace papaya::explore
