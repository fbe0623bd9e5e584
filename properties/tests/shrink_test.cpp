#include "properties/shrink.hpp"

#include <gtest/gtest.h>

namespace papaya::properties {
namespace {

// A toy system: 40 decision points with 3 options each. It "fails" when decision 7 picked 2 and
// decision 20 picked 1 (two specific preemptions); its length grows with the non-default picks.
ShrinkRun toy(const Decisions& prefix) {
  ShrinkRun r;
  for (std::size_t i = 0; i < 40; ++i)
    r.taken.push_back(i < prefix.size() ? std::min<std::uint32_t>(prefix[i], 2) : 0);
  r.fails = r.taken[7] == 2 && r.taken[20] == 1;
  r.steps = 40 + 3 * non_default_count(r.taken);
  return r;
}

TEST(ShrinkDecisions, KeepsOnlyTheDecisionsTheFailureNeeds) {
  Decisions noisy(40, 1);
  noisy[7] = 2;
  ShrinkRun start = toy(noisy);
  ASSERT_TRUE(start.fails);
  ShrinkResult r = shrink_decisions(start, toy);
  EXPECT_EQ(non_default_count(r.decisions), 2u);
  EXPECT_EQ(r.decisions[7], 2u);
  EXPECT_EQ(r.decisions[20], 1u);
  EXPECT_EQ(r.steps, 46u);
  EXPECT_TRUE(toy(r.decisions).fails);
  EXPECT_GT(r.accepted, 0);
}

TEST(ShrinkDecisions, NeverReturnsAPassingRunAndRespectsTheBudget) {
  Decisions noisy(40, 1);
  noisy[7] = 2;
  int calls = 0;
  ShrinkOracle counting = [&](const Decisions& p) {
    ++calls;
    return toy(p);
  };
  ShrinkResult r = shrink_decisions(toy(noisy), counting, 5);
  EXPECT_LE(calls, 5);
  EXPECT_EQ(r.replays, calls);
  EXPECT_TRUE(toy(r.decisions).fails);
}

TEST(ShrinkDecisions, LeavesAnAlreadyMinimalRunAlone) {
  Decisions minimal(40, 0);
  minimal[7] = 2;
  minimal[20] = 1;
  ShrinkResult r = shrink_decisions(toy(minimal), toy);
  EXPECT_EQ(r.decisions, toy(minimal).taken);
  EXPECT_EQ(r.accepted, 0);
}

// A toy whose failure needs one departure anywhere in the second half, but whose recorded run
// departs everywhere: the few-departures search finds a one-departure schedule first.
ShrinkRun needs_one_late(const Decisions& prefix) {
  ShrinkRun r;
  for (std::size_t i = 0; i < 40; ++i) r.taken.push_back(i < prefix.size() ? prefix[i] % 3 : 0);
  r.fails = false;
  for (std::size_t i = 20; i < 40; ++i) r.fails |= r.taken[i] != 0;
  r.steps = 100 - non_default_count(r.taken);  // more departures, fewer steps: the trade-off
  return r;
}

TEST(ShrinkDecisions, PrefersFewerDeparturesToFewerSteps) {
  ShrinkRun start = needs_one_late(Decisions(40, 1));
  ASSERT_TRUE(start.fails);
  ShrinkResult r = shrink_decisions(start, needs_one_late, 200);
  EXPECT_EQ(non_default_count(r.decisions), 1u);
  EXPECT_TRUE(needs_one_late(r.decisions).fails);
  EXPECT_EQ(r.steps, 99u);
}

TEST(ShrinkDecisions, AFailureWithNoDepartureAtAllShrinksToTheDefaultSchedule) {
  auto always = [](const Decisions& prefix) {
    ShrinkRun r = toy(prefix);
    r.fails = true;
    return r;
  };
  ShrinkResult r = shrink_decisions(always(Decisions(40, 2)), always, 50);
  EXPECT_EQ(non_default_count(r.decisions), 0u);
  EXPECT_LE(r.replays, 10) << "the all-default schedule is the first one tried";
}

}  // namespace
}  // namespace papaya::properties
