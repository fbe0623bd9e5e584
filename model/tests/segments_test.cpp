// Segments (model/segments.hpp): a stream's unread bytes in one buffer, cut into segments.
#include "model/segments.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace papaya::model {
namespace {

std::vector<std::string> listed_segments(const Segments& s) {
  std::vector<std::string> out;
  s.each([&](std::string_view seg) { out.emplace_back(seg); });
  return out;
}

std::string take_text(Segments& s, std::size_t n) {
  std::string out(n, '\0');
  s.take(out);
  return out;
}

TEST(Segments, KeepsTheCutsAndTheBytesInOrder) {
  Segments s;
  s.push("hel");
  s.push("lo ");
  s.push("world");
  EXPECT_EQ(s.count(), 3u);
  EXPECT_EQ(s.bytes(), 11u);
  EXPECT_EQ(s.length(0), 3u);
  EXPECT_EQ(s.length(2), 5u);
  EXPECT_EQ(listed_segments(s), (std::vector<std::string>{"hel", "lo ", "world"}));
  EXPECT_TRUE(s.consistent());
}

TEST(Segments, TakingEndsInsideASegmentAndLeavesItsRest) {
  Segments s;
  s.push("abc");
  s.push("defg");
  EXPECT_EQ(take_text(s, 5), "abcde");
  EXPECT_EQ(s.count(), 1u);
  EXPECT_EQ(s.bytes(), 2u);
  EXPECT_EQ(listed_segments(s), (std::vector<std::string>{"fg"}));
  EXPECT_TRUE(s.consistent());
  EXPECT_EQ(take_text(s, 2), "fg");
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.bytes(), 0u);
}

TEST(Segments, TakingExactlyTheFirstSegmentsLeavesTheNextWhole) {
  Segments s;
  s.push("ab");
  s.push("cd");
  s.push("ef");
  EXPECT_EQ(take_text(s, 4), "abcd");
  EXPECT_EQ(listed_segments(s), (std::vector<std::string>{"ef"}));
}

// A stream that never drains: the consumed front is dropped at pushes, the content stays.
TEST(Segments, ManyPushesAndPartialTakesKeepTheStreamsOrder) {
  Segments s;
  std::string sent;
  std::string received;
  for (int i = 0; i < 2000; ++i) {
    std::string seg = std::to_string(i) + ",";
    s.push(seg);
    sent += seg;
    if (i % 3 == 2) received += take_text(s, s.bytes() - 1);  // always leaves one byte behind
    ASSERT_TRUE(s.consistent());
  }
  received += take_text(s, s.bytes());
  EXPECT_EQ(received, sent);
  EXPECT_TRUE(s.empty());
}

TEST(Segments, ClearEmptiesIt) {
  Segments s;
  s.push("xyz");
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.bytes(), 0u);
  s.push("q");
  EXPECT_EQ(listed_segments(s), (std::vector<std::string>{"q"}));
}

}  // namespace
}  // namespace papaya::model
