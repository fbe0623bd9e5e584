// kill -9 of server processes in real chat runs on the simulator (sim::Options::kills), and what
// the History makes of it (check/server_kills.hpp, chat_history, log_events): a killed Child
// RECV loses its client's lines and cuts it off; a killed Child SEND only cuts it off; a server
// killed before accepting loses everyone's lines; a write killed between two pages leaves a torn
// line, reported as such.
//
// Step numbers are found, not hard-coded: a first run without kills shows where the process of
// interest is, then the same seed is run again with the kill at that step (the run is the same up
// to it), aimed at that process's pid.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chat/scenario/scenario.hpp"
#include "check/chat_run.hpp"
#include "check/server_kills.hpp"
#include "traces/jsonl.hpp"

namespace papaya::properties {
namespace {

chat::Scenario uniform(int clients, int messages, std::size_t line_length = 24) {
  chat::Scenario s;
  s.clients = clients;
  s.messages = messages;
  s.line_length = line_length;
  return s;
}

CheckedRun run(const chat::Scenario& s, std::uint64_t seed,
               std::vector<traces::KillFault> kills = {}) {
  sim::Options o;
  o.seed = seed;
  o.max_steps = 200'000;
  o.kills = std::move(kills);
  return run_and_check(s, o);
}

bool done_ok(const traces::Step& st) {
  return st.status == model::StepStatus::done && st.err == Errno::ok;
}

std::string text_of(const traces::Trace& t, const traces::Step& st) {
  return st.text == traces::no_text ? std::string() : t.texts[st.text];
}

// Who is who in a run, read off its trace by behaviour (not by the accept order server_kills.cpp
// relies on): the server is the process that says it serves; client c is the process that opened
// c's transcript; its Child RECV is the process whose log writes start c's lines; its Child SEND is
// the one process that Child RECV forked.
struct Cast {
  Pid server = 0;
  std::uint32_t log_inode = 0;
  std::vector<Pid> client, recv, send;  // [c - 1]
};

Cast cast_of(const chat::Scenario& s, const CheckedRun& r) {
  const traces::Trace& t = r.sim->trace();
  const int n = static_cast<int>(chat::effective_plans(s).size());
  Cast c;
  c.client.assign(static_cast<std::size_t>(n), 0);
  c.recv.assign(static_cast<std::size_t>(n), 0);
  c.send.assign(static_cast<std::size_t>(n), 0);
  for (const traces::Step& st : t.steps) {
    const std::string text = text_of(t, st);
    if (st.op == model::OpKind::log && text.rfind("process server (", 0) == 0) c.server = st.pid;
    if (st.op == model::OpKind::open && done_ok(st) && text == s.server.log_path && !c.log_inode)
      c.log_inode = st.inode;
    for (int k = 1; k <= n; ++k)
      if (st.op == model::OpKind::open && done_ok(st) && text == chat::transcript_path(s, k))
        c.client[static_cast<std::size_t>(k - 1)] = st.pid;
  }
  const std::string& log = r.history.log;
  for (const traces::Step& st : t.steps) {
    if (st.op != model::OpKind::write || st.inode != c.log_inode || st.moved <= 0) continue;
    const auto pos = static_cast<std::size_t>(st.pos);
    if (pos >= log.size() || (pos > 0 && log[pos - 1] != '\n')) continue;  // not a line's start
    for (int k = 1; k <= n; ++k) {
      const std::string prefix = "c" + std::to_string(k) + ": ";
      Pid& recv = c.recv[static_cast<std::size_t>(k - 1)];
      if (log.compare(pos, prefix.size(), prefix) == 0 && !recv) recv = st.pid;
    }
  }
  for (const traces::Step& st : t.steps)
    if (st.op == model::OpKind::fork && done_ok(st))
      for (std::size_t k = 0; k < c.recv.size(); ++k)
        if (static_cast<Pid>(st.ret) == c.recv[k] && !c.send[k]) c.send[k] = st.pid;
  return c;
}

std::optional<std::size_t> killed_step(const CheckedRun& r) {
  const traces::Trace& t = r.sim->trace();
  for (std::size_t i = 0; i < t.steps.size(); ++i)
    if (t.steps[i].killed_from_outside) return i;
  return std::nullopt;
}

// The run of `s` under `seed` with a kill of `victim` at `step`, if it took that step.
std::optional<CheckedRun> kill_at(const chat::Scenario& s, std::uint64_t seed, std::uint64_t step,
                                  Pid victim) {
  CheckedRun r = run(s, seed, {traces::KillFault{.step = step, .pick = 0, .pid = victim}});
  std::optional<std::size_t> at = killed_step(r);
  if (at && *at == step && r.sim->trace().steps[*at].pid == victim) return r;
  return std::nullopt;
}

std::vector<KillEffect> effects_of(const chat::Scenario& s, const CheckedRun& r) {
  std::vector<std::string> paths;
  for (int c = 1; c <= static_cast<int>(chat::effective_plans(s).size()); ++c)
    paths.push_back(chat::transcript_path(s, c));
  return kill_effects(r.sim->trace(), paths);
}

// The first step from `from` on at which `pid` took a step matching `pred`.
template <class Pred>
std::optional<std::size_t> first_step(const CheckedRun& r, Pred pred, std::size_t from = 0) {
  const traces::Trace& t = r.sim->trace();
  for (std::size_t i = from; i < t.steps.size(); ++i)
    if (pred(t.steps[i])) return i;
  return std::nullopt;
}

std::string findings_text(const CheckedRun& r) {
  std::string out;
  for (const Finding& f : r.findings)
    if (!f.holds) out += std::string(property_name(f.property)) + ": " + f.detail + "\n";
  return out;
}

TEST(KillEffects, ARunWithoutKillsHasNoEffects) {
  const chat::Scenario s = uniform(2, 2);
  CheckedRun r = run(s, 1);
  ASSERT_EQ(r.report.verdict, Verdict::ok) << r.report.detail;
  EXPECT_TRUE(r.all_hold()) << findings_text(r);
  for (const KillEffect& e : effects_of(s, r)) {
    EXPECT_FALSE(e.lines_may_be_lost);
    EXPECT_FALSE(e.cut_off);
  }
  for (const ClientRecord& c : r.history.clients) {
    EXPECT_FALSE(c.lines_may_be_lost) << c.name;
    EXPECT_TRUE(c.stayed_to_the_end) << c.name;
  }
  const Cast cast = cast_of(s, r);
  EXPECT_NE(cast.server, 0);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_NE(cast.client[k], 0) << "c" << k + 1;
    EXPECT_NE(cast.recv[k], 0) << "c" << k + 1;
    EXPECT_NE(cast.send[k], 0) << "c" << k + 1;
  }
}

TEST(KillEffects, KillingAClientsChildRecvLosesItsLinesAndCutsItOffAlone) {
  const chat::Scenario s = uniform(2, 2);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CheckedRun first = run(s, seed);
    ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
    const Cast cast = cast_of(s, first);
    const Pid recv1 = cast.recv[0];
    ASSERT_NE(recv1, 0);
    // Right after c1's Child RECV wrote c1's join line to the log.
    std::optional<std::size_t> wrote = first_step(first, [&](const traces::Step& st) {
      return st.pid == recv1 && st.op == model::OpKind::write && st.inode == cast.log_inode &&
             done_ok(st);
    });
    ASSERT_TRUE(wrote);
    std::optional<CheckedRun> killed = kill_at(s, seed, *wrote + 1, recv1);
    ASSERT_TRUE(killed) << "no kill of process " << recv1 << " at step " << *wrote + 1;
    EXPECT_EQ(killed->report.verdict, Verdict::ok) << killed->report.detail;

    const std::vector<KillEffect> e = effects_of(s, *killed);
    ASSERT_EQ(e.size(), 2u);
    EXPECT_TRUE(e[0].lines_may_be_lost);
    EXPECT_TRUE(e[0].cut_off);
    EXPECT_FALSE(e[1].lines_may_be_lost);
    EXPECT_FALSE(e[1].cut_off);
    const History& h = killed->history;
    ASSERT_EQ(h.clients.size(), 2u);
    EXPECT_TRUE(h.clients[0].lines_may_be_lost);
    EXPECT_FALSE(h.clients[0].stayed_to_the_end);
    EXPECT_FALSE(h.clients[1].lines_may_be_lost);
    EXPECT_TRUE(h.clients[1].stayed_to_the_end);
    // c1's message lines never reach the log, and no property holds that against the run.
    EXPECT_EQ(h.log.find("c1: m001"), std::string::npos) << h.log;
    EXPECT_NE(h.log.find("c2: m002"), std::string::npos) << h.log;
    EXPECT_TRUE(killed->all_hold()) << "seed " << seed << "\n" << findings_text(*killed);
  }
}

