// The goroutine design's stop and full disk in the simulator (chat/goroutine/goroutine_server.hpp):
// SIGTERM ends the server through signal.Notify with exit code 0 (not by SIGTERM's default
// action), and a line the full log cannot take costs its client the connection, as the process
// design's Child RECV drops its own client. The same behaviour on Linux: the fiber.* serve tests
// (cli/tests/serve_lifecycle_test.cpp, serve_reliability_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "chat/scenario/scenario.hpp"
#include "check/chat_run.hpp"
#include "check/suite.hpp"
#include "sim/simulation.hpp"

namespace papaya::properties {
namespace {

// The suite's disk-full scenario (three clients, three lines each), on the goroutine design.
chat::Scenario goroutine_disk_scenario() {
  for (SuiteScenario& sc : builtin_suite({chat::Design::process, chat::Variant::correct}))
    if (sc.disk_full) {
      chat::Scenario s = sc.scenario;
      s.server.design = chat::Design::goroutine;
      s.server.variant = chat::Variant::correct;
      return s;
    }
  ADD_FAILURE() << "the suite has no disk-full scenario";
  return {};
}

CheckedRun run_seed(const chat::Scenario& s, std::uint64_t seed, bool disk_full) {
  sim::Options o;
  o.seed = seed;
  if (disk_full) o.disk_full = s.server.log_path;
  return run_and_check(s, o);
}

// The server is init's first child (chat/scenario: it forks the server before the clients).
Pid server_pid(const traces::Trace& t) {
  for (const traces::Step& st : t.steps)
    if (st.pid == 1 && st.op == model::OpKind::fork && st.status == model::StepStatus::done)
      return static_cast<Pid>(st.ret);
  return 0;
}

// The index of the first step of `pid` that logged a message containing `words`, or npos.
std::size_t logged(const traces::Trace& t, Pid pid, const std::string& words) {
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    const traces::Step& st = t.steps[i];
    if (st.pid == pid && st.op == model::OpKind::log && st.text < t.texts.size() &&
        t.texts[st.text].find(words) != std::string::npos)
      return i;
  }
  return std::string::npos;
}

// A write to the log that failed (ENOSPC). A short write alone is not a failure: write_all goes on
// with the rest, which lands when space has come back (the fault may free it again).
bool log_write_failed(const traces::Step& st) {
  return st.op == model::OpKind::write && st.status == model::StepStatus::done && st.inode != 0 &&
         st.err != Errno::ok;
}

TEST(GoroutineServerSim, SigtermStopsTheServerWithExitCodeZeroAfterLoggingStopped) {
  const chat::Scenario s = goroutine_disk_scenario();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const CheckedRun run = run_seed(s, seed, /*disk_full=*/false);
    ASSERT_EQ(run.report.verdict, Verdict::ok) << "seed " << seed << ": " << run.report.detail;
    const traces::Trace& t = run.sim->trace();
    const Pid server = server_pid(t);
    ASSERT_NE(server, 0);
    EXPECT_NE(logged(t, server, "shutting down on SIGTERM"), std::string::npos) << "seed " << seed;
    EXPECT_NE(logged(t, server, "stopped"), std::string::npos) << "seed " << seed;
    const traces::Step* exit = nullptr;
    for (const traces::Step& st : t.steps)
      if (st.pid == server && st.status == model::StepStatus::exited) exit = &st;
    ASSERT_NE(exit, nullptr) << "seed " << seed << ": the server never exited";
    EXPECT_EQ(exit->ret2, 0) << "seed " << seed << ": ended by signal " << exit->ret2;
    EXPECT_EQ(exit->ret, 0) << "seed " << seed;
    for (const Finding& f : run.findings)
      EXPECT_TRUE(f.holds) << "seed " << seed << ": " << property_name(f.property) << ": "
                           << f.detail;
  }
}

TEST(GoroutineServerSim, ALineTheFullDiskCannotTakeIsDroppedAndItsClientDisconnected) {
  const chat::Scenario s = goroutine_disk_scenario();
  int filled = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const CheckedRun run = run_seed(s, seed, /*disk_full=*/true);
    const traces::Trace& t = run.sim->trace();
    const auto failed = std::find_if(t.steps.begin(), t.steps.end(), log_write_failed);
    if (failed == t.steps.end()) continue;
    ++filled;
    EXPECT_EQ(run.report.verdict, Verdict::ok) << "seed " << seed << ": " << run.report.detail;
    const Pid server = server_pid(t);
    // The writer names the client whose line it was and drops it.
    const std::size_t told = logged(t, server, "the line is dropped, the log cut back");
    ASSERT_NE(told, std::string::npos) << "seed " << seed << ": no client was dropped";
    EXPECT_NE(t.texts[t.steps[told].text].find("and the client disconnected"), std::string::npos);
    // Its socket is shut down right after (the reader's recv then ends).
    bool shut = false;
    for (std::size_t i = told; i < t.steps.size() && !shut; ++i)
      shut = t.steps[i].pid == server && t.steps[i].op == model::OpKind::shutdown;
    EXPECT_TRUE(shut) << "seed " << seed;
    EXPECT_NE(logged(t, server, "(log write failed)"), std::string::npos)
        << "seed " << seed << ": the dropped client's reader did not end for the failed write";
    // The log heals: the short write is cut back, nobody receives a fragment.
    EXPECT_TRUE(run.finding(Property::log_heals).holds)
        << "seed " << seed << ": " << run.finding(Property::log_heals).detail;
  }
  EXPECT_GE(filled, 5) << "the fault should fire on several of 40 seeds";
}

