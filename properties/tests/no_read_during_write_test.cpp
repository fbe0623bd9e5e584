#include <gtest/gtest.h>

#include "builders.hpp"
#include "properties/checkers.hpp"

namespace papaya::properties {
namespace {
using namespace testing;

TEST(NoReadDuringWrite, HoldsForLockedAppendsAndReadsBetweenThem) {
  History h;
  h.log = "aaaa\nbb\n";
  h.events = {acquired(1, 10, LockMode::ex),
              write_begin(2, 10, 0, 5),
              write_end(3, 10),
              released(4, 10),
              acquired(5, 20, LockMode::sh),
              acquired(6, 21, LockMode::sh),
              read(7, 20, 0, 5, 4096),
              released(8, 20),
              read(9, 21, 0, 5, 4096),
              released(10, 21)};
  EXPECT_TRUE(check_no_read_during_write(h).holds);
}

TEST(NoReadDuringWrite, FailsWhenASharedHolderCoexistsWithAnExclusiveOne) {
  // shared-ofd: the reader's LOCK_SH on the shared description converts the writer's LOCK_EX.
  History h;
  h.log = "aaaa\n";
  h.events = {acquired(1, 10, LockMode::ex), acquired(2, 20, LockMode::sh)};
  Finding f = check_no_read_during_write(h);
  EXPECT_FALSE(f.holds);
  EXPECT_EQ(f.step, 2u);
  EXPECT_NE(f.detail.find("LOCK_SH"), std::string::npos) << f.detail;
}

TEST(NoReadDuringWrite, FailsWhenAReadLandsInsideAMultiPageWrite) {
  History h;
  h.log = std::string(5000, 'a') + "\n";
  h.events = {write_begin(1, 10, 0, 5001), read(2, 20, 0, 4096, 65536), write_end(3, 10)};
  Finding f = check_no_read_during_write(h);
  EXPECT_FALSE(f.holds);
  EXPECT_EQ(f.step, 2u);
  EXPECT_NE(f.detail.find("was writing"), std::string::npos) << f.detail;
}

TEST(NoReadDuringWrite, FailsWhenAReadReachingTheEndStopsMidLine) {
  History h;
  h.log = "aaaa\nbbbb\n";
  h.events = {read(1, 20, 0, 7, 4096)};
  EXPECT_FALSE(check_no_read_during_write(h).holds);
}

TEST(NoReadDuringWrite, AReadAtAnOffsetPastTheEndShowsNothingHalfDone) {
  // A garbage shared offset (shared-offset) can point past the end: delivery catches that.
  History h;
  h.log = "aaaa\nbbbb\n";
  LogEvent past = read(1, 20, 7, 0, 4096);
  past.log_size = 5;
  h.events = {past};
  EXPECT_TRUE(check_no_read_during_write(h).holds);
}

TEST(NoReadDuringWrite, AFullBufferReadMayStopMidLine) {
  // A reader whose buffer filled up did not reach the end: it saw nothing half written.
  History h;
  h.log = "aaaa\nbbbb\n";
  h.events = {read(1, 20, 0, 7, 7)};
  EXPECT_TRUE(check_no_read_during_write(h).holds);
}

}  // namespace
}  // namespace papaya::properties