TEST(KillEffects, KillingAClientsChildSendEndsItsWholeClusterAndCutsItOffAlone) {
  const chat::Scenario s = uniform(2, 2);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CheckedRun first = run(s, seed);
    ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
    const Cast cast = cast_of(s, first);
    const Pid send1 = cast.send[0];
    ASSERT_NE(send1, 0);
    // Once c1's Child SEND has blocked for the first time (waiting for the log to grow).
    std::optional<std::size_t> waiting = first_step(first, [&](const traces::Step& st) {
      return st.pid == send1 && st.status == model::StepStatus::blocked;
    });
    ASSERT_TRUE(waiting);
    std::optional<CheckedRun> killed = kill_at(s, seed, *waiting + 1, send1);
    ASSERT_TRUE(killed) << "no kill of process " << send1 << " at step " << *waiting + 1;
    EXPECT_EQ(killed->report.verdict, Verdict::ok) << killed->report.detail;

    // The cluster lives and dies as one: its Child RECV ends too (SIGTERM at its parent's death),
    // so c1's later lines may be lost as well as what it would have received.
    const std::vector<KillEffect> e = effects_of(s, *killed);
    ASSERT_EQ(e.size(), 2u);
    EXPECT_TRUE(e[0].lines_may_be_lost);
    EXPECT_TRUE(e[0].cut_off);
    EXPECT_FALSE(e[1].lines_may_be_lost);
    EXPECT_FALSE(e[1].cut_off);
    const History& h = killed->history;
    EXPECT_TRUE(h.clients[0].lines_may_be_lost);
    EXPECT_FALSE(h.clients[0].stayed_to_the_end);
    EXPECT_TRUE(h.clients[1].stayed_to_the_end);
    EXPECT_TRUE(killed->all_hold()) << "seed " << seed << "\n" << findings_text(*killed);
  }
}

