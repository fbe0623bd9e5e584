// The isolation properties under RapidCheck: the correct design holds on every generated scenario
// and schedule; every bug variant is found, shrunk (scenario by RapidCheck, schedule by
// properties/shrink.hpp) and handed back as a trace that replays to the same verdict.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "properties/chat_run.hpp"
#include "properties/check_suite.hpp"
#include "properties/minimise.hpp"
#include "scenario_gen.hpp"
#include "traces/jsonl.hpp"

namespace papaya::properties {
namespace {

using testing::gen_scenario;

std::string save_trace(const traces::Trace& t, const std::string& name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "papaya-rapidcheck";
  std::filesystem::create_directories(dir);
  std::string path = (dir / (name + ".jsonl")).string();
  std::ofstream(path) << traces::to_jsonl(t);
  return path;
}

// Runs one generated case; on a failing property, logs the replay command and fails the case.
void check_case(const chat::Scenario& s, std::uint64_t seed, const char* tag) {
  sim::Options o;
  o.seed = seed;
  o.max_steps = 400'000;
  CheckedRun run = run_and_check(s, o);
  // Coverage, printed by RapidCheck at the end: how big the runs were, and whether readers met.
  RC_TAG(s.clients,
         run.report.steps < 500    ? "<500 steps"
         : run.report.steps < 2000 ? "<2000 steps"
                                   : ">=2000 steps",
         max_simultaneous_readers(run.history) >= 2 ? "readers met" : "readers alone");
  for (const Finding& f : run.findings) {
    if (f.holds) continue;
    traces::Trace t = run.sim->trace();
    stamp_verdict(t, f);
    RC_LOG() << property_name(f.property) << ": " << f.detail << "\n  replay: papaya replay "
             << save_trace(t, tag) << "\n";
    RC_FAIL(std::string(property_name(f.property)) + " failed");
  }
}

RC_GTEST_PROP(ChatProperties, CorrectDesignHoldsEveryPropertyOnEveryGeneratedScenario, ()) {
  const chat::Scenario s = *gen_scenario(chat::Variant::correct);
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1u << 30);
  check_case(s, seed, "correct");
}

// The last failing case RapidCheck tried: after shrinking, the minimal one.
struct LastFailure {
  chat::Scenario scenario;
  std::uint64_t seed = 0;
  bool seen = false;
};

// RapidCheck must find `v` out and shrink it to a small scenario; the schedule shrinker then
// minimises the run, whose trace must replay to the same property verdict.
void expect_found_and_shrunk(chat::Variant v) {
  LastFailure last;
  auto property = [&] {
    const chat::Scenario s = *gen_scenario(v);
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1u << 30);
    sim::Options o;
    o.seed = seed;
    CheckedRun run = run_and_check(s, o);
    if (!run.all_hold()) last = {s, seed, true};
    RC_ASSERT(run.all_hold());
  };
  rc::detail::TestParams params;
  params.maxSuccess = 300;
  params.maxSize = 100;
  rc::detail::TestMetadata meta;
  meta.id = std::string("variant/") + std::string(chat::variant_name(v));
  rc::detail::TestResult result = rc::detail::checkTestable(property, meta, params);
  ASSERT_TRUE(result.is<rc::detail::FailureResult>())
      << "RapidCheck did not find variant " << chat::variant_name(v) << " out in "
      << params.maxSuccess << " cases";
  rc::detail::printResultMessage(result,
                                 std::cout);  // the shrunk case and its RC_PARAMS="reproduce=..."
  std::cout << "\n";
  ASSERT_TRUE(last.seen);
  sim::Options o;
  o.seed = last.seed;
  CheckedRun run = run_and_check(last.scenario, o);
  ASSERT_FALSE(run.all_hold()) << "the shrunk case must still fail: "
                               << chat::describe(last.scenario);
  for (const Finding& f : run.findings) {
    if (f.holds) continue;
    Counterexample cx = minimise(last.scenario, run, f.property, 200, 400'000);
    const std::string path = save_trace(cx.trace, std::string(chat::variant_name(v)));
    std::printf(
        "%s: RapidCheck shrank to [%s], seed %llu; %s fails; %llu steps, minimised to %zu\n"
        "  replay: papaya replay %s\n",
        std::string(chat::variant_name(v)).c_str(), chat::describe(last.scenario).c_str(),
        static_cast<unsigned long long>(last.seed), std::string(property_name(f.property)).c_str(),
        static_cast<unsigned long long>(run.report.steps), cx.trace.steps.size(), path.c_str());
    EXPECT_LE(cx.trace.steps.size(), run.report.steps);
    // The saved counterexample replays, step for step, to the same verdict.
    std::string error;
    std::optional<chat::Scenario> back = chat_from_header(cx.trace.header, error);
    ASSERT_TRUE(back.has_value()) << error;
    traces::LoadedTrace loaded = traces::read_jsonl_file(path);
    sim::Simulation replayed(sim::replay_options(loaded));
    sim::RunReport r = replayed.run(chat_init(*back));
    EXPECT_EQ(sim::replay_divergence(loaded, replayed, r), "");
    EXPECT_FALSE(
        check_all(chat_history(*back, replayed, r))[static_cast<std::size_t>(f.property)].holds);
    break;
  }
}

TEST(ChatPropertiesFindVariant, TornMessage) {
  expect_found_and_shrunk(chat::Variant::torn_message);
}
TEST(ChatPropertiesFindVariant, SharedOfd) { expect_found_and_shrunk(chat::Variant::shared_ofd); }
TEST(ChatPropertiesFindVariant, SharedOffset) {
  expect_found_and_shrunk(chat::Variant::shared_offset);
}
TEST(ChatPropertiesFindVariant, ShortRead) { expect_found_and_shrunk(chat::Variant::short_read); }
TEST(ChatPropertiesFindVariant, NoLock) { expect_found_and_shrunk(chat::Variant::no_lock); }
TEST(ChatPropertiesFindVariant, ExclusiveRead) {
  expect_found_and_shrunk(chat::Variant::exclusive_read);
}
TEST(ChatPropertiesFindVariant, LostWakeup) { expect_found_and_shrunk(chat::Variant::lost_wakeup); }
TEST(ChatPropertiesFindVariant, Paper) { expect_found_and_shrunk(chat::Variant::paper); }

}  // namespace
}  // namespace papaya::properties
