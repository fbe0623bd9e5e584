// General scenarios (varied line lengths over max_line and over a page, join delays, gaps, late
// joiners, clients vanishing mid-line) on the simulator, with the correct design: every accepted
// line is in the log exactly once, refused lines and half lines are not, and each client's
// transcript is a piece of the log from a line boundary on (to its end for clients that stay).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "chat/scenario/scenario.hpp"
#include "sim/simulation.hpp"

namespace papaya::chat {
namespace {

using namespace std::chrono_literals;

ClientPlan plan(std::vector<size_t> lengths, Duration join_delay = 0ns, Duration gap = 0ns,
                bool late = false, bool vanish = false) {
  return ClientPlan{.line_lengths = std::move(lengths),
                    .join_delay = join_delay,
                    .gap = gap,
                    .late = late,
                    .vanish_mid_line = vanish};
}

struct SimRun {
  sim::RunReport report;
  ScenarioReport scenario;
  std::string log;
  std::map<int, std::string> transcripts;  // client -> bytes, for the transcripts that exist
};

SimRun run_on_sim(const Scenario& s, std::uint64_t seed) {
  SimRun out;
  sim::Simulation sim({.seed = seed});
  out.report = sim.run([&](Os& os) { out.scenario = run_scenario_report(os, s); });
  out.log = sim.file_contents(s.server.log_path).value_or("");
  for (int c = 1; c <= static_cast<int>(effective_plans(s).size()); ++c) {
    if (std::optional<std::string> t = sim.file_contents(transcript_path(s, c)))
      out.transcripts[c] = *t;
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    out.push_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

// Whether `piece` occurs in `log` starting at a line boundary.
bool at_a_line_start(const std::string& log, const std::string& piece) {
  for (size_t at = log.find(piece); at != std::string::npos; at = log.find(piece, at + 1)) {
    if (at == 0 || log[at - 1] == '\n') return true;
  }
  return false;
}

// Whether every accepted line is in the log exactly once and the log holds nothing else.
bool log_is_exact(const Scenario& s, const SimRun& r) {
  std::map<std::string, int> in_log;
  for (const std::string& l : lines_of(r.log)) ++in_log[l];
  size_t accepted = 0;
  for (int c = 1; c <= static_cast<int>(effective_plans(s).size()); ++c) {
    for (const std::string& l : sent_lines(s, c)) {
      if (l.size() > s.server.max_line) continue;
      ++accepted;
      if (in_log[l] != 1) return false;
    }
  }
  return lines_of(r.log).size() == accepted;
}

// The assertions every correct run of `s` satisfies.
void expect_correct_run(const Scenario& s, const SimRun& r, const std::string& what) {
  SCOPED_TRACE(what + ": " + describe(s));
  ASSERT_EQ(r.report.verdict, Verdict::ok) << r.report.detail;
  const std::vector<ClientPlan> plans = effective_plans(s);
  const int clients = static_cast<int>(plans.size());
  EXPECT_EQ(r.scenario.code, 0);
  EXPECT_EQ(r.scenario.saw_every_line, clients);
  EXPECT_EQ(r.scenario.settled, 0);
  EXPECT_EQ(r.scenario.failed, 0);

  std::map<std::string, int> in_log;
  for (const std::string& l : lines_of(r.log)) ++in_log[l];
  size_t accepted = 0;
  for (int c = 1; c <= clients; ++c) {
    for (const std::string& l : sent_lines(s, c)) {
      const std::optional<LineId> id = parse_scenario_line(l);
      if (l.size() <= s.server.max_line) {
        ++accepted;
        EXPECT_EQ(in_log[l], 1) << "c" << c << " m" << id->message << " (" << l.size() << " bytes)";
      } else {
        EXPECT_EQ(in_log.count(l), 0u) << "refused line c" << c << " m" << id->message;
      }
    }
    if (plans[static_cast<size_t>(c - 1)].vanish_mid_line) {
      const std::string half = vanish_half_line(s, c);
      ASSERT_FALSE(half.empty());
      EXPECT_EQ(r.log.find(half), std::string::npos) << "c" << c << "'s half line is in the log";
    }
  }
  EXPECT_EQ(lines_of(r.log).size(), accepted) << "the log holds something nobody sent";

  bool late_clients = false;  // whose lines (join line included) may come after the others left
  for (const ClientPlan& p : plans) late_clients = late_clients || p.late;
  for (int c = 1; c <= clients; ++c) {
    const ClientPlan& p = plans[static_cast<size_t>(c - 1)];
    if (p.vanish_mid_line) continue;
    ASSERT_TRUE(r.transcripts.count(c)) << "c" << c << " left no transcript";
    const std::string& t = r.transcripts.at(c);
    EXPECT_FALSE(t.empty()) << "c" << c;
    EXPECT_TRUE(at_a_line_start(r.log, t)) << "c" << c << "'s transcript is not a piece of the log";
    // Late clients listen to the end; the others leave once they have every barrier client's
    // lines, which are the last ones unless a late client joins or sends after them.
    if (p.late || !late_clients) {
      EXPECT_TRUE(r.log.ends_with(t)) << "c" << c << " missed the log's tail";
    }
  }
}

// c1 2 lines [24,5000] gap 1ms; c2 late +5ms 0 lines; c3 +2ms [10000,1,4096,4097] vanishes.
Scenario general() {
  Scenario s;
  s.plans = {plan({24, 5000}, 0ns, 1ms), plan({}, 5ms, 0ns, /*late=*/true),
             plan({10000, 1, 4096, 4097}, 2ms, 0ns, false, /*vanish=*/true)};
  return s;
}

// Late clients that send, over-page lines, a client with no lines.
Scenario late_senders() {
  Scenario s;
  s.plans = {plan({4000, 4097, 5000, 8000, 30}), plan({100, 6000, 4096}, 3ms, 2ms, /*late=*/true),
             plan({}), plan({50, 50}, 0ns, 0ns, /*late=*/true, /*vanish=*/true)};
  return s;
}

// Six clients, eight lines each, lengths spread over 1..10,000 (a fixed pattern: no RNG here).
Scenario six_by_eight() {
  Scenario s;
  for (size_t c = 1; c <= 6; ++c) {
    std::vector<size_t> lengths;
    for (size_t m = 1; m <= 8; ++m) lengths.push_back(1 + (c * 7919 + m * 104729) % 10000);
    s.plans.push_back(plan(lengths, static_cast<std::int64_t>(c % 3) * 1ms,
                           static_cast<std::int64_t>(c % 2) * 500us, /*late=*/c == 5,
                           /*vanish=*/c == 6));
  }
  return s;
}

TEST(ScenarioOnSim, VariedLengthsLateJoinersAndAVanishingClient) {
  const Scenario s = general();
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    expect_correct_run(s, run_on_sim(s, seed), "seed " + std::to_string(seed));
  }
}

TEST(ScenarioOnSim, LateClientsThatSendAndLinesOverAPage) {
  const Scenario s = late_senders();
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    expect_correct_run(s, run_on_sim(s, seed), "seed " + std::to_string(seed));
  }
}

TEST(ScenarioOnSim, SixClientsOfEightLinesEach) {
  const Scenario s = six_by_eight();
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    expect_correct_run(s, run_on_sim(s, seed), "seed " + std::to_string(seed));
  }
}

TEST(ScenarioOnSim, GapsLongerThanSettleDoNotEndTheListeners) {
  Scenario s;
  s.settle = 2s;
  s.plans = {plan({30, 30, 30}, 0ns, 3s), plan({}), plan({40}, 5s, 0ns, /*late=*/true)};
  SimRun r = run_on_sim(s, 1);
  expect_correct_run(s, r, "long gaps");
  EXPECT_GE(r.report.virtual_time, 9s);  // c1's three gaps
}

TEST(ScenarioOnSim, ALoneClientWithNoLinesJoinsAndLeaves) {
  Scenario s;
  s.plans = {plan({})};
  SimRun r = run_on_sim(s, 1);
  expect_correct_run(s, r, "alone");
  EXPECT_EQ(r.log, scenario_line(1, 0, 24));
  EXPECT_EQ(r.transcripts[1], r.log);
}

TEST(ScenarioOnSim, UniformScenariosStillRunAndLeaveTranscripts) {
  Scenario s;  // 3 clients x 5 lines of 24 bytes
  SimRun r = run_on_sim(s, 7);
  expect_correct_run(s, r, "uniform");
  EXPECT_EQ(r.log.size(), 3u * 6u * 24u);
}

TEST(ScenarioOnSim, NoTranscriptDirectoryMeansNoTranscripts) {
  Scenario s;
  s.clients = 2;
  s.messages = 1;
  s.transcript_dir = "";
  SimRun r = run_on_sim(s, 3);
  ASSERT_EQ(r.report.verdict, Verdict::ok) << r.report.detail;
  EXPECT_EQ(r.scenario.saw_every_line, 2);
  EXPECT_TRUE(r.transcripts.empty());
}

// The join point is fixed before Child RECV reads a line of the client's: with no history at all,
// every client still gets its own join line back (scenario clients wait for it) on every seed.
TEST(ScenarioOnSim, WithNoHistoryEveryClientStillHearsItsOwnLines) {
  Scenario s;
  s.clients = 3;
  s.messages = 2;
  s.server.history = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    SimRun r = run_on_sim(s, seed);
    ASSERT_EQ(r.report.verdict, Verdict::ok) << r.report.detail;
    EXPECT_EQ(r.scenario.saw_every_line, 3) << "seed " << seed;
  }
}

TEST(ScenarioOnSim, TheExclusiveReadVariantStillDeliversEverything) {
  Scenario s = general();
  s.server.variant = Variant::exclusive_read;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    expect_correct_run(s, run_on_sim(s, seed), "exclusive-read seed " + std::to_string(seed));
  }
}

TEST(ScenarioOnSim, TheseChecksCatchTheTornMessageVariant) {
  // Lines over a 4096-byte read from two clients at once: Child RECV appends them in pieces.
  Scenario s;
  s.server.variant = Variant::torn_message;
  s.plans = {plan({3000, 5000, 4000}), plan({4000, 3000, 4096})};
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SimRun r = run_on_sim(s, seed);
    ASSERT_EQ(r.report.verdict, Verdict::ok) << r.report.detail;
    caught += log_is_exact(s, r) ? 0 : 1;
  }
  EXPECT_GT(caught, 0);
}

}  // namespace
}  // namespace papaya::chat