TEST(KillEffects, KillingTheServerBeforeItAcceptsLosesEveryClientsLines) {
  const chat::Scenario s = uniform(2, 1);
  int found = 0;
  for (std::uint64_t seed = 1; seed <= 60 && found < 2; ++seed) {
    CheckedRun first = run(s, seed);
    ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
    const Cast cast = cast_of(s, first);
    ASSERT_NE(cast.server, 0);
    // A step at which both clients have connected and the server has accepted neither.
    std::optional<std::size_t> accepted = first_step(first, [&](const traces::Step& st) {
      return st.pid == cast.server && st.op == model::OpKind::accept && done_ok(st);
    });
    ASSERT_TRUE(accepted);
    std::size_t connected = 0;
    std::optional<std::size_t> both;
    for (std::size_t i = 0; i < *accepted; ++i) {
      const traces::Step& st = first.sim->trace().steps[i];
      if (st.op == model::OpKind::connect && done_ok(st) && ++connected == 2) both = i + 1;
    }
    if (!both) continue;
    ++found;
    std::optional<CheckedRun> killed = kill_at(s, seed, *both, cast.server);
    ASSERT_TRUE(killed) << "seed " << seed << ": no kill of the server at step " << *both;
    EXPECT_EQ(killed->report.verdict, Verdict::ok) << killed->report.detail;
    const std::vector<KillEffect> e = effects_of(s, *killed);
    ASSERT_EQ(e.size(), 2u);
    const History& h = killed->history;
    for (std::size_t k = 0; k < 2; ++k) {
      EXPECT_TRUE(e[k].lines_may_be_lost) << "seed " << seed << ", c" << k + 1;
      EXPECT_TRUE(e[k].cut_off) << "seed " << seed << ", c" << k + 1;
      EXPECT_TRUE(h.clients[k].lines_may_be_lost) << "seed " << seed << ", c" << k + 1;
      EXPECT_FALSE(h.clients[k].stayed_to_the_end) << "seed " << seed << ", c" << k + 1;
    }
    EXPECT_EQ(h.log, "");
    EXPECT_TRUE(killed->finding(Property::delivery).holds) << findings_text(*killed);
    EXPECT_TRUE(killed->finding(Property::no_deadlock).holds) << findings_text(*killed);
    EXPECT_TRUE(killed->finding(Property::no_interleaved_writes).holds) << findings_text(*killed);
  }
  EXPECT_GT(found, 0) << "no seed connected both clients before the first accept";
}

