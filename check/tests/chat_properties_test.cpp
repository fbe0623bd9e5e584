// The isolation properties under RapidCheck: the correct design holds on every generated scenario
// and schedule; every bug variant is found, shrunk (scenario by RapidCheck, schedule by
// properties/shrink.hpp) and handed back as a trace that replays to the same verdict.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "check/chat_run.hpp"
#include "check/check_suite.hpp"
#include "check/minimise.hpp"
#include "properties/torn_by_kill.hpp"
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

bool has_cut_write(const History& h) {
  return std::any_of(h.events.begin(), h.events.end(),
                     [](const LogEvent& e) { return e.kind == LogEvent::Kind::write_cut; });
}

// The one way kill -9 breaks the correct design: an append it ends part-way (torn_by_kill.hpp: a
// write cut between its pages, or a short write on a full disk and the kill before the rest) leaves
// a torn line in the log, which no-interleaved-writes and no-read-during-write then report, naming
// the kill.
bool torn_by_kill(const History& h, const Finding& f) {
  return !appends_torn_by_kill(h).empty() &&
         (f.property == Property::no_interleaved_writes ||
          f.property == Property::no_read_during_write) &&
         f.detail.find("kill -9") != std::string::npos;
}

// The second: the daemon stands in for a writer killed between the start of its append and its
// SIGUSR1 (chat/process/process_server.cpp, wake_readers_for), but only while it lives. With the
// daemon killed first (init's first child), a writer then killed in its write (a cut write) or in
// its kill(-pgid, SIGUSR1) leaves the readers asleep on bytes already in the log: `delivery` fails.
bool wakeup_lost_with_no_daemon(const traces::Trace& t, const History& h, const Finding& f) {
  if (f.property != Property::delivery) return false;
  Pid daemon = 0;
  bool daemon_killed = false;
  for (const traces::Step& s : t.steps) {
    if (daemon == 0 && s.pid == 1 && s.op == model::OpKind::fork &&
        s.status == model::StepStatus::done && s.ret > 0)
      daemon = static_cast<Pid>(s.ret);
    if (!s.killed_from_outside) continue;
    if (s.pid == daemon) daemon_killed = true;
    if (!daemon_killed || s.pid == daemon) continue;
    if (s.op == model::OpKind::kill && static_cast<Sig>(s.args[1]) == Sig::usr1) return true;
    const bool cut = std::any_of(h.events.begin(), h.events.end(), [&](const LogEvent& e) {
      return e.kind == LogEvent::Kind::write_cut && e.pid == s.pid;
    });
    if (cut) return true;
  }
  return false;
}

