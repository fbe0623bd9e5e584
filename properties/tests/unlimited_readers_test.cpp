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

// Go's sync.RWMutex (events of goroutine g of process 2, go_rwmutex set): its writer preference,
// "a blocked Lock call excludes new readers from acquiring the lock" (sync/rwmutex.go, go1.19).
LogEvent on_rwmutex(LogEvent e, GoroutineId g) {
  e = by_goroutine(e, g);
  e.go_rwmutex = true;
  return e;
}

// Reader g5 holds; writer g2 waits in Lock; reader g7's RLock waits behind the writer, not behind
// g5; the writer gets in once g5 leaves, then g7.
std::vector<LogEvent> reader_behind_waiting_writer(bool go_rwmutex, bool writer_writes) {
  std::vector<LogEvent> ev = {acquired(1, 2, LockMode::sh),   // g5 RLock
                              blocked(2, 2, LockMode::ex),    // g2 Lock parks
                              blocked(3, 2, LockMode::sh),    // g7 RLock parks
                              read(4, 2, 0, 2, 4096),         // g5 reads
                              released(5, 2),                 // g5 RUnlock
                              acquired(6, 2, LockMode::ex),   // g2 gets Lock
                              write_begin(7, 2, 2, 2),        // g2 appends
                              write_end(8, 2),                // (or only reads)
                              released(9, 2),                 // g2 Unlock
                              acquired(10, 2, LockMode::sh),  // g7 gets RLock
                              read(11, 2, 0, 4, 4096),        // g7 reads
                              released(12, 2)};               // g7 RUnlock
  const GoroutineId who[] = {5, 2, 7, 5, 5, 2, 2, 2, 2, 7, 7, 7};
  for (std::size_t i = 0; i < ev.size(); ++i)
    ev[i] = go_rwmutex ? on_rwmutex(ev[i], who[i]) : by_goroutine(ev[i], who[i]);
  if (!writer_writes) {  // g2 took Lock only to read
    ev[6] = by_goroutine(read(7, 2, 0, 2, 4096), 2);
    ev.erase(ev.begin() + 7);
  }
  return ev;
}

TEST(UnlimitedReaders, AnRLockBehindAWaitingWriterIsExcusedAndSaidSo) {
  History h;
  h.log = "a\nb\n";
  h.events = reader_behind_waiting_writer(/*go_rwmutex=*/true, /*writer_writes=*/true);
  const Finding f = check_unlimited_readers(h);
  EXPECT_TRUE(f.holds) << f.detail;
  const std::vector<std::string> excused = excused_reader_waits(h);
  ASSERT_EQ(excused.size(), 1u);
  EXPECT_NE(excused[0].find("reader process 2 goroutine 7 waited at step 3"), std::string::npos)
      << excused[0];
  EXPECT_NE(excused[0].find("writer process 2 goroutine 2 was waiting for it since step 2"),
            std::string::npos)
      << excused[0];
  EXPECT_NE(f.detail.find("1 reader wait(s) excused by Go's writer preference"), std::string::npos)
      << f.detail;
}

TEST(UnlimitedReaders, FlockGetsNoWriterPreferenceExcuse) {
  // Linux grants a LOCK_SH while a LOCK_EX waits (fs/locks.c): a reader that waited there waited
  // for the readers.
  History h;
  h.log = "a\nb\n";
  h.events = reader_behind_waiting_writer(/*go_rwmutex=*/false, /*writer_writes=*/true);
  const Finding f = check_unlimited_readers(h);
  EXPECT_FALSE(f.holds);
  EXPECT_EQ(f.step, 3u);
  EXPECT_TRUE(excused_reader_waits(h).empty());
}

TEST(UnlimitedReaders, AGoroutineWaitingInLockOnlyToReadExcusesNobody) {
  // Readers that use Lock (a Mutex for reads) exclude each other: the one waiting in Lock is a
  // reader by behaviour, so the reader behind it waited for readers.
  History h;
  h.log = "a\n";
  h.events = reader_behind_waiting_writer(/*go_rwmutex=*/true, /*writer_writes=*/false);
  const Finding f = check_unlimited_readers(h);
  EXPECT_FALSE(f.holds);
  EXPECT_NE(f.detail.find("only readers held it"), std::string::npos) << f.detail;
}

TEST(UnlimitedReaders, AnRLockThatWaitsWithNoWriterWaitingFails) {
  History h;
  h.log = "a\n";
  h.events = {
      on_rwmutex(acquired(1, 2, LockMode::sh), 5), on_rwmutex(blocked(2, 2, LockMode::sh), 7),
      on_rwmutex(read(3, 2, 0, 2, 4096), 5),       on_rwmutex(released(4, 2), 5),
      on_rwmutex(acquired(5, 2, LockMode::sh), 7), on_rwmutex(released(6, 2), 7)};
  const Finding f = check_unlimited_readers(h);
  EXPECT_FALSE(f.holds);
  EXPECT_EQ(f.step, 2u);
  EXPECT_NE(f.detail.find("reader process 2 goroutine 7 had to wait"), std::string::npos)
      << f.detail;
}

TEST(UnlimitedReaders, AWriterThatWaitedOnlyAfterTheReaderExcusesNothing) {
  // The writer's Lock parks after the reader's RLock did: the reader did not wait for it.
  History h;
  h.log = "a\nb\n";
  std::vector<LogEvent> ev = reader_behind_waiting_writer(true, true);
  std::swap(ev[1], ev[2]);
  ev[1].step = 2;
  ev[2].step = 3;
  h.events = ev;
  EXPECT_FALSE(check_unlimited_readers(h).holds);
}

TEST(UnlimitedReaders, AWriterThatNeverGetsTheLockStillExcusesTheReaderBehindIt) {
  // go-recursive-rlock's shape: g5 holds RLock, writer g2 waits in Lock and never gets it (the run
  // ends: no-deadlock's finding), reader g7's RLock waited behind g2 before it got in.
  History h;
  h.log = "a\n";
  h.events = {
      on_rwmutex(acquired(1, 2, LockMode::sh), 5), on_rwmutex(blocked(2, 2, LockMode::ex), 2),
      on_rwmutex(blocked(3, 2, LockMode::sh), 7),  on_rwmutex(acquired(4, 2, LockMode::sh), 7),
      on_rwmutex(read(5, 2, 0, 2, 4096), 7),       on_rwmutex(released(6, 2), 7)};
  const Finding f = check_unlimited_readers(h);
  EXPECT_TRUE(f.holds) << f.detail;
  EXPECT_EQ(excused_reader_waits(h).size(), 1u);
}

}  // namespace
}  // namespace papaya::properties
