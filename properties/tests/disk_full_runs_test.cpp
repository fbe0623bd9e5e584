// The disk-full fault in chat runs (the suite's disk-full scenario): the fault fires on some
// seeds, the correct design holds every property anyway (the writer cuts its short write back and
// the client is dropped), no-heal is caught by log-heals, and a run with the fault replays from
// its JSON Lines trace bit for bit (the header's disk_full and the steps' fault decisions).
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "properties/chat_run.hpp"
#include "properties/suite.hpp"
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

}  // namespace
}  // namespace papaya::properties
