// unlimited-readers on a goroutine program's sync.RWMutex, end to end: a small Go program on the
// simulator (a writer goroutine appending under Lock, reader goroutines reading under RLock), its
// History read off the trace (check/log_events.cpp: an RLock or Lock that parked is a lock_blocked
// event), and the checker. Readers that share the RWMutex only ever wait behind a writer (holding
// or waiting: Go's writer preference, which the checker excuses and counts); readers that use Lock
// for reads (a Mutex in all but name) wait for each other, and that is caught.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "check/log_events.hpp"
#include "properties/checkers.hpp"
#include "sim/simulation.hpp"

namespace papaya::properties {
namespace {

constexpr std::string_view readers_log = "/log";

// The program: one writer appends 4 lines, each under Lock; 3 readers read the log 4 times each,
// under RLock (or, `exclusive_reads`, under Lock). Both yield inside their hold, so others come
// to the lock while it is held.
void rwmutex_readers_program(Os& os, bool exclusive_reads) {
  const Result<Fd> opened = os.open(std::string(readers_log),
                                    OpenFlags::rdwr | OpenFlags::creat | OpenFlags::append, 0644);
  if (!opened) return;
  const Fd fd = *opened;
  const GoRWMutex rw = os.new_rwmutex();
  const GoChan done = os.new_chan(4);
  os.go([fd, rw, done](Os& g) {
    for (int i = 0; i < 4; ++i) {
      g.lock(rw);
      (void)g.write(fd, "line " + std::to_string(i) + "\n");
      g.gosched();
      g.unlock(rw);
      g.gosched();
    }
    g.chan_send(done, 1);
  });
  for (int r = 0; r < 3; ++r) {
    os.go([fd, rw, done, exclusive_reads](Os& g) {
      std::string buf(64, '\0');
      for (int i = 0; i < 4; ++i) {
        if (exclusive_reads)
          g.lock(rw);
        else
          g.rlock(rw);
        (void)g.pread(fd, std::span<char>(buf.data(), buf.size()), 0);
        g.gosched();
        if (exclusive_reads)
          g.unlock(rw);
        else
          g.runlock(rw);
      }
      g.chan_send(done, 1);
    });
  }
  for (int i = 0; i < 4; ++i) (void)os.chan_recv(done);
  (void)os.close(fd);
}

History rwmutex_readers_history(std::uint64_t seed, bool exclusive_reads) {
  sim::Options o;
  o.seed = seed;
  sim::Simulation sim(o);
  const sim::RunReport r =
      sim.run([exclusive_reads](Os& os) { rwmutex_readers_program(os, exclusive_reads); });
  EXPECT_EQ(r.verdict, Verdict::ok) << "seed " << seed << ": " << r.detail;
  History h;
  h.log = sim.file_contents(readers_log).value_or("");
  h.events = log_events(sim.trace(), readers_log);
  return h;
}

int count_kind(const History& h, LogEvent::Kind k, LockMode m) {
  int n = 0;
  for (const LogEvent& e : h.events) n += e.kind == k && e.mode == m && e.go_rwmutex;
  return n;
}

TEST(GoReaders, ParkedRLocksAreBlockedLockEventsOfTheRWMutex) {
  int blocked_rlocks = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const History h = rwmutex_readers_history(seed, /*exclusive_reads=*/false);
    EXPECT_EQ(h.log, "line 0\nline 1\nline 2\nline 3\n");
    EXPECT_EQ(count_kind(h, LogEvent::Kind::lock_acquired, LockMode::sh), 12) << "seed " << seed;
    EXPECT_EQ(count_kind(h, LogEvent::Kind::lock_acquired, LockMode::ex), 4) << "seed " << seed;
    blocked_rlocks += count_kind(h, LogEvent::Kind::lock_blocked, LockMode::sh);
  }
  EXPECT_GT(blocked_rlocks, 0) << "no RLock ever parked in 10 seeds";
}

TEST(GoReaders, ReadersSharingTheRWMutexHoldAndEveryWaitBehindAWaitingWriterIsCounted) {
  int excused = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const History h = rwmutex_readers_history(seed, /*exclusive_reads=*/false);
    const Finding f = check_unlimited_readers(h);
    EXPECT_TRUE(f.holds) << "seed " << seed << ": " << f.detail;
    const std::vector<std::string> why = excused_reader_waits(h);
    for (const std::string& w : why)
      EXPECT_NE(w.find("was waiting for it since step"), std::string::npos) << w;
    if (!why.empty()) {
      EXPECT_NE(f.detail.find("excused by Go's writer preference"), std::string::npos) << f.detail;
    }
    excused += static_cast<int>(why.size());
  }
  EXPECT_GT(excused, 0) << "no reader ever waited behind a waiting writer in 10 seeds";
}

TEST(GoReaders, ReadersThatUseLockForReadsAreCaughtWaitingForEachOther) {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const Finding f =
        check_unlimited_readers(rwmutex_readers_history(seed, /*exclusive_reads=*/true));
    if (f.holds) continue;
    ++caught;
    EXPECT_NE(f.detail.find("had to wait for the log while only readers held it"),
              std::string::npos)
        << f.detail;
  }
  EXPECT_GE(caught, 5) << "caught in only " << caught << " of 10 seeds";
}

}  // namespace
}  // namespace papaya::properties
