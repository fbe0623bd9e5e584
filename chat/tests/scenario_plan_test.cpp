// The scenario's plans, lines, description and JSON form (pure; the runs are scenario_sim_test).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "chat/scenario/scenario.hpp"

namespace papaya::chat {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

ClientPlan plan(std::vector<size_t> lengths, Duration join_delay = 0ns, Duration gap = 0ns,
                bool late = false, bool vanish = false) {
  return ClientPlan{.line_lengths = std::move(lengths),
                    .join_delay = join_delay,
                    .gap = gap,
                    .late = late,
                    .vanish_mid_line = vanish};
}

// A scenario with everything the generators draw.
Scenario general() {
  Scenario s;
  s.plans = {plan({24, 5000}, 0ns, 1ms), plan({}, 5ms, 0ns, /*late=*/true),
             plan({10000, 1, 4096, 4097}, 2ms, 0ns, false, /*vanish=*/true)};
  return s;
}

// ---- effective_plans ------------------------------------------------------------------------

TEST(EffectivePlans, AnEmptyPlanListMeansUniformClients) {
  Scenario s;
  s.clients = 4;
  s.messages = 3;
  s.line_length = 50;
  std::vector<ClientPlan> p = effective_plans(s);
  ASSERT_EQ(p.size(), 4u);
  for (const ClientPlan& c : p) {
    EXPECT_EQ(c.line_lengths, (std::vector<size_t>{50, 50, 50}));
    EXPECT_EQ(c.join_delay, 0ns);
    EXPECT_EQ(c.gap, 0ns);
    EXPECT_FALSE(c.late);
    EXPECT_FALSE(c.vanish_mid_line);
  }
}

TEST(EffectivePlans, GivenPlansWinOverClientsAndMessages) {
  Scenario s = general();
  s.clients = 9;
  s.messages = 9;
  EXPECT_EQ(effective_plans(s), s.plans);
}

TEST(EffectivePlans, ZeroClientsOrMessagesAreEmpty) {
  Scenario s;
  s.clients = 0;
  EXPECT_TRUE(effective_plans(s).empty());
  s.clients = 2;
  s.messages = 0;
  ASSERT_EQ(effective_plans(s).size(), 2u);
  EXPECT_TRUE(effective_plans(s)[0].line_lengths.empty());
}

// ---- sent_lines ---------------------------------------------------------------------------------

TEST(SentLines, JoinLineFirstThenEachLineAtItsLength) {
  Scenario s = general();
  std::vector<std::string> c1 = sent_lines(s, 1);
  ASSERT_EQ(c1.size(), 3u);
  EXPECT_EQ(c1[0], scenario_line(1, 0, 24));
  EXPECT_EQ(c1[1], scenario_line(1, 1, 24));
  EXPECT_EQ(c1[2].size(), 5000u);
  EXPECT_EQ(parse_scenario_line(c1[2]), (LineId{1, 2}));
  for (const std::string& l : c1) EXPECT_TRUE(l.ends_with('\n'));
}

TEST(SentLines, LinesOverMaxLineAreListedAndTooShortOnesRaised) {
  Scenario s = general();
  std::vector<std::string> c3 = sent_lines(s, 3);
  ASSERT_EQ(c3.size(), 5u);
  EXPECT_EQ(c3[1].size(), 10000u);  // over max_line: the server must refuse it
  EXPECT_EQ(c3[2], "c3: m002 \n");  // 1 byte asked: raised to the minimum
  EXPECT_EQ(c3[3].size(), 4096u);
  EXPECT_EQ(c3[4].size(), 4097u);
  EXPECT_GT(c3[4].size(), s.server.max_line);
}

TEST(SentLines, AClientWithNoLinesSendsItsJoinLineOnly) {
  EXPECT_EQ(sent_lines(general(), 2), (std::vector<std::string>{scenario_line(2, 0, 24)}));
}

TEST(SentLines, UniformScenariosAsBefore) {
  Scenario s;
  s.clients = 2;
  s.messages = 2;
  s.line_length = 40;
  EXPECT_EQ(sent_lines(s, 2),
            (std::vector<std::string>{scenario_line(2, 0, 40), scenario_line(2, 1, 40),
                                      scenario_line(2, 2, 40)}));
}

TEST(SentLines, NoSuchClientSendsNothing) {
  EXPECT_TRUE(sent_lines(general(), 0).empty());
  EXPECT_TRUE(sent_lines(general(), 4).empty());
  EXPECT_TRUE(sent_lines(Scenario{}, 4).empty());
}

TEST(SentLines, TheJoinLineIsAlwaysOneTheServerAccepts) {
  Scenario s;
  s.line_length = 5000;
  EXPECT_EQ(sent_lines(s, 1)[0].size(), 4096u);
  EXPECT_EQ(sent_lines(s, 1)[1].size(), 5000u);
}

TEST(SentLines, EveryLineOfAScenarioIsDistinct) {
  Scenario s = general();
  std::set<std::pair<int, int>> ids;
  for (int c = 1; c <= 3; ++c) {
    for (const std::string& l : sent_lines(s, c)) {
      std::optional<LineId> id = parse_scenario_line(l);
      ASSERT_TRUE(id) << l.substr(0, 20);
      EXPECT_EQ(id->client, c);
      EXPECT_TRUE(ids.insert({id->client, id->message}).second);
    }
  }
}

TEST(VanishHalfLine, IsHalfOfTheNextLineWithoutItsNewline) {
  Scenario s = general();
  EXPECT_EQ(vanish_half_line(s, 1), "");
  EXPECT_EQ(vanish_half_line(s, 2), "");
  const std::string half = vanish_half_line(s, 3);
  // As long as its last accepted-size line (4097 capped at max_line 4096), halved.
  EXPECT_EQ(half, scenario_line(3, 5, 4096).substr(0, 2048));
  EXPECT_EQ(half.find('\n'), std::string::npos);
}

TEST(TranscriptPath, IsTheDirectoryAndTheClientsName) {
  Scenario s;
  EXPECT_EQ(transcript_path(s, 2), "/papaya/received/c2");
  s.transcript_dir = "/tmp/x";
  EXPECT_EQ(transcript_path(s, 12), "/tmp/x/c12");
  s.transcript_dir = "";
  EXPECT_EQ(transcript_path(s, 1), "");
}

TEST(ScheduleHorizon, IsTheLongestJoinDelayPlusTheLongestGaps) {
  EXPECT_EQ(schedule_horizon(Scenario{}), 0ns);
  Scenario s = general();
  EXPECT_EQ(schedule_horizon(s), 5ms + 2ms);  // c2's +5ms; c1's 2 lines x 1ms
}

// ---- describe -----------------------------------------------------------------------------------

TEST(Describe, OneLinePerScenario) {
  EXPECT_EQ(describe(general()),
            "3 clients: c1 2 lines [24,5000] gap 1ms; c2 late +5ms 0 lines; "
            "c3 +2ms 4 lines [10000,1,4096,4097] vanishes mid-line");
}

TEST(Describe, UniformScenariosFoldRepeatedLengths) {
  EXPECT_EQ(describe(Scenario{}),
            "3 clients: c1 5 lines [24x5]; c2 5 lines [24x5]; c3 5 lines [24x5]");
  Scenario one;
  one.clients = 1;
  one.messages = 1;
  EXPECT_EQ(describe(one), "1 client: c1 1 line [24]");
}

TEST(Describe, NamesTheSettingsThatDifferFromTheDefaults) {
  Scenario s;
  s.clients = 1;
  s.messages = 0;
  s.server.variant = Variant::exclusive_read;
  s.server.max_line = 100;
  s.settle = 1500ms;
  s.transcript_dir = "";
  EXPECT_EQ(
      describe(s),
      "1 client: c1 0 lines (variant exclusive-read, max_line 100, settle 1.5s, no transcripts)");
}

// ---- JSON ---------------------------------------------------------------------------------------

TEST(ScenarioJson, ALongNonObjectIsRefusedWithValidUtf8EvenWhenCutMidCharacter) {
  // fuzz/ (scenario_json) found this: the error shows the value cut short, which could split a
  // two-byte character and leave invalid UTF-8 that cannot itself be put into JSON.
  const nlohmann::json j = std::string("/hhhhhhhj''\xd7\xbdh");
  ScenarioFromJson s = from_json(j);
  ASSERT_FALSE(s.ok());
  EXPECT_NO_THROW((void)nlohmann::json(s.error).dump()) << s.error;
}

TEST(ScenarioJson, AnUnknownKeyWithANewlineIsRefusedOnOneLine) {
  // fuzz/ (scenario_json) found this: the error quoted the key as is, newline and all.
  nlohmann::json j = nlohmann::json::parse("{\"clients\": 1, \"vari\\nt\": \"paper\"}");
  ScenarioFromJson s = from_json(j);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error.find('\n'), std::string::npos) << s.error;
  EXPECT_NE(s.error.find("vari\\x0at"), std::string::npos) << s.error;
}

