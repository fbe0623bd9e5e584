// Scenario shrinking (check/scenario_shrink.hpp): the one-step simplifications of a scenario,
// and shrinking real failing chat runs on the simulator to smaller scenarios that still fail.
#include "check/scenario_shrink.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "check/suite.hpp"

namespace papaya::properties {
namespace {

using std::chrono::milliseconds;

std::size_t lines_of(const chat::Scenario& s) {
  std::size_t n = 0;
  for (const chat::ClientPlan& p : chat::effective_plans(s)) n += p.line_lengths.size();
  return n;
}

TEST(SimplerScenarios, EachDropsOneThingAndNoneIsTheScenarioItself) {
  chat::Scenario s;
  chat::ClientPlan a;
  a.line_lengths = {30, 5000};
  a.gap = milliseconds(2);
  chat::ClientPlan b;
  b.line_lengths = {40};
  b.late = true;
  b.vanish_mid_line = true;
  b.join_delay = milliseconds(5);
  s.plans = {a, b};
  s.clients = 2;
  const std::vector<chat::Scenario> simpler = simpler_scenarios(s);
  ASSERT_FALSE(simpler.empty());
  // Dropping a client comes first, then a line.
  EXPECT_EQ(simpler[0].plans.size(), 1u);
  EXPECT_EQ(simpler[0].plans[0], b);
  EXPECT_EQ(simpler[1].plans.size(), 1u);
  EXPECT_EQ(simpler[1].plans[0], a);
  EXPECT_EQ(lines_of(simpler[2]), 2u);
  for (const chat::Scenario& c : simpler) {
    EXPECT_FALSE(c == s);
    EXPECT_EQ(c.clients, static_cast<int>(c.plans.size()));
  }
  auto has = [&](auto pred) { return std::any_of(simpler.begin(), simpler.end(), pred); };
  EXPECT_TRUE(has([](const chat::Scenario& c) { return c.plans.size() == 2 && !c.plans[1].late; }));
  EXPECT_TRUE(has(
      [](const chat::Scenario& c) { return c.plans.size() == 2 && !c.plans[1].vanish_mid_line; }));
  EXPECT_TRUE(has([](const chat::Scenario& c) {
    return c.plans.size() == 2 && c.plans[0].gap == Duration::zero();
  }));
  EXPECT_TRUE(has([](const chat::Scenario& c) {
    return c.plans.size() == 2 && c.plans[0].line_lengths.size() == 2 &&
           c.plans[0].line_lengths[1] == 2500;
  }));
}

TEST(SimplerScenarios, AUniformScenarioIsMadeExplicitFirst) {
  chat::Scenario s;
  s.clients = 2;
  s.messages = 1;
  const std::vector<chat::Scenario> simpler = simpler_scenarios(s);
  ASSERT_FALSE(simpler.empty());
  EXPECT_EQ(simpler[0].plans.size(), 1u);
  EXPECT_EQ(simpler[0].clients, 1);
}

TEST(SimplerScenarios, OneClientWithNothingLeftHasOnlyItsJoinLineToHalve) {
  chat::Scenario s;
  s.clients = 1;
  s.messages = 0;
  for (const chat::Scenario& c : simpler_scenarios(s)) {
    EXPECT_EQ(c.plans.size(), 1u);
    EXPECT_LT(c.line_length, s.line_length);
  }
}

// A real failing run of a built-in scenario shrinks to a smaller one that still fails, with
// fewer steps, and never to one that passes.
void expect_shrinks(chat::Variant v, const std::string& scenario_name, Property p) {
  for (const SuiteScenario& sc : builtin_suite({chat::Design::process, v})) {
    if (sc.name != scenario_name) continue;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      sim::Options o;
      o.seed = seed;
      o.kills = suite_kills(sc, o);
      CheckedRun run = run_and_check(sc.scenario, o);
      if (run.finding(p).holds) continue;
      ScenarioShrinkOptions so;
      so.budget = 300;
      if (sc.kill_last_writer) so.faults = kill_after_last_append;
      ShrunkScenario small = shrink_scenario(sc.scenario, run, p, so);
      ASSERT_TRUE(small.run.has_value()) << "nothing simpler failed";
      EXPECT_FALSE(small.run->finding(p).holds);
      EXPECT_LT(small.run->report.steps, run.report.steps);
      EXPECT_LE(lines_of(small.scenario), lines_of(sc.scenario));
      EXPECT_LE(small.runs, so.budget);
      EXPECT_GT(small.accepted, 0);
      // The shrunk scenario's run is what a replay of its header gives.
      std::string error;
      auto back = chat_from_header(small.run->sim->trace().header, error);
      ASSERT_TRUE(back.has_value()) << error;
      EXPECT_EQ(*back, small.scenario);
      return;
    }
    FAIL() << "no seed of 1..40 failed " << scenario_name;
  }
  FAIL() << "no scenario " << scenario_name;
}

TEST(ShrinkScenario, SharedOfdChatterShrinksToOneClient) {
  expect_shrinks(chat::Variant::shared_ofd, "chatter", Property::no_read_during_write);
}
TEST(ShrinkScenario, NoCrashWakeupKeepsItsKillWhileShrinking) {
  expect_shrinks(chat::Variant::no_crash_wakeup, "crash", Property::delivery);
}
TEST(ShrinkScenario, ABudgetOfOneRunStopsAfterOneRun) {
  for (const SuiteScenario& sc :
       builtin_suite({chat::Design::process, chat::Variant::shared_ofd})) {
    if (sc.name != "chatter") continue;
    sim::Options o;
    CheckedRun run = run_and_check(sc.scenario, o);
    ASSERT_FALSE(run.finding(Property::no_read_during_write).holds);
    ScenarioShrinkOptions so;
    so.budget = 1;
    ShrunkScenario small = shrink_scenario(sc.scenario, run, Property::no_read_during_write, so);
    EXPECT_EQ(small.runs, 1);
  }
}

}  // namespace
}  // namespace papaya::properties
