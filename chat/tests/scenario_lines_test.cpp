#include <gtest/gtest.h>

#include "chat/key.hpp"
#include "chat/scenario.hpp"

namespace papaya::chat {
namespace {

TEST(ScenarioLine, IsSelfDescribingAndExactlyTheLengthAsked) {
  EXPECT_EQ(scenario_line(2, 3, 24), "c2: m003 bbbbbbbbbbbbbb\n");
  EXPECT_EQ(scenario_line(2, 3, 24).size(), 24u);
}

TEST(ScenarioLine, ATooShortLengthIsRaisedToThePrefixAndNewline) {
  EXPECT_EQ(scenario_line(1, 1, 0), "c1: m001 \n");
}

TEST(ScenarioLine, EachClientPadsWithItsOwnLetter) {
  EXPECT_EQ(scenario_line(1, 1, 12).back(), '\n');
  EXPECT_EQ(scenario_line(1, 1, 12)[10], 'a');
  EXPECT_EQ(scenario_line(27, 1, 14)[12], 'a');
  EXPECT_EQ(scenario_line(26, 1, 14)[12], 'z');
}

TEST(ScenarioLine, ParsesBackWithOrWithoutItsNewline) {
  for (int c = 1; c <= 12; ++c) {
    for (int m = 0; m <= 120; m += 7) {
      std::string l = scenario_line(c, m, 40);
      EXPECT_EQ(parse_scenario_line(l, 40), (LineId{c, m}));
      EXPECT_EQ(parse_scenario_line(l.substr(0, l.size() - 1), 40), (LineId{c, m}));
    }
  }
}

TEST(ScenarioLine, ATornOrAlteredLineIsNotIdentified) {
  std::string l = scenario_line(2, 3, 24);
  EXPECT_FALSE(parse_scenario_line(l.substr(0, 10), 24));
  std::string mixed = l;
  mixed[15] = 'a';  // a piece of client 1's padding
  EXPECT_FALSE(parse_scenario_line(mixed, 24));
  EXPECT_FALSE(parse_scenario_line("c2: m3 bbbbbbbbbbbbbbbbb\n", 24));
  EXPECT_FALSE(parse_scenario_line(l, 25));
  std::string nul = l;
  nul.back() = '\0';  // the paper variant's NUL for the last byte
  EXPECT_FALSE(parse_scenario_line(nul, 24));
}

TEST(ScenarioLine, GarbageIsNotIdentified) {
  EXPECT_FALSE(parse_scenario_line("", 24));
  EXPECT_FALSE(parse_scenario_line("c", 24));
  EXPECT_FALSE(parse_scenario_line("c0: m001 \n", 0));
  EXPECT_FALSE(parse_scenario_line("c-1: m001 \n", 0));
  EXPECT_FALSE(parse_scenario_line("x1: m001 \n", 0));
}

TEST(ScenarioConfig, UsesTheFixedValidKeyAndTheSimLogPath) {
  ServerConfig cfg = scenario_server_config();
  EXPECT_EQ(cfg.log_path, "/papaya/chat.log");
  EXPECT_TRUE(validate_key(cfg.key).ok());
  EXPECT_EQ(Scenario{}.server.key, cfg.key);
}

}  // namespace
}  // namespace papaya::chat
