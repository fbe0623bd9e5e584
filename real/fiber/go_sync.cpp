// Go's sync objects and channels over Boost.Fiber (go_sync.hpp). Each function cites the Go 1.19
// source whose behaviour it keeps.
#include "real/fiber/go_sync.hpp"

#include <algorithm>
#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>

#include "real/fiber/scheduler.hpp"

namespace papaya::real::fiber {

namespace {

using FLock = std::unique_lock<boost::fibers::mutex>;

// A table of objects that only grows; ids start at 1 (0 is "none"). The std::mutex is held only
// for the lookup, never across a fiber switch.
template <class T>
class Table {
 public:
  std::uint32_t add() {
    std::lock_guard<std::mutex> g(m_);
    items_.push_back(std::make_unique<T>());
    return static_cast<std::uint32_t>(items_.size());
  }
  T& at(std::uint32_t id, const char* what) {
    std::lock_guard<std::mutex> g(m_);
    if (id == 0 || id > items_.size()) {
      std::fprintf(stderr, "papaya fiber runtime: unknown %s handle %u\n", what, id);
      std::abort();
    }
    return *items_[id - 1];
  }

 private:
  std::mutex m_;
  std::deque<std::unique_ptr<T>> items_;
};

// ---- sync.Mutex ------------------------------------------------------------------------------
struct Mu {
  boost::fibers::mutex m;
  boost::fibers::condition_variable cv;
  bool locked = false;
};
Table<Mu>& g_mutexes = *new Table<Mu>;  // never destroyed (see g_chan_mu)

void mu_lock(Mu& mu) {
  FLock lk(mu.m);
  mu.cv.wait(lk, [&] { return !mu.locked; });
  mu.locked = true;
}

// sync/mutex.go Unlock: "It is allowed for one goroutine to lock a Mutex and then arrange for
// another goroutine to unlock it"; unlocking an unlocked one: fatal("sync: unlock of unlocked
// mutex").
void mu_unlock(Mu& mu) {
  FLock lk(mu.m);
  if (!mu.locked) go_fatal("fatal error: sync: unlock of unlocked mutex");
  mu.locked = false;
  mu.cv.notify_one();
}

// ---- sync.RWMutex ----------------------------------------------------------------------------
struct RW {
  Mu w;  // sync/rwmutex.go: "held if there are pending writers"
  boost::fibers::mutex m;
  boost::fibers::condition_variable readers_cv;  // readerSem
  boost::fibers::condition_variable writer_cv;   // writerSem
  int active = 0;                                // readers holding the lock
  int blocked = 0;              // readers that arrived after a writer announced itself
  bool writer_pending = false;  // readerCount < 0: a writer announced (pending or holding)
  bool writer_holds = false;
  std::uint64_t release = 0;  // bumped by Unlock: the blocked readers it let in
};
Table<RW>& g_rwmutexes = *new Table<RW>;  // never destroyed (see g_chan_mu)

// ---- sync.Cond -------------------------------------------------------------------------------
struct CondWaiter {
  bool woken = false;
  boost::fibers::condition_variable cv;
};
struct Cnd {
  GoMutex l;
  boost::fibers::mutex m;
  std::deque<CondWaiter*> tickets;  // notifyList: oldest ticket first
};
Table<Cnd>& g_conds = *new Table<Cnd>;  // never destroyed (see g_chan_mu)

// ---- channels --------------------------------------------------------------------------------
// runtime/runtime2.go's sudog: a parked goroutine in a channel's queue (one per case for select).
struct Sudog {
  bool done = false;
  bool closed = false;  // woken by close (a sender then panics)
  int index = -1;       // which case completed
  GoReceived received;
  boost::fibers::condition_variable cv;
};
struct Waiting {
  Sudog* s;
  int index;
  std::int64_t value;  // what a parked sender sends
};
struct Chan {
  std::size_t cap = 0;
  std::deque<std::int64_t> buf;
  bool closed = false;
  std::deque<Waiting> recvq, sendq;
};
Table<Chan>& g_chans = *new Table<Chan>;  // never destroyed (see g_chan_mu)
// One lock for every channel (go_sync.hpp says why). The tables and this lock are never destroyed:
// goroutines of other threads may still use them while the process exits after main returns.
boost::fibers::mutex& g_chan_mu = *new boost::fibers::mutex;

// The first waiter of a queue still waiting (a select parked on two queues may have completed in
// the other one and not yet taken itself out).
std::optional<Waiting> pop_live(std::deque<Waiting>& q) {
  while (!q.empty()) {
    Waiting w = q.front();
    q.pop_front();
    if (!w.s->done) return w;
  }
  return std::nullopt;
}

void complete(const Waiting& w, GoReceived received, bool closed) {
  w.s->received = received;
  w.s->closed = closed;
  w.s->index = w.index;
  w.s->done = true;
  w.s->cv.notify_one();
}

// runtime/chan.go chansend, non-blocking part: "send on closed channel" panics; a waiting
// receiver gets the value directly (send -> recv handoff); else the buffer if it has room.
bool try_send(Chan& c, std::int64_t v) {
  if (c.closed) go_fatal("panic: send on closed channel");
  if (auto r = pop_live(c.recvq)) {
    complete(*r, GoReceived{v, true}, false);
    return true;
  }
  if (c.buf.size() < c.cap) {
    c.buf.push_back(v);
    return true;
  }
  return false;
}

// runtime/chan.go chanrecv, non-blocking part: the buffer first (refilled from a parked sender),
// then a parked sender (unbuffered handoff), then a closed channel's zero value with ok=false.
bool try_recv(Chan& c, GoReceived& out) {
  if (!c.buf.empty()) {
    out = GoReceived{c.buf.front(), true};
    c.buf.pop_front();
    if (auto s = pop_live(c.sendq)) {
      c.buf.push_back(s->value);
      complete(*s, {}, false);
    }
    return true;
  }
  if (auto s = pop_live(c.sendq)) {
    out = GoReceived{s->value, true};
    complete(*s, {}, false);
    return true;
  }
  if (c.closed) {
    out = GoReceived{0, false};
    return true;
  }
  return false;
}

// A nil channel: "receiving from or sending to a nil channel blocks forever" (Go spec).
[[noreturn]] void block_forever(FLock& lk) {
  boost::fibers::condition_variable never;
  for (;;) never.wait(lk);
}

void forget(std::deque<Waiting>& q, const Sudog* s) {
  q.erase(std::remove_if(q.begin(), q.end(), [&](const Waiting& w) { return w.s == s; }), q.end());
}

}  // namespace

[[noreturn]] void go_fatal(std::string_view line) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
  std::abort();
}

