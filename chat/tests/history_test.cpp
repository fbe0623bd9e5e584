#include "chat/history.hpp"

#include <gtest/gtest.h>

namespace papaya::chat {
namespace {

TEST(History, TheLastNLinesOfALongerLog) { EXPECT_EQ(last_lines("a\nb\nc\nd\n", 2), "c\nd\n"); }

TEST(History, FewerLinesThanNGivesTheWholeLog) {
  EXPECT_EQ(last_lines("a\nb\n", 7), "a\nb\n");
  EXPECT_EQ(last_lines("a\nb\n", 2), "a\nb\n");
}

TEST(History, AnEmptyLogHasNoHistory) {
  EXPECT_EQ(last_lines("", 7), "");
  EXPECT_EQ(history_start("", 7).start, 0u);
  EXPECT_FALSE(history_start("", 7).complete);
}

TEST(History, ZeroLinesIsNothingButCompletes) {
  HistoryStart h = history_start("a\nb\n", 0);
  EXPECT_EQ(h.start, 4u);
  EXPECT_TRUE(h.complete);
}

TEST(History, AnUnterminatedTailCountsAsOneLine) {
  EXPECT_EQ(last_lines("a\nb\nc", 1), "c");
  EXPECT_EQ(last_lines("a\nb\nc", 2), "b\nc");
}

TEST(History, ALogWithOnlyAnUnterminatedLineIsThatLine) { EXPECT_EQ(last_lines("abc", 3), "abc"); }

TEST(History, EmptyLinesAreLines) {
  EXPECT_EQ(last_lines("a\n\n\n", 2), "\n\n");
  EXPECT_EQ(last_lines("\n", 1), "\n");
}

TEST(History, TheHistoryIsAlwaysASuffixOfTheLog) {
  const std::string log = "one\ntwo\n\nthree\nfour";
  for (size_t n = 0; n < 8; ++n) {
    std::string_view h = last_lines(log, n);
    EXPECT_TRUE(std::string_view(log).ends_with(h)) << n;
  }
}

TEST(History, AWindowWhoseFirstLineMayBeCutIsIncompleteUntilANewlinePrecedesTheLines) {
  // A window "ne\ntwo\n" cut from "one\ntwo\n": one line is provably whole, two are not.
  EXPECT_TRUE(history_start("ne\ntwo\n", 1).complete);
  EXPECT_EQ(history_start("ne\ntwo\n", 1).start, 3u);
  EXPECT_FALSE(history_start("ne\ntwo\n", 2).complete);
}

}  // namespace
}  // namespace papaya::chat