// Found by RapidCheck after the merge: the step that runs a caught SIGTERM's handler in an idle Go
// program was submitted while a goroutine's recv waited for the thread, and that recv took the
// handler step's outcome (the pid, 2) as its byte count: the reader framed two bytes no client
// sent, and the log got a line "\n". The data file is the failing run's trace header.
TEST(GoroutineServerSim, ASignalHandlerStepIsNoGoroutinesSyscall) {
  std::ifstream in(PAPAYA_TEST_DATA "/go-signal-handler-step.header.json");
  const nlohmann::json header = nlohmann::json::parse(in);
  const chat::ScenarioFromJson s = chat::from_json(header.at("scenario"));
  ASSERT_TRUE(s.ok()) << s.error;
  sim::Options o;
  o.seed = header.at("seed").get<std::uint64_t>();
  o.gomaxprocs = 2;
  o.go_preempt = true;
  const CheckedRun run = run_and_check(*s, o);
  EXPECT_EQ(run.report.verdict, Verdict::ok) << run.report.detail;
  for (const Finding& f : run.findings)
    EXPECT_TRUE(f.holds) << property_name(f.property) << ": " << f.detail;
}

// The scenario's verdict on how the server ended (chat::server_stopped_cleanly): the goroutine
// design stops on SIGTERM through signal.Notify (the test above), so dying by it is a failure,
// except in a run that served nobody, where the SIGTERM may have come before signal_notify.
WaitStatus killed_by(Sig s) { return WaitStatus{.pid = 2, .signaled = true, .term_sig = s}; }

TEST(GoroutineServerSim, AGoroutineServerKilledBySigtermAfterServingAClientDidNotStopCleanly) {
  EXPECT_FALSE(chat::server_stopped_cleanly(chat::Design::goroutine, killed_by(Sig::term),
                                            /*served_a_client=*/true));
}

TEST(GoroutineServerSim, OnlyARunThatServedNobodyExcusesAGoroutineServersSigtermDeath) {
  EXPECT_TRUE(chat::server_stopped_cleanly(chat::Design::goroutine, killed_by(Sig::term),
                                           /*served_a_client=*/false));
  // Only SIGTERM, the signal init sends: anything else is no stop at all.
  EXPECT_FALSE(chat::server_stopped_cleanly(chat::Design::goroutine, killed_by(Sig::kill), false));
  EXPECT_FALSE(chat::server_stopped_cleanly(chat::Design::goroutine, killed_by(Sig::int_), false));
  EXPECT_FALSE(chat::server_stopped_cleanly(
      chat::Design::goroutine, WaitStatus{.pid = 2, .exited = true, .exit_code = 1}, false));
}

TEST(GoroutineServerSim, TheProcessDesignIsNeverExcusedASigtermDeath) {
  EXPECT_FALSE(chat::server_stopped_cleanly(chat::Design::process, killed_by(Sig::term), true));
  EXPECT_FALSE(chat::server_stopped_cleanly(chat::Design::process, killed_by(Sig::term), false));
  EXPECT_TRUE(chat::server_stopped_cleanly(
      chat::Design::process, WaitStatus{.pid = 2, .exited = true, .exit_code = 0}, true));
}

// End to end: every run that served a client ends with the server's exit 0 and the scenario's
// code 0; were the server to die by SIGTERM after signal_notify (a lost signal.Notify, a relay
// that never sends), init would now say "the server did not stop cleanly" and return 1.
TEST(GoroutineServerSim, TheScenarioPassesOnlyWhenTheServedGoroutineServerStopsCleanly) {
  chat::Scenario s = goroutine_disk_scenario();
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    auto out = std::make_shared<ChatOutcome>();
    sim::Simulation sim({.seed = seed});
    const sim::RunReport r = sim.run(chat_init(s, out));
    ASSERT_EQ(r.verdict, Verdict::ok) << "seed " << seed << ": " << r.detail;
    ASSERT_TRUE(out->finished);
    EXPECT_GT(out->report.saw_every_line, 0) << "seed " << seed;
    EXPECT_EQ(out->report.code, 0) << "seed " << seed;
  }
}

// The case the exception is for: a scenario with no client, whose init SIGTERMs the server as soon
// as it has set up, maybe before the server has called signal_notify (the schedule decides: 115
// of seeds 1-2000 do, seeds 11 and 35 among them). Those runs pass, as do the ones where the
// server got to signal_notify first and stopped cleanly.
TEST(GoroutineServerSim, ARunThatServedNobodyPassesWhetherTheSigtermCameBeforeSignalNotifyOrNot) {
  chat::Scenario s = goroutine_disk_scenario();
  s.clients = 0;
  s.plans.clear();
  int by_sigterm = 0;
  int cleanly = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    auto out = std::make_shared<ChatOutcome>();
    sim::Simulation sim({.seed = seed});
    const sim::RunReport r = sim.run(chat_init(s, out));
    ASSERT_EQ(r.verdict, Verdict::ok) << "seed " << seed << ": " << r.detail;
    ASSERT_TRUE(out->finished);
    EXPECT_EQ(out->report.code, 0) << "seed " << seed;
    const Pid server = server_pid(sim.trace());
    for (const traces::Step& st : sim.trace().steps) {
      if (st.pid != server || st.status != model::StepStatus::exited) continue;
      by_sigterm += st.ret2 == static_cast<std::int32_t>(Sig::term);
      cleanly += st.ret2 == 0 && st.ret == 0;
    }
  }
  EXPECT_GE(by_sigterm, 2) << "seeds 11 and 35 SIGTERM the server before signal_notify";
  EXPECT_GE(cleanly, 30);
}

}  // namespace
}  // namespace papaya::properties
