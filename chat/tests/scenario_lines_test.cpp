#include <gtest/gtest.h>

#include <cstdio>

#include "chat/key.hpp"
#include "chat/scenario/scenario.hpp"

namespace papaya::chat {
namespace {

TEST(ScenarioLine, IsSelfDescribingAndExactlyTheLengthAsked) {
  EXPECT_EQ(scenario_line(2, 3, 24), "c2: m003 bbbbbbbbbbbbbb\n");
  EXPECT_EQ(scenario_line(2, 3, 24).size(), 24u);
}

// The prefix is written by hand (no fmt); printf's "%03d" is the independent oracle.
std::string printf_line_prefix_newline(int c, int m) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "c%d: m%03d \n", c, m);
  return std::string(buf, static_cast<size_t>(n));
}

TEST(ScenarioLine, ThePrefixIsFormattedAsPrintfWouldForEveryClientAndMessage) {
  for (int c : {1, 2, 9, 10, 11, 99, 100, 255, 256, 1000, 2147483647})
    for (int m = 0; m <= 1200; ++m)
      ASSERT_EQ(scenario_line(c, m, 0), printf_line_prefix_newline(c, m)) << c << " " << m;
  EXPECT_EQ(scenario_line(3, 2147483647, 0), printf_line_prefix_newline(3, 2147483647));
  EXPECT_EQ(scenario_line(-3, -4, 0), printf_line_prefix_newline(-3, -4));
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

TEST(ScenarioLine, ParsesBackAtAnyLengthWithoutBeingToldIt) {
  for (size_t len : {size_t{0}, size_t{10}, size_t{11}, size_t{24}, size_t{4095}, size_t{4096},
                     size_t{4097}, size_t{10000}}) {
    for (int c : {1, 3, 12, 26, 27}) {
      std::string l = scenario_line(c, 7, len);
      EXPECT_EQ(parse_scenario_line(l), (LineId{c, 7})) << len;
      EXPECT_EQ(parse_scenario_line(l.substr(0, l.size() - 1)), (LineId{c, 7})) << len;
      EXPECT_EQ(parse_scenario_line(l, l.size()), (LineId{c, 7})) << len;
      EXPECT_FALSE(parse_scenario_line(l, l.size() + 1)) << len;
    }
  }
}

TEST(ScenarioLine, TheMinimumLengthIsThePrefixAndNewline) {
  EXPECT_EQ(scenario_line_min_length(2, 3), 10u);  // "c2: m003 \n"
  EXPECT_EQ(scenario_line(2, 3, 0).size(), 10u);
  EXPECT_EQ(scenario_line_min_length(12, 1234), 12u);  // "c12: m1234 \n"
  EXPECT_EQ(parse_scenario_line(scenario_line(12, 1234, 0)), (LineId{12, 1234}));
  // A too-short length asked of the checker means the minimum, as scenario_line does.
  EXPECT_EQ(parse_scenario_line("c2: m003 \n", 0), (LineId{2, 3}));
}

TEST(ScenarioLine, VariedLengthLinesStayDistinct) {
  // Two lines of one client that differ only in length are the same message; different
  // messages never parse as each other, whatever their lengths.
  EXPECT_EQ(parse_scenario_line(scenario_line(1, 1, 30)),
            parse_scenario_line(scenario_line(1, 1, 300)));
  EXPECT_NE(parse_scenario_line(scenario_line(1, 1, 30)),
            parse_scenario_line(scenario_line(1, 2, 30)));
  EXPECT_NE(parse_scenario_line(scenario_line(1, 1, 30)),
            parse_scenario_line(scenario_line(2, 1, 30)));
}

TEST(ScenarioLine, TornLongLinesAreNotIdentified) {
  const std::string a = scenario_line(1, 1, 5000);
  const std::string b = scenario_line(2, 1, 5000);
  EXPECT_FALSE(parse_scenario_line(a.substr(0, 2500) + b));  // b landed inside a
  EXPECT_FALSE(parse_scenario_line(a.substr(2500)));         // a's tail alone
  EXPECT_FALSE(parse_scenario_line(a.substr(0, 2500) + a));  // a repeated inside itself
  std::string nul = a;
  nul[4096] = '\0';
  EXPECT_FALSE(parse_scenario_line(nul));
  EXPECT_FALSE(parse_scenario_line(a + a));  // two lines are not one
}

TEST(ScenarioConfig, UsesTheFixedValidKeyAndTheSimLogPath) {
  ServerConfig cfg = scenario_server_config();
  EXPECT_EQ(cfg.log_path, "/papaya/chat.log");
  EXPECT_TRUE(validate_key(cfg.key).ok());
  EXPECT_EQ(Scenario{}.server.key, cfg.key);
}

}  // namespace
}  // namespace papaya::chat
