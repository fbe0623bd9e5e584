// no-crash-wakeup under exploration's kills: a writer killed between its append and its SIGUSR1
// leaves the other client's reader asleep. It takes two clients, one kill and one delay (20,894
// runs): labelled slow.
#include <gtest/gtest.h>

#include "explore/tests/explore_kills.hpp"

namespace papaya::explore {
namespace {

TEST(ExploreKillsSlow, FindsNoCrashWakeupWithOneKillAndOneDelay) {
  const Program p = exploration_chat(chat::Variant::no_crash_wakeup, 2, 1);
  EXPECT_FALSE(kills_explore(p, 0, 1).violation) << "found within delay bound 0";
  expect_found_with_one_kill(p, 1);
}

}  // namespace
}  // namespace papaya::explore
