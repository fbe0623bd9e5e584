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

// Holds are the actor's: two goroutines of one process reading under RLock are two readers, so
// one waiting for the other is caught, and a goroutine that writes is the writer, not its process.
TEST(UnlimitedReaders, FailsWhenAGoroutineWaitsForAnotherReaderGoroutineOfItsProcess) {
  History h;
  h.log = "a\n";
  h.events = {by_goroutine(acquired(1, 2, LockMode::ex), 4),
              by_goroutine(blocked(2, 2, LockMode::ex), 5),
              by_goroutine(read(3, 2, 0, 2, 4096), 4),
              by_goroutine(released(4, 2), 4),
              by_goroutine(acquired(5, 2, LockMode::ex), 5),
              by_goroutine(read(6, 2, 0, 2, 4096), 5),
              by_goroutine(released(7, 2), 5)};
  Finding f = check_unlimited_readers(h);
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("reader process 2 goroutine 5 had to wait"), std::string::npos)
      << f.detail;
  EXPECT_NE(f.detail.find("(process 2 goroutine 4)"), std::string::npos) << f.detail;
}

TEST(UnlimitedReaders, HoldsWhenAReaderGoroutineWaitsForTheWriterGoroutineOfItsProcess) {
  History h;
  h.log = "a\n";
  h.events = {by_goroutine(acquired(1, 2, LockMode::ex), 3),
              by_goroutine(blocked(2, 2, LockMode::sh), 5),
              by_goroutine(write_begin(3, 2, 0, 2), 3),
              by_goroutine(write_end(4, 2), 3),
              by_goroutine(released(5, 2), 3),
              by_goroutine(acquired(6, 2, LockMode::sh), 5),
              by_goroutine(read(7, 2, 0, 2, 4096), 5),
              by_goroutine(released(8, 2), 5)};
  EXPECT_TRUE(check_unlimited_readers(h).holds);
}

}  // namespace
}  // namespace papaya::properties
