// sync.Mutex and sync.RWMutex (Go 1.19.8 sync/mutex.go, sync/rwmutex.go) over the runtime's
// semaphores (runtime/sema.go). Each CAS loop iteration of lockSlow is one atomic step here;
// active spinning (runtime_canSpin) is not modelled: it only delays, and a spinner's mutexWoken
// hint is left out (docs/goroutines.md).
#include "model/go/runtime.hpp"

namespace papaya::model::go {

namespace {
constexpr Duration starvation_threshold{1'000'000};  // mutex.go: "starvationThresholdNs = 1e6"
}

// runtime/sema.go semacquire1: "// Easy case. if cansemacquire(addr) { return }" ... "root.queue(
// addr, s, lifo)" ... "goparkunlock(&root.lock, waitReasonSemacquire, ...)"; sema.go queue: "if
// lifo { // Substitute s in t's place in treap." -- a waiter that waited before goes first.
// Returns whether the goroutine parked.
bool Runtime::semacquire(Sema& s, G& gp, P& pp, bool lifo) {
  if (s.count > 0) {
    --s.count;
    return false;
  }
  if (lifo)
    s.waiters.push_front(gp.id);
  else
    s.waiters.push_back(gp.id);
  park(gp, pp, WaitReason::semacquire);
  return true;
}

// runtime/sema.go semrelease1: "atomic.Xadd(addr, 1)" ... "s, t0 := root.dequeue(addr)" ... "if
// handoff && cansemacquire(addr) { s.ticket = 1 }; readyWithTime(s, 5+skipframes)" (goready:
// runnext) "if s.ticket == 1 && getg().m.locks == 0 { // Direct G handoff" ... "goyield()". The
// woken waiter takes the count here (the model has no window between wakeup and cansemacquire).
void Runtime::semrelease(Sema& s, P& pp, bool handoff, G* releaser) {
  ++s.count;
  if (s.waiters.empty()) return;
  Gid w = s.waiters.front();
  s.waiters.pop_front();
  --s.count;
  ready(w, &pp, true);
  if (handoff && releaser != nullptr) goyield(*releaser, pp);
}

// sync/mutex.go Lock: "// Fast path: grab unlocked mutex. if atomic.CompareAndSwapInt32(&m.state,
// 0, mutexLocked) { ... return }" "m.lockSlow()".
GoOutcome Runtime::lock(G& gp, P& pp, ObjId m) {
  PAPAYA_ASSERT(m > 0 && m < mutexes_.size(), "Lock of no such Mutex");
  Mutex& mu = mutexes_[m];
  if (gp.lock_phase == 1) return lock_slow_woken(gp, pp, mu);
  if (!mu.locked && !mu.woken && !mu.starving && mu.waiters == 0) {
    mu.locked = true;
    return {GoStatus::done};
  }
  gp.wait_start.reset();
  gp.starving = false;
  gp.awoke = false;
  return lock_slow(gp, pp, mu);
}

// sync/mutex.go lockSlow, one iteration: "// Don't try to acquire starving mutex, new arriving
// goroutines must queue. if old&mutexStarving == 0 { new |= mutexLocked }; if
// old&(mutexLocked|mutexStarving) != 0 { new += 1 << mutexWaiterShift }" ... "if starving &&
// old&mutexLocked != 0 { new |= mutexStarving }" "if awoke { ... new &^= mutexWoken }" ... "if
// old&(mutexLocked|mutexStarving) == 0 { break // locked the mutex with CAS }" "// If we were
// already waiting before, queue at the front of the queue. queueLifo := waitStartTime != 0" ...
// "runtime_SemacquireMutex(&m.sema, queueLifo, 1)". In normal mode a running goroutine may take
// the mutex before a woken waiter runs (barging): which one steps first is the scheduler's choice.
GoOutcome Runtime::lock_slow(G& gp, P& pp, Mutex& mu) {
  const Mutex old = mu;
  if (!old.starving) mu.locked = true;
  if (old.locked || old.starving) ++mu.waiters;
  if (gp.starving && old.locked) mu.starving = true;
  if (gp.awoke) {
    PAPAYA_ASSERT(mu.woken, "sync: inconsistent mutex state");
    mu.woken = false;
  }
  if (!old.locked && !old.starving) {
    gp.lock_phase = 0;
    return {GoStatus::done};
  }
  const bool lifo = gp.wait_start.has_value();
  if (!gp.wait_start) gp.wait_start = now_;
  gp.lock_phase = 1;
  if (semacquire(mu.sema, gp, pp, lifo)) return {GoStatus::parked};
  return lock_slow_woken(gp, pp, mu);
}

// sync/mutex.go lockSlow after the semaphore: "starving = starving ||
// runtime_nanotime()-waitStartTime > starvationThresholdNs" ... "if old&mutexStarving != 0 { //
// If this goroutine was woken and mutex is in starvation mode, ownership was handed off to us"
// ... "delta := int32(mutexLocked - 1<<mutexWaiterShift); if !starving ||
// old>>mutexWaiterShift == 1 { // Exit starvation mode." ... "awoke = true; iter = 0" (and loop).
GoOutcome Runtime::lock_slow_woken(G& gp, P& pp, Mutex& mu) {
  gp.starving = gp.starving || now_ - *gp.wait_start > starvation_threshold;
  if (mu.starving) {
    PAPAYA_ASSERT(!mu.locked && !mu.woken && mu.waiters > 0, "sync: inconsistent mutex state");
    mu.locked = true;
    if (!gp.starving || mu.waiters == 1) mu.starving = false;
    --mu.waiters;
    gp.lock_phase = 0;
    return {GoStatus::done};
  }
  gp.awoke = true;
  return lock_slow(gp, pp, mu);
}

// sync/mutex.go TryLock: "if old&(mutexLocked|mutexStarving) != 0 { return false }" ... "if
// !atomic.CompareAndSwapInt32(&m.state, old, old|mutexLocked) { return false }" -- it may take
// the mutex ahead of parked waiters.
GoOutcome Runtime::trylock(ObjId m) {
  PAPAYA_ASSERT(m > 0 && m < mutexes_.size(), "TryLock of no such Mutex");
  Mutex& mu = mutexes_[m];
  if (mu.locked || mu.starving) return {GoStatus::done, 0};
  mu.locked = true;
  return {GoStatus::done, 1};
}

// sync/mutex.go unlockSlow: "if (new+mutexLocked)&mutexLocked == 0 { fatal("sync: unlock of
// unlocked mutex") }" "if new&mutexStarving == 0 { ... if old>>mutexWaiterShift == 0 ||
// old&(mutexLocked|mutexWoken|mutexStarving) != 0 { return } // Grab the right to wake someone.
// new = (old - 1<<mutexWaiterShift) | mutexWoken" ... "runtime_Semrelease(&m.sema, false, 1)" "}
// else { // Starving mode: handoff mutex ownership to the next waiter, and yield our time slice
// so that the next waiter can start to run immediately." "runtime_Semrelease(&m.sema, true, 1)".
GoOutcome Runtime::unlock(G& gp, P& pp, ObjId m) {
  PAPAYA_ASSERT(m > 0 && m < mutexes_.size(), "Unlock of no such Mutex");
  Mutex& mu = mutexes_[m];
  if (!mu.locked) {
    end(Ending::fatal, "fatal error: sync: unlock of unlocked mutex");
    return {GoStatus::ended};
  }
  mu.locked = false;
  if (!mu.starving) {
    if (mu.waiters == 0 || mu.woken) return {GoStatus::done};
    --mu.waiters;
    mu.woken = true;
    semrelease(mu.sema, pp, false, nullptr);
    return {GoStatus::done};
  }
  gp.pending.reset();
  semrelease(mu.sema, pp, true, &gp);
  return {GoStatus::done};
}

// sync/rwmutex.go RLock: "if atomic.AddInt32(&rw.readerCount, 1) < 0 { // A writer is pending,
// wait for it. runtime_SemacquireMutex(&rw.readerSem, false, 0) }". A reader arriving while a
// writer waits blocks, even if it already holds a read lock: "a blocked Lock call excludes new
// readers from acquiring the lock" (so a recursive RLock with a writer between deadlocks).
GoOutcome Runtime::rlock(G& gp, P& pp, ObjId id) {
  PAPAYA_ASSERT(id > 0 && id < rwmutexes_.size(), "RLock of no such RWMutex");
  RWMutex& rw = rwmutexes_[id];
  if (gp.phase == 1) return {GoStatus::done};
  if (++rw.reader_count < 0) {
    gp.phase = 1;
    if (semacquire(rw.reader_sem, gp, pp, false)) return {GoStatus::parked};
  }
  return {GoStatus::done};
}

// sync/rwmutex.go RUnlock: "if r := atomic.AddInt32(&rw.readerCount, -1); r < 0 { // Outlined
// slow-path" rUnlockSlow: "if r+1 == 0 || r+1 == -rwmutexMaxReaders { ... fatal("sync: RUnlock
// of unlocked RWMutex") }" "// A writer is pending. if atomic.AddInt32(&rw.readerWait, -1) == 0 {
// // The last reader unblocks the writer. runtime_Semrelease(&rw.writerSem, false, 1) }".
GoOutcome Runtime::runlock(G&, P& pp, ObjId id) {
  PAPAYA_ASSERT(id > 0 && id < rwmutexes_.size(), "RUnlock of no such RWMutex");
  RWMutex& rw = rwmutexes_[id];
  const std::int32_t r = --rw.reader_count;
  if (r < 0) {
    if (r + 1 == 0 || r + 1 == -rwmutex_max_readers) {
      end(Ending::fatal, "fatal error: sync: RUnlock of unlocked RWMutex");
      return {GoStatus::ended};
    }
    if (--rw.reader_wait == 0) semrelease(rw.writer_sem, pp, false, nullptr);
  }
  return {GoStatus::done};
}

// sync/rwmutex.go Lock: "// First, resolve competition with other writers. rw.w.Lock()" "//
// Announce to readers there is a pending writer. r := atomic.AddInt32(&rw.readerCount,
// -rwmutexMaxReaders) + rwmutexMaxReaders" "// Wait for active readers. if r != 0 &&
// atomic.AddInt32(&rw.readerWait, r) != 0 { runtime_SemacquireMutex(&rw.writerSem, false, 0) }".
GoOutcome Runtime::wlock(G& gp, P& pp, ObjId id) {
  PAPAYA_ASSERT(id > 0 && id < rwmutexes_.size(), "Lock of no such RWMutex");
  if (gp.phase == 1) return {GoStatus::done};
  GoOutcome o = lock(gp, pp, rwmutexes_[id].w);
  if (o.status != GoStatus::done) return o;
  RWMutex& rw = rwmutexes_[id];
  const std::int32_t r = rw.reader_count;
  rw.reader_count -= rwmutex_max_readers;
  if (r != 0 && (rw.reader_wait += r) != 0) {
    gp.phase = 1;
    if (semacquire(rw.writer_sem, gp, pp, false)) return {GoStatus::parked};
  }
  return {GoStatus::done};
}

// sync/rwmutex.go Unlock: "// Announce to readers there is no active writer. r :=
// atomic.AddInt32(&rw.readerCount, rwmutexMaxReaders); if r >= rwmutexMaxReaders { ...
// fatal("sync: Unlock of unlocked RWMutex") }" "// Unblock blocked readers, if any. for i := 0;
// i < int(r); i++ { runtime_Semrelease(&rw.readerSem, false, 0) }" "// Allow other writers to
// proceed. rw.w.Unlock()".
GoOutcome Runtime::wunlock(G& gp, P& pp, ObjId id) {
  PAPAYA_ASSERT(id > 0 && id < rwmutexes_.size(), "Unlock of no such RWMutex");
  RWMutex& rw = rwmutexes_[id];
  const std::int32_t r = rw.reader_count += rwmutex_max_readers;
  if (r >= rwmutex_max_readers) {
    end(Ending::fatal, "fatal error: sync: Unlock of unlocked RWMutex");
    return {GoStatus::ended};
  }
  for (std::int32_t i = 0; i < r; ++i) semrelease(rw.reader_sem, pp, false, nullptr);
  return unlock(gp, pp, rw.w);
}

}  // namespace papaya::model::go
