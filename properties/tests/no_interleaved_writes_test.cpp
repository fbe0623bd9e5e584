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

}  // namespace
}  // namespace papaya::properties