TEST(ScenarioJson, RoundTripsEveryField) {
  Scenario s = general();
  s.clients = 7;
  s.messages = 2;
  s.line_length = 33;
  s.port = 0;
  s.settle = 1234567ns;
  s.server.history = 3;
  s.server.max_line = 200;
  s.server.auth_timeout = 250ms;
  s.server.max_clients = 5;
  s.server.variant = Variant::exclusive_read;
  s.server.log_path = "/elsewhere.log";
  s.server.key = std::string(128, 'f');
  s.transcript_dir = "";
  s.idle_shutdown = true;
  s.barrier_per_client = true;
  ScenarioFromJson back = from_json(to_json(s));
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(*back, s);
  // Through text too, as a trace header carries it.
  ScenarioFromJson again = from_json(json::parse(to_json(s).dump()));
  ASSERT_TRUE(again) << again.error;
  EXPECT_EQ(*again, s);
}

TEST(ScenarioJson, RoundTripsTheDefaultsAndLeavesTheDefaultKeyOut) {
  json j = to_json(Scenario{});
  EXPECT_FALSE(j.contains("key"));
  EXPECT_FALSE(j.contains("idle_shutdown")) << "headers without the exploration scenario change";
  EXPECT_FALSE(j.contains("barrier_per_client"));
  EXPECT_EQ(j.at("variant"), "correct");
  EXPECT_EQ(j.at("plans"), json::array());
  ScenarioFromJson back = from_json(j);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(*back, Scenario{});
}

