// The disk-full fault in chat runs (the suite's disk-full scenario): the fault fires on some
// seeds, the correct design holds every property anyway (the writer cuts its short write back and
// the client is dropped), no-heal is caught by log-heals, and a run with the fault replays from
// its JSON Lines trace bit for bit (the header's disk_full and the steps' fault decisions).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "chat/scenario/scenario.hpp"
#include "check/chat_run.hpp"
#include "check/suite.hpp"
#include "properties/torn_by_kill.hpp"
#include "sim/simulation.hpp"
#include "traces/jsonl.hpp"

namespace papaya::properties {
namespace {

SuiteScenario disk_full_scenario(chat::Variant v) {
  for (SuiteScenario& sc : builtin_suite({chat::Design::process, v}))
    if (sc.disk_full) return sc;
  ADD_FAILURE() << "the suite has no disk-full scenario";
  return {};
}

CheckedRun run_seed(const SuiteScenario& sc, std::uint64_t seed) {
  sim::Options o;
  o.seed = seed;
  o.disk_full = sc.scenario.server.log_path;
  return run_and_check(sc.scenario, o);
}

// A write to the log that fell short or failed (ENOSPC).
bool disk_filled(const CheckedRun& run) {
  const traces::Trace& t = run.sim->trace();
  return std::any_of(t.steps.begin(), t.steps.end(), [](const traces::Step& st) {
    return (st.op == model::OpKind::write) && st.status == model::StepStatus::done &&
           st.inode != 0 && (st.err == Errno::enospc || st.ret < st.args[1]);
  });
}

TEST(DiskFullRuns, TheCorrectDesignHoldsEveryPropertyWhenTheDiskFills) {
  const SuiteScenario sc = disk_full_scenario(chat::Variant::correct);
  int filled = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CheckedRun run = run_seed(sc, seed);
    filled += disk_filled(run);
    for (const Finding& f : run.findings)
      EXPECT_TRUE(f.holds) << "seed " << seed << ": " << property_name(f.property) << ": "
                           << f.detail;
  }
  EXPECT_GE(filled, 10) << "the fault should fire on many of 40 seeds";
}

TEST(DiskFullRuns, NoHealIsCaughtByLogHealsWhenTheDiskFills) {
  const SuiteScenario sc = disk_full_scenario(chat::Variant::no_heal);
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed)
    caught += !run_seed(sc, seed).finding(Property::log_heals).holds;
  EXPECT_GE(caught, 1);
}

TEST(DiskFullRuns, ARunWithTheFaultReplaysFromItsTraceBitForBit) {
  const SuiteScenario sc = disk_full_scenario(chat::Variant::correct);
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CheckedRun run = run_seed(sc, seed);
    if (!disk_filled(run)) continue;
    const std::string text = traces::to_jsonl(run.sim->trace());
    ASSERT_NE(text.find("\"disk_full\":\"" + sc.scenario.server.log_path + "\""),
              std::string::npos);
    std::istringstream in(text);
    const traces::LoadedTrace loaded = traces::read_jsonl(in, "disk-full");
    EXPECT_EQ(loaded.header.disk_full, sc.scenario.server.log_path);
    sim::Simulation again(sim::replay_options(loaded));
    std::string error;
    const std::optional<chat::Scenario> s = chat_from_header(loaded.header, error);
    ASSERT_TRUE(s) << error;
    again.run(chat_init(*s));
    EXPECT_EQ(traces::to_jsonl(again.trace()).substr(text.find('\n')), text.substr(text.find('\n')))
        << "seed " << seed;
    return;
  }
  FAIL() << "the disk never filled in seeds 1-10";
}

// Found by RapidCheck in CI: the disk fills in the middle of a writer's line (9 of its 24 bytes
// land), kill -9 takes the writer before write_all's next round, and its Child SEND reads the
// 9 bytes before it cuts them back. The torn end is no write in progress (torn_by_kill.hpp): every
// property holds, and the checkers name the kill. The data file is the run's trace header.
TEST(DiskFullRuns, AWriterKilledAfterAShortWriteLeavesATornEndThatIsNoReadDuringAWrite) {
  const traces::LoadedTrace t =
      traces::read_jsonl_file(PAPAYA_TEST_DATA "/short-write-then-kill-9.jsonl");
  const chat::ScenarioFromJson s = chat::from_json(nlohmann::json::parse(t.header.scenario_json));
  ASSERT_TRUE(s.ok()) << s.error;
  sim::Options o;
  o.seed = t.header.seed;
  o.kills = t.header.kills;
  o.disk_full = (*s).server.log_path;
  const CheckedRun run = run_and_check(*s, o);
  const std::vector<TornAppend> torn = appends_torn_by_kill(run.history);
  ASSERT_EQ(torn.size(), 1u) << "the run no longer tears a line; regenerate the data";
  EXPECT_TRUE(torn[0].short_write);
  EXPECT_EQ(torn[0].end - torn[0].offset, 9u);
  EXPECT_NE(describe(torn[0]).find("fell short after 9 bytes"), std::string::npos)
      << describe(torn[0]);
  for (const Finding& f : run.findings)
    EXPECT_TRUE(f.holds) << property_name(f.property) << ": " << f.detail;
}

}  // namespace
}  // namespace papaya::properties
