// Optimal DPOR declines a race whose second step's process the first made ready when nothing
// else in the reversed sequence could have (sim/optimal_dpor_strategy.cpp enabled_by, docs/
// explore.md "Optimal DPOR and footprints that depend on the state", 2.): such a sequence cannot
// run from the first step's state, and a branch planned for it is dropped when its turn comes,
// with the sequences later races hung below it. On the chat with one client and two lines, the
// first 20,000 executions dropped 60 branches without the rule (a blocked recv, sigsuspend or
// waitpid that the step before it woke), none with it.
#include <gtest/gtest.h>

#include "explore/tests/exploration_chat.hpp"

namespace papaya::explore {
namespace {

TEST(EnabledBy, OptimalPlansNoBranchItCannotFollowOnTheChatOneByTwo) {
  Config c;
  c.strategy = StrategyName::optimal;
  c.data_options = 1;
  c.max_executions = 20'000;
  const Result r = explore(exploration_chat(chat::Variant::correct, 1, 2), c);
  EXPECT_FALSE(r.violation);
  EXPECT_EQ(r.executions, 20'000u);
  EXPECT_EQ(r.traces, 20'000u);
  EXPECT_EQ(r.wakeup_divergences, 0u);
}

}  // namespace
}  // namespace papaya::explore
