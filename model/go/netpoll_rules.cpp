// The netpoller (Go 1.19.8 runtime/netpoll.go, netpoll_epoll.go, proc.go): descriptors
// registered edge-triggered, a goroutine parked on a read until epoll reports the descriptor,
// the readied goroutines injected into the run queues (never runnext).
#include "model/go/runtime.hpp"

namespace papaya::model::go {

// runtime/netpoll.go netpollblock: "// Consume notification if already ready. if
// gpp.CompareAndSwap(pdReady, 0) { return true }" ... "gopark(netpollblockcommit, ...,
// waitReasonIOWait, ...)"; netpollblockcommit: "// Bump the count of goroutines waiting for the
// poller." "atomic.Xadd(&netpollWaiters, 1)". Go 1.19 decrements netpollWaiters only in
// netpollgoready (deadlines, close), not when netpoll readies the goroutine: the count, once
// raised, stays up, and the model keeps that.
GoOutcome Runtime::wait_read(G& gp, P& pp, ObjId fd) {
  PAPAYA_ASSERT(fd > 0 && fd < fds_.size(), "IO wait on no such descriptor");
  PollDesc& pd = fds_[fd];
  if (gp.phase == 1) return {GoStatus::done};  // woken by netpoll
  if (pd.rg == PollDesc::Rg::ready) {
    pd.rg = PollDesc::Rg::nil;
    return {GoStatus::done};
  }
  PAPAYA_ASSERT(pd.rg == PollDesc::Rg::nil, "runtime: double wait");
  pd.rg = PollDesc::Rg::wait;
  pd.g = gp.id;
  ++netpoll_waiters_;
  gp.phase = 1;
  park(gp, pp, WaitReason::io_wait);
  return {GoStatus::parked};
}

void Runtime::netpoll_event(ObjId fd) {
  PAPAYA_ASSERT(fd > 0 && fd < fds_.size(), "netpoll event on no such descriptor");
  if (fds_[fd].event) return;
  fds_[fd].event = true;
  ++fd_events_;
}

// runtime/netpoll_epoll.go netpollopen: "ev.events = _EPOLLIN | _EPOLLOUT | _EPOLLRDHUP |
// _EPOLLET": edge-triggered, one event per edge (the driver calls netpoll_event on edges only).
// netpoll: "for i := int32(0); i < n; i++ { ... netpollready(&toRun, pd, mode)" and netpoll.go
// netpollready: "rg = netpollunblock(pd, 'r', true)" ... "toRun.push(rg)" (netpollunblock: with no
// waiter the descriptor becomes pdReady, remembered for the next read). Events are taken in
// descriptor order (epoll's ready list order is the kernel's; the model fixes one).
std::vector<Gid> Runtime::netpoll() {
  std::vector<Gid> list;
  if (fd_events_ == 0) return list;  // no descriptor has news: nothing to scan
  fd_events_ = 0;
  for (PollDesc& pd : fds_) {
    if (!pd.event) continue;
    pd.event = false;
    if (pd.rg == PollDesc::Rg::wait) {
      list.insert(list.begin(), pd.g);  // gList.push adds at the head
      pd.rg = PollDesc::Rg::nil;
      pd.g = 0;
    } else {
      pd.rg = PollDesc::Rg::ready;
    }
  }
  return list;
}

// runtime/proc.go findRunnable, the M blocked in netpoll: "list := netpoll(delay) // block until
// new work is available" "atomic.Store64(&sched.lastpoll, uint64(now))" ... "_p_, _ =
// pidleget(now)" "if _p_ == nil { injectglist(&list) } else { acquirep(_p_); if !list.empty() {
// gp := list.pop(); injectglist(&list)" ... "return gp, false, false".
GoOutcome Runtime::poller_step() {
  std::vector<Gid> list = netpoll();
  poller_blocked_ = false;
  lastpoll_ = now_;
  P* pp = pidleget();
  if (pp == nullptr) {
    injectglist(std::move(list), nullptr);
    return {GoStatus::scheduled};
  }
  set_p(*pp, PStatus::running, GoWhy::poller);
  pp->curg = 0;
  if (!list.empty()) {
    Gid g = list.front();
    list.erase(list.begin());
    set_g(gr(g), GStatus::runnable, GoWhy::netpoll);
    gr(g).woken = true;
    injectglist(std::move(list), pp);
    execute(*pp, g, false);
  }
  return {GoStatus::scheduled};
}

}  // namespace papaya::model::go