GoMutex new_mutex() { return GoMutex{g_mutexes.add()}; }
void lock(GoMutex m) {
  DoorbellsAfter ring;
  mu_lock(g_mutexes.at(m.id, "Mutex"));
}
void unlock(GoMutex m) {
  DoorbellsAfter ring;
  mu_unlock(g_mutexes.at(m.id, "Mutex"));
}
bool try_lock(GoMutex m) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  Mu& mu = g_mutexes.at(m.id, "Mutex");
  FLock lk(mu.m);
  if (mu.locked) return false;
  mu.locked = true;
  return true;
}

GoRWMutex new_rwmutex() { return GoRWMutex{g_rwmutexes.add()}; }

// sync/rwmutex.go RLock: "if rw.readerCount.Add(1) < 0 { // A writer is pending, wait for it."
void rlock(GoRWMutex h) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  RW& rw = g_rwmutexes.at(h.id, "RWMutex");
  FLock lk(rw.m);
  if (!rw.writer_pending) {
    ++rw.active;
    return;
  }
  ++rw.blocked;
  const std::uint64_t mine = rw.release;
  rw.readers_cv.wait(lk, [&] { return rw.release != mine; });  // Unlock counted us as active
}

// sync/rwmutex.go RUnlock / rUnlockSlow: fatal("sync: RUnlock of unlocked RWMutex"); the last
// reader departing wakes the pending writer.
void runlock(GoRWMutex h) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  RW& rw = g_rwmutexes.at(h.id, "RWMutex");
  FLock lk(rw.m);
  if (rw.active == 0) go_fatal("fatal error: sync: RUnlock of unlocked RWMutex");
  if (--rw.active == 0 && rw.writer_pending) rw.writer_cv.notify_one();
}

// sync/rwmutex.go Lock: "First, resolve competition with other writers" (rw.w.Lock()), then
// "Announce to readers there is a pending writer" and wait for the active readers to depart.
void lock(GoRWMutex h) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  RW& rw = g_rwmutexes.at(h.id, "RWMutex");
  mu_lock(rw.w);
  FLock lk(rw.m);
  rw.writer_pending = true;
  rw.writer_cv.wait(lk, [&] { return rw.active == 0; });
  rw.writer_holds = true;
}

// sync/rwmutex.go Unlock: "Announce to readers there is no active writer", "Unblock blocked
// readers, if any", then "Allow other writers to proceed"; fatal("sync: Unlock of unlocked
// RWMutex").
void unlock(GoRWMutex h) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  RW& rw = g_rwmutexes.at(h.id, "RWMutex");
  {
    FLock lk(rw.m);
    if (!rw.writer_holds) go_fatal("fatal error: sync: Unlock of unlocked RWMutex");
    rw.writer_holds = false;
    rw.writer_pending = false;
    rw.active += rw.blocked;
    rw.blocked = 0;
    ++rw.release;
    rw.readers_cv.notify_all();
  }
  mu_unlock(rw.w);
}

GoCond new_cond(GoMutex l) {
  GoCond c{g_conds.add()};
  g_conds.at(c.id, "Cond").l = l;
  return c;
}

