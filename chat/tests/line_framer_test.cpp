#include "chat/line_framer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace papaya::chat {
namespace {

using namespace std::string_literals;

Framed line(std::string s) {
  size_t n = s.size();
  return Framed{.line = std::move(s), .refused = std::nullopt, .length = n};
}
Framed refused(RefuseReason r, size_t n) { return Framed{.line = {}, .refused = r, .length = n}; }

std::vector<Framed> feed_in_pieces(LineFramer& f, const std::vector<std::string>& pieces) {
  std::vector<Framed> out;
  for (const std::string& p : pieces) {
    for (Framed& x : f.feed(p)) out.push_back(std::move(x));
  }
  return out;
}

TEST(LineFramer, WholeLinesInOneReadComeOutInOrder) {
  LineFramer f(100);
  EXPECT_EQ(f.feed("a: hi\nb: yo\n"), (std::vector<Framed>{line("a: hi\n"), line("b: yo\n")}));
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(LineFramer, APartialLineWaitsForItsNewline) {
  LineFramer f(100);
  EXPECT_TRUE(f.feed("a: h").empty());
  EXPECT_EQ(f.buffered(), 4u);
  EXPECT_EQ(f.feed("i\nb"), (std::vector<Framed>{line("a: hi\n")}));
  EXPECT_EQ(f.buffered(), 1u);
}

TEST(LineFramer, EverySplitIntoTwoOrThreePiecesGivesTheSameLines) {
  const std::string stream = "c1: one\n\nc2: a longer line here\nc3: x\n";
  const std::vector<Framed> want = {line("c1: one\n"), line("\n"), line("c2: a longer line here\n"),
                                    line("c3: x\n")};
  for (size_t i = 0; i <= stream.size(); ++i) {
    for (size_t j = i; j <= stream.size(); ++j) {
      LineFramer f(100);
      auto got =
          feed_in_pieces(f, {stream.substr(0, i), stream.substr(i, j - i), stream.substr(j)});
      ASSERT_EQ(got, want) << "split at " << i << " and " << j;
      EXPECT_EQ(f.finish(), 0u);
    }
  }
}

TEST(LineFramer, ByteByByteFeedingGivesTheSameLines) {
  const std::string stream = "x: 1\ny: 22\n";
  LineFramer f(100);
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  EXPECT_EQ(feed_in_pieces(f, bytes), (std::vector<Framed>{line("x: 1\n"), line("y: 22\n")}));
}

TEST(LineFramer, ALineOfExactlyMaxLineBytesIsAccepted) {
  LineFramer f(5);
  EXPECT_EQ(f.feed("abcd\n"), (std::vector<Framed>{line("abcd\n")}));
}

TEST(LineFramer, ALineOneByteOverMaxLineIsRefusedWhole) {
  LineFramer f(5);
  EXPECT_EQ(f.feed("abcde\nok\n"),
            (std::vector<Framed>{refused(RefuseReason::too_long, 6), line("ok\n")}));
}

TEST(LineFramer, AnOversizeLineIsRefusedWholeAcrossEverySplitIncludingItsContinuation) {
  const std::string stream = "ok\n" + std::string(30, 'z') + "\nfine\n";
  const std::vector<Framed> want = {line("ok\n"), refused(RefuseReason::too_long, 31),
                                    line("fine\n")};
  for (size_t i = 0; i <= stream.size(); ++i) {
    LineFramer f(10);
    auto got = feed_in_pieces(f, {stream.substr(0, i), stream.substr(i)});
    ASSERT_EQ(got, want) << "split at " << i;
    EXPECT_LT(f.buffered(), 10u);
  }
}

TEST(LineFramer, BufferNeverReachesMaxLineWhateverArrives) {
  LineFramer f(8);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(f.feed("yyy").empty());
    EXPECT_LT(f.buffered(), 8u);
  }
  EXPECT_EQ(f.feed("\n"), (std::vector<Framed>{refused(RefuseReason::too_long, 301)}));
}

TEST(LineFramer, ALineWithANulByteIsRefusedWhole) {
  LineFramer f(100);
  EXPECT_EQ(f.feed("a: x\0y\nb: ok\n"s),
            (std::vector<Framed>{refused(RefuseReason::nul_byte, 7), line("b: ok\n")}));
}

TEST(LineFramer, ANulArrivingAfterTheLineBeganStillRefusesAllOfIt) {
  LineFramer f(100);
  EXPECT_TRUE(f.feed("a: hello ").empty());
  EXPECT_TRUE(f.feed("\0"s).empty());
  EXPECT_EQ(f.feed("world\n"), (std::vector<Framed>{refused(RefuseReason::nul_byte, 16)}));
}

TEST(LineFramer, ALineCutByDisconnectIsDroppedAndReported) {
  LineFramer f(100);
  EXPECT_EQ(f.feed("a: whole\na: cut"), (std::vector<Framed>{line("a: whole\n")}));
  EXPECT_EQ(f.finish(), 6u);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(LineFramer, ARefusedLineCutByDisconnectReportsAllItsBytes) {
  LineFramer f(4);
  EXPECT_TRUE(f.feed("abcdefg").empty());
  EXPECT_EQ(f.finish(), 7u);
}

TEST(LineFramer, FinishWithNothingPendingDropsNothing) {
  LineFramer f(4);
  EXPECT_EQ(f.finish(), 0u);
  (void)f.feed("ab\n");
  EXPECT_EQ(f.finish(), 0u);
}

TEST(LineFramer, AfterFinishTheFramerStartsAfresh) {
  LineFramer f(4);
  (void)f.feed("abcdefg");
  (void)f.finish();
  EXPECT_EQ(f.feed("ok\n"), (std::vector<Framed>{line("ok\n")}));
}

TEST(LineFramer, ReasonsHaveReadableTexts) {
  EXPECT_EQ(refuse_reason_text(RefuseReason::too_long), "longer than max_line");
  EXPECT_EQ(refuse_reason_text(RefuseReason::nul_byte), "contains a NUL byte");
}

}  // namespace
}  // namespace papaya::chat
