#include <gtest/gtest.h>

#include "builders.hpp"
#include "properties/checkers.hpp"

namespace papaya::properties {
namespace {
using namespace testing;

History with_log(std::string log, std::size_t history_lines = 2) {
  History h;
  h.log = std::move(log);
  h.history_lines = history_lines;
  return h;
}

TEST(Delivery, HoldsForAClientPresentFromTheStart) {
  History h = with_log("1\n2\n3\n");
  h.clients = {client("c1", {}, "1\n2\n3\n")};
  EXPECT_TRUE(check_delivery(h).holds);
}

TEST(Delivery, HoldsForALateJoinerThatGotTheHistoryWindowThenTheRest) {
  History h = with_log("1\n2\n3\n4\n5\n");
  h.clients = {client("late", {}, "2\n3\n4\n5\n")};  // joined after line 3, window of 2
  EXPECT_TRUE(check_delivery(h).holds);
}

TEST(Delivery, FailsOnAGap) {
  History h = with_log("1\n2\n3\n4\n");
  h.clients = {client("c1", {}, "1\n2\n4\n")};
  Finding f = check_delivery(h);
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("c1"), std::string::npos) << f.detail;
}

TEST(Delivery, FailsOnADuplicate) {
  History h = with_log("1\n2\n3\n");
  h.clients = {client("c1", {}, "1\n2\n2\n3\n")};
  EXPECT_FALSE(check_delivery(h).holds);
}

TEST(Delivery, FailsWhenTheTailNeverArrived) {
  History h = with_log("1\n2\n3\n");
  h.clients = {client("c1", {}, "1\n2\n")};
  Finding f = check_delivery(h);
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("more for it"), std::string::npos) << f.detail;
}

TEST(Delivery, FailsWhenTheLastByteOfAChunkArrivesAsNul) {
  // The original's snprintf copy: every chunk's last byte (the newline) becomes NUL.
  History h = with_log("1\n2\n");
  h.clients = {client("c1", {},
                      std::string("1\0"
                                  "2\0",
                                  4))};
  Finding f = check_delivery(h);
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("\\0"), std::string::npos) << f.detail;
}

TEST(Delivery, AClientThatLeftEarlyNeedsOnlyAPrefixButStillNoGap) {
  History h = with_log("1\n2\n3\n");
  h.clients = {client("c1", {}, "1\n")};
  h.clients[0].stayed_to_the_end = false;
  EXPECT_TRUE(check_delivery(h).holds);
  h.clients[0].received = "1\n3\n";
  EXPECT_FALSE(check_delivery(h).holds);
}

TEST(NoDeadlock, FailsWithTheReasonWhenTheRunDidNotQuiesce) {
  History h;
  EXPECT_TRUE(check_no_deadlock(h).holds);
  h.quiescent = false;
  h.end_detail = "deadlock: every process blocked, no timer pending";
  Finding f = check_no_deadlock(h);
  EXPECT_FALSE(f.holds);
  EXPECT_EQ(f.detail, h.end_detail);
  EXPECT_EQ(check_all(h).size(), std::size(all_properties));
}

// A client joins before its own first line reaches the log. Joined before "me\n" (at byte 4),
// with a window of 2 it gets "1\n2\n" then the rest; a history counted from after its own line
// ("2\nme\n", as a Child SEND that fixed the join point at its first read would send) fails.
TEST(Delivery, TheJoinPointIsAtOrBeforeTheClientsOwnFirstLine) {
  History h = with_log("1\n2\nme\n3\n");
  h.clients = {client("c1", {"me\n"}, "1\n2\nme\n3\n")};
  EXPECT_TRUE(check_delivery(h).holds);
  h.clients = {client("c1", {"me\n"}, "2\nme\n3\n")};
  Finding f = check_delivery(h);
  EXPECT_FALSE(f.holds);
  // Without a line of its own in the log, any join point still explains it.
  h.clients = {client("c1", {}, "2\nme\n3\n")};
  EXPECT_TRUE(check_delivery(h).holds);
}

}  // namespace
}  // namespace papaya::properties