// sync/cond.go Wait: "t := runtime_notifyListAdd(&c.notify); c.L.Unlock();
// runtime_notifyListWait(&c.notify, t); c.L.Lock()": the ticket is taken while L is held.
void wait(GoCond h) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  Cnd& c = g_conds.at(h.id, "Cond");
  CondWaiter me;
  {
    FLock lk(c.m);
    c.tickets.push_back(&me);
  }
  unlock(c.l);
  {
    FLock lk(c.m);
    me.cv.wait(lk, [&] { return me.woken; });
  }
  lock(c.l);
}

// runtime/sema.go notifyListNotifyOne: wakes the waiter with the oldest ticket.
void signal(GoCond h) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  Cnd& c = g_conds.at(h.id, "Cond");
  FLock lk(c.m);
  if (c.tickets.empty()) return;
  CondWaiter* w = c.tickets.front();
  c.tickets.pop_front();
  w->woken = true;
  w->cv.notify_one();
}

// runtime/sema.go notifyListNotifyAll: every waiter that has a ticket.
void broadcast(GoCond h) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  Cnd& c = g_conds.at(h.id, "Cond");
  FLock lk(c.m);
  for (CondWaiter* w : c.tickets) {
    w->woken = true;
    w->cv.notify_one();
  }
  c.tickets.clear();
}

GoChan new_chan(std::size_t capacity) {
  GoChan ch{g_chans.add()};
  g_chans.at(ch.id, "chan").cap = capacity;
  return ch;
}

void chan_send(GoChan h, std::int64_t v) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  FLock lk(g_chan_mu);
  if (h.id == 0) block_forever(lk);
  Chan& c = g_chans.at(h.id, "chan");
  if (try_send(c, v)) return;
  Sudog s;
  c.sendq.push_back(Waiting{&s, 0, v});
  s.cv.wait(lk, [&] { return s.done; });
  // runtime/chan.go chansend: a sender woken by close: panic(plainError("send on closed channel"))
  if (s.closed) go_fatal("panic: send on closed channel");
}

GoReceived chan_recv(GoChan h) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  FLock lk(g_chan_mu);
  if (h.id == 0) block_forever(lk);
  Chan& c = g_chans.at(h.id, "chan");
  GoReceived out;
  if (try_recv(c, out)) return out;
  Sudog s;
  c.recvq.push_back(Waiting{&s, 0, 0});
  s.cv.wait(lk, [&] { return s.done; });
  return s.received;
}

// runtime/chan.go closechan: "close of nil channel", "close of closed channel"; then every
// parked receiver gets the zero value with ok=false and every parked sender panics.
void chan_close(GoChan h) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  if (h.id == 0) go_fatal("panic: close of nil channel");
  FLock lk(g_chan_mu);
  Chan& c = g_chans.at(h.id, "chan");
  if (c.closed) go_fatal("panic: close of closed channel");
  c.closed = true;
  while (auto r = pop_live(c.recvq)) complete(*r, GoReceived{0, false}, false);
  while (auto s = pop_live(c.sendq)) complete(*s, {}, true);
}

// runtime/select.go selectgo: "generate permuted order" of the cases, poll them in that order
// and take the first ready; none ready: the default case if there is one, else enqueue on every
// case's channel, park, and on wake dequeue from the others.
GoSelected select(std::span<const GoCase> cases, bool with_default) {
  DoorbellsAfter ring;  // after every lock below is released (scheduler.hpp)
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::vector<int> order(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) order[i] = static_cast<int>(i);
  std::shuffle(order.begin(), order.end(), rng);
  FLock lk(g_chan_mu);
  for (int i : order) {
    const GoCase& k = cases[static_cast<std::size_t>(i)];
    if (k.ch.id == 0) continue;  // a nil channel's case is never ready
    Chan& c = g_chans.at(k.ch.id, "chan");
    if (k.dir == GoCase::Dir::send) {
      if (try_send(c, k.value)) return GoSelected{i, {}};
    } else {
      GoReceived out;
      if (try_recv(c, out)) return GoSelected{i, out};
    }
  }
  if (with_default) return GoSelected{};
  Sudog s;
  bool any = false;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const GoCase& k = cases[i];
    if (k.ch.id == 0) continue;
    any = true;
    Chan& c = g_chans.at(k.ch.id, "chan");
    auto& q = k.dir == GoCase::Dir::send ? c.sendq : c.recvq;
    q.push_back(Waiting{&s, static_cast<int>(i), k.value});
  }
  if (!any) block_forever(lk);
  s.cv.wait(lk, [&] { return s.done; });
  for (const GoCase& k : cases) {
    if (k.ch.id == 0) continue;
    Chan& c = g_chans.at(k.ch.id, "chan");
    forget(c.sendq, &s);
    forget(c.recvq, &s);
  }
  if (s.closed) go_fatal("panic: send on closed channel");
  return GoSelected{s.index, s.received};
}

}  // namespace papaya::real::fiber
