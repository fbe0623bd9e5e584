// sync.Cond (Go 1.19.8 sync/cond.go) over the runtime's notifyList (runtime/sema.go): tickets
// taken before the lock is dropped, FIFO Signal by ticket, Broadcast of every waiter, and no
// spurious wakeups (a waiter wakes only when its ticket is notified).
#include <algorithm>

#include "model/go/runtime.hpp"

namespace papaya::model::go {

namespace {
// runtime/sema.go less: "return int32(a-b) < 0" (tickets wrap).
bool less(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
}  // namespace

// sync/cond.go Wait: "t := runtime_notifyListAdd(&c.notify); c.L.Unlock();
// runtime_notifyListWait(&c.notify, t); c.L.Lock()" -- three steps here (another goroutine may
// Signal between the Unlock and the wait: the ticket makes that wakeup count). notifyListAdd:
// "return atomic.Xadd(&l.wait, 1) - 1"; notifyListWait: "// Return right away if this ticket has
// already been notified. if less(t, l.notify) { ... return }" ... "// Enqueue itself." ...
// "goparkunlock(&l.lock, waitReasonSyncCondWait, ...)".
GoOutcome Runtime::cond_wait(G& gp, P& pp, ObjId id) {
  PAPAYA_ASSERT(id > 0 && id < conds_.size(), "Wait on no such Cond");
  Cond& c = conds_[id];
  if (gp.phase == 0) {
    gp.ticket = c.wait++;
    GoOutcome o = unlock(gp, pp, c.mutex);
    if (o.status == GoStatus::ended) return o;
    gp.phase = 1;
    return {GoStatus::progress};
  }
  if (gp.phase == 1) {
    gp.phase = 2;
    if (!less(gp.ticket, c.notify)) {
      c.list.emplace_back(gp.id, gp.ticket);
      park(gp, pp, WaitReason::cond_wait);
      return {GoStatus::parked};
    }
  }
  return lock(gp, pp, c.mutex);
}

// runtime/sema.go notifyListNotifyOne: "if atomic.Load(&l.wait) == atomic.Load(&l.notify) {
// return }" ... "t := l.notify" "atomic.Store(&l.notify, t+1)" "// Try to find the g that needs
// to be notified. // If it hasn't made it to the list yet we won't find it, // but it won't park
// itself once it sees the new notify number." ... "if s.ticket == t {" ... "readyWithTime(s, 4)"
// (goready: runnext). Tickets are taken in Wait order, so Signal wakes waiters in FIFO order.
GoOutcome Runtime::cond_signal(P& pp, ObjId id) {
  PAPAYA_ASSERT(id > 0 && id < conds_.size(), "Signal on no such Cond");
  Cond& c = conds_[id];
  if (c.wait == c.notify) return {GoStatus::done};
  const std::uint32_t t = c.notify++;
  auto it = std::find_if(c.list.begin(), c.list.end(), [t](auto& w) { return w.second == t; });
  if (it != c.list.end()) {
    Gid g = it->first;
    c.list.erase(it);
    ready(g, &pp, true);
  }
  return {GoStatus::done};
}

// runtime/sema.go notifyListNotifyAll: "s := l.head; l.head = nil; l.tail = nil" ...
// "atomic.Store(&l.notify, atomic.Load(&l.wait))" ... "// Go through the local list and ready all
// waiters." "readyWithTime(s, 4)" -- each goready takes runnext and kicks the previous one to
// the tail of the local queue, so the last waiter runs first, then the others in FIFO order.
GoOutcome Runtime::cond_broadcast(P& pp, ObjId id) {
  PAPAYA_ASSERT(id > 0 && id < conds_.size(), "Broadcast on no such Cond");
  Cond& c = conds_[id];
  if (c.wait == c.notify) return {GoStatus::done};
  auto list = std::move(c.list);
  c.list.clear();
  c.notify = c.wait;
  for (auto& [g, ticket] : list) ready(g, &pp, true);
  return {GoStatus::done};
}

}  // namespace papaya::model::go