TEST(ScenarioJson, MissingFieldsKeepTheDefaults) {
  // The header `papaya sim` wrote before plans existed.
  json old = json::parse(R"({"clients":4,"messages":6,"line_length":40,"port":7000,
      "settle_ns":2000000000,"history":7,"max_line":4096,"auth_timeout_ns":1000000000})");
  ScenarioFromJson s = from_json(old);
  ASSERT_TRUE(s) << s.error;
  EXPECT_EQ(s->clients, 4);
  EXPECT_EQ(s->messages, 6);
  EXPECT_EQ(s->line_length, 40u);
  EXPECT_TRUE(s->plans.empty());
  EXPECT_EQ(s->transcript_dir, "/papaya/received");
  EXPECT_EQ(s->server.key, scenario_key);
  EXPECT_TRUE(from_json(json::object()));
}

TEST(ScenarioJson, ErrorsNameTheFieldAndTheProblem) {
  auto error = [](const char* text) {
    ScenarioFromJson r = from_json(json::parse(text));
    EXPECT_FALSE(r) << text;
    return r.error;
  };
  EXPECT_EQ(error("[]"), "the scenario is not a JSON object: []");
  EXPECT_EQ(error(R"({"clients":"3"})"),
            R"(scenario field "clients": expected an integer in [0, 2147483647], got "3")");
  EXPECT_EQ(error(R"({"clients":-1})"),
            R"(scenario field "clients": expected an integer in [0, 2147483647], got -1)");
  EXPECT_EQ(error(R"({"line_length":2.5})"),
            R"(scenario field "line_length": expected an integer >= 0, got 2.5)");
  EXPECT_EQ(error(R"({"port":70000})"),
            R"(scenario field "port": expected an integer in [0, 65535], got 70000)");
  EXPECT_EQ(error(R"({"max_line":0})"),
            R"(scenario field "max_line": expected an integer >= 1, got 0)");
  EXPECT_EQ(error(R"({"clinets":3})"), R"(scenario field "clinets": unknown field)");
  EXPECT_EQ(error(R"({"variant":"nolock"})"),
            R"(scenario field "variant": unknown variant "nolock")");
  EXPECT_EQ(error(R"({"variant":3})"), R"(scenario field "variant": expected a string, got 3)");
  EXPECT_EQ(error(R"({"key":"abc"})"), R"(scenario field "key": expected 128 bytes, got 3)");
  EXPECT_EQ(error(R"({"plans":{}})"),
            R"(scenario field "plans": expected an array of objects, got {})");
  EXPECT_EQ(error(R"({"plans":[{},3]})"),
            R"(scenario field "plans[1]": expected an object, got 3)");
  EXPECT_EQ(error(R"({"plans":[{"late":1}]})"),
            R"(scenario field "plans[0].late": expected true or false, got 1)");
  EXPECT_EQ(error(R"({"plans":[{"gap_ns":-5}]})"),
            R"(scenario field "plans[0].gap_ns": expected an integer >= 0, got -5)");
  EXPECT_EQ(error(R"({"plans":[{"line_lengths":[1,-2]}]})"),
            R"(scenario field "plans[0].line_lengths[1]": expected an integer >= 0, got -2)");
  EXPECT_EQ(error(R"({"plans":[{"line_lengths":7}]})"),
            R"(scenario field "plans[0].line_lengths": expected an array of integers, got 7)");
  EXPECT_EQ(error(R"({"plans":[{"gap":5}]})"), R"(scenario field "plans[0].gap": unknown field)");
  EXPECT_EQ(error(R"({"settle_ns":18446744073709551615})"),
            R"(scenario field "settle_ns": expected an integer >= 0, got 18446744073709551615)");
}

}  // namespace
}  // namespace papaya::chat