TEST(KillEffects, AWriteKilledBetweenTwoPagesIsACutWriteAndTheLogHeals) {
  // Lines of 4000 bytes: the second one (at offset 4000) crosses a page boundary, two steps.
  const chat::Scenario s = uniform(1, 2, 4000);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CheckedRun first = run(s, seed);
    ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
    const Cast cast = cast_of(s, first);
    std::optional<std::size_t> page = first_step(first, [&](const traces::Step& st) {
      return st.op == model::OpKind::write && st.inode == cast.log_inode &&
             st.status == model::StepStatus::progress;
    });
    ASSERT_TRUE(page) << "no log write took two steps";
    const traces::Step p = first.sim->trace().steps[*page];
    EXPECT_EQ(p.pid, cast.recv[0]);
    std::optional<CheckedRun> killed = kill_at(s, seed, *page + 1, p.pid);
    ASSERT_TRUE(killed) << "no kill of process " << p.pid << " at step " << *page + 1;
    EXPECT_EQ(killed->report.verdict, Verdict::ok) << killed->report.detail;

    const History& h = killed->history;
    auto cut = std::find_if(h.events.begin(), h.events.end(),
                            [](const LogEvent& e) { return e.kind == LogEvent::Kind::write_cut; });
    ASSERT_NE(cut, h.events.end());
    EXPECT_EQ(cut->pid, p.pid);
    EXPECT_EQ(cut->step, *page + 1);
    EXPECT_EQ(cut->offset, static_cast<std::uint64_t>(p.pos));
    EXPECT_EQ(cut->length, static_cast<std::uint64_t>(p.moved));
    EXPECT_LT(cut->length, 4000u);
    // Child SEND, the killed writer's parent, cuts the torn line back at once (issue 9).
    EXPECT_EQ(h.log.size(), cut->offset) << "the log is cut back to its last whole line";
    EXPECT_EQ(std::count_if(h.events.begin(), h.events.end(),
                            [](const LogEvent& e) { return e.kind == LogEvent::Kind::write_cut; }),
              1);
    // The cut write has a begin and no end.
    auto begin = std::find_if(h.events.begin(), h.events.end(), [&](const LogEvent& e) {
      return e.kind == LogEvent::Kind::write_begin && e.pid == p.pid && e.offset == cut->offset;
    });
    ASSERT_NE(begin, h.events.end());
    EXPECT_EQ(begin->length, 4000u);
    EXPECT_FALSE(std::any_of(begin, h.events.end(), [&](const LogEvent& e) {
      return e.kind == LogEvent::Kind::write_end && e.pid == p.pid;
    }));

    EXPECT_TRUE(h.clients[0].lines_may_be_lost);
    EXPECT_TRUE(killed->all_hold()) << findings_text(*killed);
  }
}

// Found by RapidCheck: a generated run whose second kill -9 hit c1's Child SEND at virtual 2.0 s,
// the very moment the clients' settle alarms rang. The cluster then died as one, but the client was
// already leaving: a kill that lands within the grace of the client's departure does not make it
// half served (server_kills.cpp, kHalfServedGraceNs). The kill did hit a cluster process.
TEST(KillEffects, AClusterKilledAsItsClientLeavesDoesNotLeaveItHalfServed) {
  const traces::LoadedTrace t =
      traces::read_jsonl_file(PAPAYA_TEST_DATA "/cluster-killed-as-its-client-leaves.jsonl");
  const chat::ScenarioFromJson s = chat::from_json(nlohmann::json::parse(t.header.scenario_json));
  ASSERT_TRUE(s.ok()) << s.error;
  ASSERT_EQ(t.header.kills.size(), 2u);
  CheckedRun r = run(*s, t.header.seed, t.header.kills);
  const traces::Trace& tr = r.sim->trace();
  bool hit_late = false;
  for (const traces::Step& st : tr.steps)
    hit_late = hit_late || (st.killed_from_outside && st.time_ns >= 2'000'000'000);
  EXPECT_TRUE(hit_late) << "the scenario no longer kills at settle time; regenerate the data";
  EXPECT_TRUE(r.finding(Property::no_half_served).holds)
      << r.finding(Property::no_half_served).detail;
}

}  // namespace
}  // namespace papaya::properties
