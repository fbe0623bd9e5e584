// The disk-full fault in chat runs (the suite's disk-full scenario): the fault fires on some
// seeds, the correct design holds every property anyway (the writer cuts its short write back and
// the client is dropped), no-heal is caught by log-heals, and a run with the fault replays from
// its JSON Lines trace bit for bit (the header's disk_full and the steps' fault decisions).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "chat/scenario/scenario.hpp"
#include "check/chat_run.hpp"
#include "check/server_kills.hpp"
#include "check/suite.hpp"
#include "properties/torn_by_kill.hpp"
#include "sim/simulation.hpp"
#include "traces/jsonl.hpp"

namespace papaya::properties {
namespace {

SuiteScenario disk_full_scenario(chat::Variant v, chat::Design d = chat::Design::process) {
  for (SuiteScenario& sc : builtin_suite({d, v}))
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

// The goroutine design (issue 12): its one writer goroutine appends every client's lines and drops
// the client whose line the full log could not take. The checkers name that client by the
// connection the writer shuts down after its failed append (check/server_kills.cpp).
std::vector<std::string> disk_full_transcripts(const chat::Scenario& s) {
  std::vector<std::string> out;
  for (int c = 1; c <= static_cast<int>(chat::effective_plans(s).size()); ++c)
    out.push_back(chat::transcript_path(s, c));
  return out;
}

// The clients the goroutine server says it dropped ("client N: appending to the log: ..."), by
// their connection number N (the server's count of accept calls, here its accepted connections).
// The disk may stay full: every client whose next line fails is dropped.
std::set<int> clients_the_server_dropped(const traces::Trace& t) {
  std::set<int> out;
  for (const traces::Step& st : t.steps) {
    if (st.op != model::OpKind::log || st.text >= t.texts.size()) continue;
    const std::string& text = t.texts[st.text];
    const std::size_t at = text.find(": appending to the log: ");
    if (text.rfind("client ", 0) == 0 && at != std::string::npos)
      out.insert(std::stoi(text.substr(7, at - 7)));
  }
  return out;
}

// The connection number of each client (the order their connects completed, which is the order
// the server accepted them).
std::vector<int> connection_numbers(const traces::Trace& t, const chat::Scenario& s) {
  std::vector<Pid> connected;
  for (const traces::Step& st : t.steps)
    if (st.op == model::OpKind::connect && st.status == model::StepStatus::done &&
        st.err == Errno::ok)
      connected.push_back(st.pid);
  std::vector<int> out;
  for (const std::string& path : disk_full_transcripts(s)) {
    Pid pid = 0;
    for (const traces::Step& st : t.steps)
      if (st.op == model::OpKind::open && st.status == model::StepStatus::done &&
          st.text < t.texts.size() && t.texts[st.text] == path)
        pid = st.pid;
    const auto at = std::find(connected.begin(), connected.end(), pid);
    out.push_back(at == connected.end() ? 0 : static_cast<int>(at - connected.begin()) + 1);
  }
  return out;
}

// The server is init's first child (chat/scenario forks it before the clients).
Pid disk_full_server_pid(const traces::Trace& t) {
  for (const traces::Step& st : t.steps)
    if (st.pid == 1 && st.op == model::OpKind::fork && st.status == model::StepStatus::done)
      return static_cast<Pid>(st.ret);
  return 0;
}

TEST(DiskFullRuns, TheGoroutineDesignHoldsEveryPropertyAndTheCheckerNamesTheClientItDropped) {
  const SuiteScenario sc = disk_full_scenario(chat::Variant::correct, chat::Design::goroutine);
  int dropped = 0;
  int some_kept = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    CheckedRun run = run_seed(sc, seed);
    for (const Finding& f : run.findings)
      EXPECT_TRUE(f.holds) << "seed " << seed << ": " << property_name(f.property) << ": "
                           << f.detail;
    const traces::Trace& t = run.sim->trace();
    const std::set<int> told = clients_the_server_dropped(t);
    const std::vector<KillEffect> effects = kill_effects(t, disk_full_transcripts(sc.scenario));
    const std::vector<int> conn = connection_numbers(t, sc.scenario);
    for (std::size_t c = 0; c < effects.size(); ++c) {
      // Exactly the clients the server says it dropped (its own log, read here only): no other
      // client is excused, and those are.
      EXPECT_EQ(effects[c].lines_may_be_lost, told.count(conn[c]) > 0)
          << "seed " << seed << ": client c" << c + 1 << " (connection " << conn[c]
          << "), the server dropped " << told.size() << " connections";
      EXPECT_EQ(effects[c].cut_off, effects[c].lines_may_be_lost);
      EXPECT_FALSE(effects[c].cluster_killed);
    }
    dropped += !told.empty();
    some_kept += !told.empty() && told.size() < effects.size();
  }
  EXPECT_GE(dropped, 3) << "the writer should drop a client on several of 20 seeds";
  EXPECT_GE(some_kept, 1) << "no run dropped some clients and kept others";
}

// What the checkers say of a goroutine server that loses the line and keeps the client (the
// finding before issue 12's fix): the same run with the writer's first shutdown after a failed
// append taken out of the trace. That client is no longer excused, and its lost line is reported.
TEST(DiskFullRuns, AGoroutineWriterThatLosesALineWithoutDroppingItsClientIsCaught) {
  const SuiteScenario sc = disk_full_scenario(chat::Variant::correct, chat::Design::goroutine);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    CheckedRun run = run_seed(sc, seed);
    traces::Trace t = run.sim->trace();
    if (clients_the_server_dropped(t).empty()) continue;
    const std::vector<KillEffect> before = kill_effects(t, disk_full_transcripts(sc.scenario));
    const Pid server = disk_full_server_pid(t);
    ASSERT_NE(server, 0);
    // The writer's shutdown after its first failed append becomes a step that does nothing.
    bool failed = false;
    std::int64_t fd = -1;
    for (std::size_t i = 0; i < t.steps.size() && fd < 0; ++i) {
      traces::Step& st = t.steps[i];
      if (st.pid != server) continue;
      if (st.op == model::OpKind::write && st.inode != 0 && st.status == model::StepStatus::done &&
          st.err != Errno::ok)
        failed = true;
      if (failed && st.op == model::OpKind::shutdown) {
        fd = st.args[0];
        st.op = model::OpKind::getpid;
      }
    }
    ASSERT_GE(fd, 0) << "seed " << seed << ": no shutdown after the failed append";
    const std::vector<KillEffect> after = kill_effects(t, disk_full_transcripts(sc.scenario));
    History h = run.history;
    int kept = 0;
    for (std::size_t c = 0; c < after.size(); ++c) {
      kept += before[c].lines_may_be_lost && !after[c].lines_may_be_lost;
      EXPECT_FALSE(after[c].lines_may_be_lost && !before[c].lines_may_be_lost);
      h.clients[c].lines_may_be_lost = after[c].lines_may_be_lost;
    }
    EXPECT_EQ(kept, 1) << "seed " << seed;
    const Finding f = check_no_interleaved_writes(h);
    EXPECT_FALSE(f.holds) << "seed " << seed;
    EXPECT_NE(f.detail.find("is missing from the log"), std::string::npos) << f.detail;
    return;
  }
  FAIL() << "the writer never dropped a client in seeds 1-20";
}

}  // namespace
}  // namespace papaya::properties
