// log-heals on hand-made histories: appends that begin on a whole line pass; a short write or a
// cut one left in place fails at the next append; cut back, or continued by its own writer, it
// passes; a client that receives a line no one sent, or stays to the end on a partial one, fails.
#include <gtest/gtest.h>

#include "properties/checkers.hpp"
#include "properties/tests/builders.hpp"

namespace papaya::properties {
namespace {

using namespace testing;

LogEvent write_done(Step s, ProcessId p, std::uint64_t off, std::uint64_t written) {
  return event(s, p, LogEvent::Kind::write_end, LockMode::ex, off, written);
}
LogEvent truncated(Step s, ProcessId p, std::uint64_t size) {
  return event(s, p, LogEvent::Kind::truncate, LockMode::ex, size);
}

TEST(LogHeals, WholeAppendsOneAfterAnotherHold) {
  History h;
  h.events = {write_begin(1, 5, 0, 10), write_done(2, 5, 0, 10), write_begin(3, 6, 10, 7),
              write_done(4, 6, 10, 7)};
  EXPECT_TRUE(check_log_heals(h).holds);
}

TEST(LogHeals, AnAppendAfterAShortWriteLeftInPlaceFails) {
  History h;
  h.events = {write_begin(1, 5, 0, 10), write_done(2, 5, 0, 4), released(3, 5),
              write_begin(4, 6, 4, 7), write_done(5, 6, 4, 7)};
  const Finding f = check_log_heals(h);
  ASSERT_FALSE(f.holds);
  EXPECT_EQ(f.step, 4u);
  EXPECT_NE(f.detail.find("process 6 began an append at byte 4"), std::string::npos) << f.detail;
}

TEST(LogHeals, AShortWriteCutBackBeforeTheNextAppendHolds) {
  History h;
  h.events = {write_begin(1, 5, 0, 10), write_done(2, 5, 0, 10),  write_begin(3, 5, 10, 10),
              write_done(4, 5, 10, 3),  write_begin(5, 5, 13, 7), write_done(6, 5, 13, 0),
              truncated(7, 5, 10),      released(8, 5),           write_begin(9, 6, 10, 7),
              write_done(10, 6, 10, 7)};
  EXPECT_TRUE(check_log_heals(h).holds) << check_log_heals(h).detail;
}

TEST(LogHeals, AWriteCutByKillNineIsHealedOnlyByATruncation) {
  History torn;
  torn.events = {write_begin(1, 5, 0, 9000),
                 event(2, 5, LogEvent::Kind::write_cut, LockMode::ex, 0, 4096),
                 write_begin(3, 6, 4096, 7)};
  EXPECT_FALSE(check_log_heals(torn).holds);
  History healed = torn;
  healed.events.back() = truncated(3, 6, 0);
  healed.events.push_back(write_begin(4, 6, 0, 7));
  EXPECT_TRUE(check_log_heals(healed).holds);
}

TEST(LogHeals, AClientThatReceivesALineNoOneSentFails) {
  History h;
  h.clients = {client("c1", {"c1: m001 aaaa\n"}, "c1: m001 aaaa\n"),
               client("c2", {"c2: m001 bbbb\n"}, "c1: m0c2: m001 bbbb\n")};
  const Finding f = check_log_heals(h);
  ASSERT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("c2 received a line no client sent"), std::string::npos) << f.detail;
}

TEST(LogHeals, AClientThatStayedToTheEndOnAPartialLineFailsOneThatLeftEarlyDoesNot) {
  History h;
  h.clients = {client("c1", {"c1: m001 aaaa\n"}, "c1: m001 aaaa\nc2: m0")};
  EXPECT_FALSE(check_log_heals(h).holds);
  h.clients[0].stayed_to_the_end = false;  // what it got before it left: segments may be cut
  EXPECT_TRUE(check_log_heals(h).holds);
}

}  // namespace
}  // namespace papaya::properties