// Runs one generated case; on a failing property, logs the replay command and fails the case.
void check_case(const chat::Scenario& s, std::uint64_t seed,
                const std::vector<traces::KillFault>& kills, const char* tag,
                bool disk_full = false) {
  sim::Options o;
  o.seed = seed;
  o.max_steps = 400'000;
  o.kills = kills;
  if (disk_full) o.disk_full = s.server.log_path;
  CheckedRun run = run_and_check(s, o);
  // Coverage, printed by RapidCheck at the end: how big the runs were, and whether readers met.
  RC_TAG(s.clients,
         run.report.steps < 500    ? "<500 steps"
         : run.report.steps < 2000 ? "<2000 steps"
                                   : ">=2000 steps",
         max_simultaneous_readers(run.history) >= 2 ? "readers met" : "readers alone");
  const auto killed = std::count_if(run.sim->trace().steps.begin(), run.sim->trace().steps.end(),
                                    [](const traces::Step& st) { return st.killed_from_outside; });
  RC_CLASSIFY(killed > 0, "kill -9 of a server process");
  RC_CLASSIFY(disk_full, "the log's file system may fill");
  for (const Finding& f : run.findings) {
    if (f.holds) continue;
    if (torn_by_kill(run.history, f)) {
      RC_TAG("a write torn by kill -9 (known finding 1)");
      continue;
    }
    if (wakeup_lost_with_no_daemon(run.sim->trace(), run.history, f)) {
      RC_TAG("a wakeup lost with the daemon dead (known finding 2)");
      continue;
    }
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
  const auto kills = *testing::gen_kills();
  // The disk-full fault (issue 9) on a third of the cases: the log heals, no client is served a
  // partial line, and the dropped client's lines are excused.
  const bool disk_full = *rc::gen::weightedElement<bool>({{2, false}, {1, true}});
  check_case(s, seed, kills, "correct", disk_full);
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
    // Never worse: no more departures from the default schedule, and no more steps at as many.
    auto departures = [](const traces::Trace& t) {
      return std::count_if(t.decisions.begin(), t.decisions.end(),
                           [](const traces::Decision& d) { return d.chosen != 0; });
    };
    const auto before = departures(run.sim->trace());
    const auto after = departures(cx.trace);
    EXPECT_LE(after, before);
    if (after == before) {
      EXPECT_LE(cx.trace.steps.size(), run.report.steps);
    }
    std::printf("  %lld departures from the default schedule (the shrunk case had %lld)\n",
                static_cast<long long>(after), static_cast<long long>(before));
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

// The finding kill -9 brings: the correct design's log is not crash-atomic. One client whose join
// line (4,000 bytes) and message line (4,000 bytes) make the second append cross the page boundary
// at 4,096: its Child RECV killed between the two pages leaves 96 bytes of a line in the log for
// good. The search tries every step at which a write of the log is between pages, and every pick.
// Since issue 9 the log heals: Child SEND, the killed writer's parent, cuts the torn line back at
// once, so the correct design passes; the no-heal variant keeps the finding.
TEST(ChatPropertiesKillNine, TearsAnAppendThatCrossesAPageAndOnlyNoHealKeepsIt) {
  chat::Scenario s;
  s.clients = 1;
  s.messages = 1;
  s.line_length = 4000;
  sim::Options o;
  o.seed = 1;
  // The first kill that cuts a write of the log between its pages, for `variant`.
  auto tear = [&](chat::Variant variant) -> std::optional<CheckedRun> {
    s.server.variant = variant;
    o.kills.clear();
    const CheckedRun plain = run_and_check(s, o);
    EXPECT_TRUE(plain.all_hold());
    for (const LogEvent& e : plain.history.events) {
      if (e.kind != LogEvent::Kind::write_begin) continue;
      for (std::uint32_t pick = 0; pick < 4; ++pick) {
        o.kills = {traces::KillFault{e.step + 1, pick}};
        CheckedRun run = run_and_check(s, o);
        if (has_cut_write(run.history)) return run;
      }
    }
    return std::nullopt;
  };
  std::optional<CheckedRun> healed = tear(chat::Variant::correct);
  ASSERT_TRUE(healed) << "no kill -9 cut a write of the log between its pages";
  for (const Finding& g : healed->findings) EXPECT_TRUE(g.holds) << g.detail;
  ASSERT_FALSE(healed->history.log.empty());
  EXPECT_EQ(healed->history.log.back(), '\n');
  std::optional<CheckedRun> torn = tear(chat::Variant::no_heal);
  ASSERT_TRUE(torn) << "no kill -9 cut a write of the no-heal variant's log between its pages";
  const Finding& f = torn->finding(Property::no_interleaved_writes);
  ASSERT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("cut short by kill -9"), std::string::npos) << f.detail;
  EXPECT_TRUE(torn_by_kill(torn->history, f));
  // Nothing else breaks: the client hears the log's bytes, torn line included, and all ends.
  EXPECT_TRUE(torn->finding(Property::delivery).holds) << torn->finding(Property::delivery).detail;
  EXPECT_TRUE(torn->finding(Property::no_deadlock).holds);
  EXPECT_TRUE(torn->finding(Property::unlimited_readers).holds);
  // Its counterexample replays, kill included, to the same verdict.
  Counterexample cx = minimise(s, *torn, f.property, 50, 400'000);
  const std::string path = save_trace(cx.trace, "kill-9");
  std::printf("kill -9: %s; %llu steps, minimised to %zu\n  replay: papaya replay %s\n",
              f.detail.c_str(), static_cast<unsigned long long>(torn->report.steps),
              cx.trace.steps.size(), path.c_str());
  traces::LoadedTrace loaded = traces::read_jsonl_file(path);
  ASSERT_EQ(loaded.header.kills, torn->sim->options().kills);
  sim::Simulation replayed(sim::replay_options(loaded));
  sim::RunReport r = replayed.run(chat_init(s));
  EXPECT_EQ(sim::replay_divergence(loaded, replayed, r), "");
  EXPECT_FALSE(check_all(chat_history(s, replayed, r))[0].holds);
}

}  // namespace
}  // namespace papaya::properties
