#include <gtest/gtest.h>

#include "builders.hpp"
#include "properties/checkers.hpp"

namespace papaya::properties {
namespace {
using namespace testing;

History two_clients(std::string log) {
  History h;
  h.log = std::move(log);
  h.clients = {client("c1", {"c1: a\n", "c1: b\n"}), client("c2", {"c2: x\n"})};
  return h;
}

TEST(NoInterleavedWrites, HoldsWhenTheLogIsEveryLineOnceInAnyOrder) {
  EXPECT_TRUE(check_no_interleaved_writes(two_clients("c2: x\nc1: a\nc1: b\n")).holds);
}

TEST(NoInterleavedWrites, FailsWhenTwoLinesInterleave) {
  Finding f = check_no_interleaved_writes(two_clients("c1: c2: x\na\nc1: b\n"));
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("torn or interleaved"), std::string::npos) << f.detail;
}

TEST(NoInterleavedWrites, FailsWhenALineIsWrittenTwice) {
  Finding f = check_no_interleaved_writes(two_clients("c2: x\nc1: a\nc1: a\nc1: b\n"));
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("2 times"), std::string::npos) << f.detail;
}

TEST(NoInterleavedWrites, FailsWhenAnAcceptedLineIsMissing) {
  Finding f = check_no_interleaved_writes(two_clients("c2: x\nc1: a\n"));
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("missing"), std::string::npos) << f.detail;
}

TEST(NoInterleavedWrites, FailsWhenTheLogEndsInAPartialLine) {
  Finding f = check_no_interleaved_writes(two_clients("c2: x\nc1: a\nc1: b\nc1"));
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("partial line"), std::string::npos) << f.detail;
}

TEST(NoInterleavedWrites, RefusedLinesMustNotAppear) {
  History h;
  h.max_line = 8;
  h.clients = {client("c1", {"c1: ok\n", "c1: far too long\n", std::string("c1: \0\n", 6)})};
  h.log = "c1: ok\n";
  EXPECT_TRUE(check_no_interleaved_writes(h).holds);
  h.log = "c1: ok\nc1: far too long\n";
  EXPECT_FALSE(check_no_interleaved_writes(h).holds);
}

TEST(NoInterleavedWrites, LinesOfAKilledClusterMayBeMissingButNotDoubled) {
  History h = two_clients("c2: x\n");
  h.clients[0].lines_may_be_lost = true;
  EXPECT_TRUE(check_no_interleaved_writes(h).holds);
  h.log = "c2: x\nc1: a\nc1: a\n";
  EXPECT_FALSE(check_no_interleaved_writes(h).holds);
}

// kill -9 between two pages of a write leaves its first pages in the log: a torn line. The checker
// still fails (the log holds bytes no client line explains) and says why.
LogEvent write_cut(Step s, ProcessId p, std::uint64_t off, std::uint64_t landed) {
  return event(s, p, LogEvent::Kind::write_cut, LockMode::ex, off, landed);
}

History torn_by_a_kill(std::string log) {
  History h = two_clients(std::move(log));
  h.clients[0].lines_may_be_lost = true;  // c1's cluster was the one killed
  return h;
}

TEST(NoInterleavedWrites, ATornLastLineExplainedByACutWriteMentionsKill9) {
  History h = torn_by_a_kill("c2: x\nc1: a\nc1: ");
  h.events = {write_begin(1, 10, 6, 6), write_end(2, 10), write_begin(3, 10, 12, 6),
              write_cut(4, 10, 12, 4)};
  Finding f = check_no_interleaved_writes(h);
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("partial line at byte 12"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("cut short by kill -9"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("process 10"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("step 4"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("after 4 bytes"), std::string::npos) << f.detail;
}

TEST(NoInterleavedWrites, ATornLineInsideTheLogExplainedByACutWriteMentionsKill9) {
  // The cut write's 4 bytes, then c2's whole line: one log line that no client sent.
  History h = torn_by_a_kill("c1: a\nc1: c2: x\n");
  h.events = {write_begin(1, 10, 6, 6), write_cut(2, 10, 6, 4), write_begin(3, 11, 10, 6),
              write_end(4, 11)};
  Finding f = check_no_interleaved_writes(h);
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("torn or interleaved"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("kill -9"), std::string::npos) << f.detail;
}

TEST(NoInterleavedWrites, WithoutACutWriteATornLineKeepsThePlainMessage) {
  for (std::string log : {"c2: x\nc1: a\nc1: ", "c1: a\nc1: c2: x\n"}) {
    History h = torn_by_a_kill(log);
    h.events = {write_begin(1, 10, 6, 6), write_end(2, 10)};
    Finding f = check_no_interleaved_writes(h);
    EXPECT_FALSE(f.holds) << log;
    EXPECT_EQ(f.detail.find("kill -9"), std::string::npos) << f.detail;
  }
  // A cut elsewhere in the log does not explain this line.
  History h = torn_by_a_kill("c2: x\nc1: a\nc1: ");
  h.events = {write_cut(1, 10, 0, 6)};
  Finding f = check_no_interleaved_writes(h);
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("partial line"), std::string::npos) << f.detail;
  EXPECT_EQ(f.detail.find("kill -9"), std::string::npos) << f.detail;
}

}  // namespace
}  // namespace papaya::properties
