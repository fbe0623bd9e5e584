#include <gtest/gtest.h>

#include "properties/checkers.hpp"

namespace papaya::properties {
namespace {

constexpr std::int64_t ms = 1'000'000;

// c1 stops reading; c2 receives the 8-byte log "a: 1234\n" appended at t = 0.
History one_line(std::int64_t received_at_ns) {
  History h;
  h.log = "a: 1234\n";
  h.events = {{.step = 1, .pid = 2, .kind = LogEvent::Kind::write_begin, .offset = 0, .length = 8},
              {.step = 2, .pid = 2, .kind = LogEvent::Kind::write_end}};
  ClientRecord stuck;
  stuck.name = "c1";
  stuck.stopped_reading = true;
  ClientRecord r;
  r.name = "c2";
  r.received = h.log;
  r.receipts = {{8, received_at_ns}};
  r.ended_ns = received_at_ns;
  h.clients = {stuck, r};
  return h;
}

TEST(SlowClient, HoldsWhenTheOthersReceiveWithinTheBound) {
  EXPECT_TRUE(check_slow_client(one_line(10 * ms)).holds);
}

TEST(SlowClient, FailsWhenAnotherClientReceivesPastTheBound) {
  Finding f = check_slow_client(one_line(1500 * ms));
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("client c2 received the line ending at byte 8"), std::string::npos)
      << f.detail;
}

TEST(SlowClient, FailsWhenAnotherClientWaitsPastTheBoundAndNeverReceives) {
  History h = one_line(0);
  h.log = "z: 1\na: 1234\n";
  h.events[0].offset = 5;
  h.clients[1].received = "z: 1\n";
  h.clients[1].receipts = {{5, 0}};
  h.clients[1].ended_ns = 2000 * ms;
  Finding f = check_slow_client(h);
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("never received"), std::string::npos) << f.detail;
}

TEST(SlowClient, HoldsVacuouslyWhenNobodyStopsReading) {
  History h = one_line(5000 * ms);
  h.clients[0].stopped_reading = false;
  EXPECT_TRUE(check_slow_client(h).holds);
}

}  // namespace
}  // namespace papaya::properties
