#include <gtest/gtest.h>

#include "builders.hpp"
#include "properties/checkers.hpp"

namespace papaya::properties {
namespace {
using namespace testing;

TEST(UnlimitedReaders, HoldsWhenAReaderWaitsOnlyForAWriter) {
  History h;
  h.log = "a\n";
  h.events = {acquired(1, 10, LockMode::ex),
              blocked(2, 20, LockMode::sh),
              write_begin(3, 10, 0, 2),
              write_end(4, 10),
              released(5, 10),
              acquired(6, 20, LockMode::sh),
              read(7, 20, 0, 2, 4096),
              released(8, 20)};
  EXPECT_TRUE(check_unlimited_readers(h).holds);
}

TEST(UnlimitedReaders, FailsWhenAReaderWaitsForAnotherReader) {
  // Readers that take LOCK_EX serialise one another.
  History h;
  h.log = "a\n";
  h.events = {acquired(1, 20, LockMode::ex),
              blocked(2, 21, LockMode::ex),
              read(3, 20, 0, 2, 4096),
              released(4, 20),
              acquired(5, 21, LockMode::ex),
              read(6, 21, 0, 2, 4096),
              released(7, 21)};
  Finding f = check_unlimited_readers(h);
  EXPECT_FALSE(f.holds);
  EXPECT_EQ(f.step, 2u);
  EXPECT_NE(f.detail.find("only readers"), std::string::npos) << f.detail;
}

TEST(UnlimitedReaders, AWriterMayWaitForReaders) {
  History h;
  h.log = "a\n";
  h.events = {acquired(1, 20, LockMode::sh),
              blocked(2, 10, LockMode::ex),
              released(3, 20),
              acquired(4, 10, LockMode::ex),
              write_begin(5, 10, 0, 2),
              write_end(6, 10),
              released(7, 10)};
  EXPECT_TRUE(check_unlimited_readers(h).holds);
}

TEST(UnlimitedReaders, CountsTheMostSimultaneousReaders) {
  History h;
  h.events = {acquired(1, 20, LockMode::sh),
              acquired(2, 21, LockMode::sh),
              acquired(3, 22, LockMode::sh),
              released(4, 20),
              released(5, 21),
              released(6, 22),
              acquired(7, 23, LockMode::sh)};
  EXPECT_EQ(max_simultaneous_readers(h), 3);
}

}  // namespace
}  // namespace papaya::properties
