// Blocking system calls, sysmon and preemption (Go 1.19.8 runtime/proc.go). Time is an input:
// the driver calls advance_to and sysmon; nothing here reads a clock.
#include <algorithm>

#include "model/go/runtime.hpp"

namespace papaya::model::go {

namespace {
constexpr Duration force_preempt{10'000'000};   // proc.go: "const forcePreemptNS = 10 * 1000 *
                                                // 1000 // 10ms"
constexpr Duration netpoll_period{10'000'000};  // sysmon: "lastpoll+10*1000*1000 < now"
}  // namespace

// runtime/proc.go reentersyscall: "casgstatus(_g_, _Grunning, _Gsyscall)" ... "pp.m = 0;
// _g_.m.oldp.set(pp); _g_.m.p = 0; atomic.Store(&pp.status, _Psyscall)". The P keeps its run
// queue and no M runs it until the goroutine returns or sysmon retakes it.
GoOutcome Runtime::entersyscall(G& gp, P& pp) {
  set_g(gp, GStatus::syscall, GoWhy::syscall);
  gp.phase = 1;
  gp.syscall_done = false;
  set_p(pp, PStatus::syscall, GoWhy::syscall);
  pp.curg = 0;
  in_syscall_.push_back(gp.id);
  return {GoStatus::parked};
}

// runtime/proc.go exitsyscallfast: "// Try to re-acquire the last P. if oldp != nil &&
// oldp.status == _Psyscall && atomic.Cas(&oldp.status, _Psyscall, _Pidle) { ... wirep(oldp)" then
// "// Try to get any other idle P. if sched.pidle != 0 {" ... exitsyscall: "_g_.m.p.ptr().
// syscalltick++"; otherwise exitsyscall0: "casgstatus(gp, _Gsyscall, _Grunnable)" ... "if _p_ ==
// nil { globrunqput(gp)" ... "stopm()".
GoOutcome Runtime::exitsyscall(G& gp) {
  PAPAYA_ASSERT(gp.status == GStatus::syscall && gp.syscall_done, "exitsyscall: not returning");
  in_syscall_.erase(std::find(in_syscall_.begin(), in_syscall_.end(), gp.id));
  gp.syscall_done = false;
  P& oldp = pr(gp.p);
  P* pp = nullptr;
  if (oldp.status == PStatus::syscall) {
    pp = &oldp;
  } else if (P* idle = pidleget()) {
    pp = idle;
  }
  if (pp == nullptr) {
    gp.p = -1;
    set_g(gp, GStatus::runnable, GoWhy::exitsyscall);
    global_.push_back(gp.id);
    return {GoStatus::scheduled};
  }
  set_p(*pp, PStatus::running, GoWhy::exitsyscall);
  pp->curg = gp.id;
  ++pp->syscalltick;
  gp.p = pp->id;
  set_g(gp, GStatus::running, GoWhy::exitsyscall);
  gp.pending.reset();
  return {GoStatus::done};
}

// runtime/proc.go handoffp: "// if it has local work, start it straight away if !runqempty(_p_)
// || sched.runqsize != 0 { startm(_p_, false)" ... "// no local work, check that there are no
// spinning/idle M's, otherwise our help is not required if atomic.Load(&sched.nmspinning)+
// atomic.Load(&sched.npidle) == 0 && atomic.Cas(&sched.nmspinning, 0, 1) { startm(_p_, true)" ...
// "// If this is the last running P and nobody is polling network, need to wakeup another M to
// poll network. if sched.npidle == uint32(gomaxprocs-1) && atomic.Load64(&sched.lastpoll) != 0"
// ... "pidleput(_p_, 0)".
void Runtime::handoffp(P& pp) {
  pp.curg = 0;
  if (!pp.runq.empty() || pp.runnext != 0 || !global_.empty()) {
    set_p(pp, PStatus::running, GoWhy::retake);
    return;
  }
  if (nmspinning_ + static_cast<int>(pidle_.size()) == 0) {
    set_p(pp, PStatus::running, GoWhy::retake);
    pp.spinning = true;
    ++nmspinning_;
    return;
  }
  if (static_cast<int>(pidle_.size()) == config_.gomaxprocs - 1 && !poller_blocked_) {
    set_p(pp, PStatus::running, GoWhy::retake);
    return;
  }
  set_p(pp, PStatus::running,
        GoWhy::retake);  // pidleput's precondition is about the queue, not the status
  pidleput(pp);
}

// runtime/proc.go retake: "// Preempt G if it's running for too long." "if int64(pd.schedtick)
// != t { pd.schedtick = uint32(t); pd.schedwhen = now } else if pd.schedwhen+forcePreemptNS <=
// now { preemptone(_p_); sysretake = true }" and "// Retake P from syscall if it's there for more
// than 1 sysmon tick (at least 20us)." "if !sysretake && int64(pd.syscalltick) != t { ...
// continue }" "if runqempty(_p_) && atomic.Load(&sched.nmspinning)+atomic.Load(&sched.npidle) > 0
// && pd.syscallwhen+10*1000*1000 > now { continue }" ... "if atomic.Cas(&_p_.status, s, _Pidle)
// { ... _p_.syscalltick++; handoffp(_p_) }". preemptone: "gp.preempt = true".
void Runtime::retake() {
  for (P& pp : ps_) {
    SysmonTick& pd = pp.sysmontick;
    bool sysretake = false;
    if (pp.status == PStatus::running || pp.status == PStatus::syscall) {
      if (pd.schedtick != pp.schedtick) {
        pd.schedtick = pp.schedtick;
        pd.schedwhen = now_;
      } else if (pd.schedwhen + force_preempt <= now_) {
        if (pp.status == PStatus::running && pp.curg != 0) gr(pp.curg).preempt = true;
        sysretake = true;
      }
    }
    if (pp.status != PStatus::syscall) continue;
    if (!sysretake && pd.syscalltick != pp.syscalltick) {
      pd.syscalltick = pp.syscalltick;
      pd.syscallwhen = now_;
      continue;
    }
    const bool empty = pp.runq.empty() && pp.runnext == 0;
    if (empty && nmspinning_ + static_cast<int>(pidle_.size()) > 0 &&
        pd.syscallwhen + force_preempt > now_)
      continue;
    ++pp.syscalltick;
    handoffp(pp);
  }
}

// runtime/proc.go preemptone: "gp.preempt = true" on the goroutine the P's M runs.
void Runtime::preempt(int id) {
  P& pp = pr(id);
  if (pp.status == PStatus::running && pp.curg != 0) gr(pp.curg).preempt = true;
}

// runtime/proc.go sysmon: "// poll network if not polled for more than 10ms lastpoll :=
// int64(atomic.Load64(&sched.lastpoll)); if netpollinited() && lastpoll != 0 &&
// lastpoll+10*1000*1000 < now { atomic.Cas64(&sched.lastpoll, uint64(lastpoll), uint64(now));
// list := netpoll(0) // non-blocking" ... "injectglist(&list)" ... "// retake P's blocked in
// syscalls // and preempt long running G's if retake(now) != 0 {". One call is one iteration; the
// driver decides how often (Go sleeps 20us to 10ms between them).
void Runtime::sysmon() {
  if (ending_ != Ending::running) return;
  if (!poller_blocked_ && lastpoll_ + netpoll_period < now_) {
    lastpoll_ = now_;
    injectglist(netpoll(), nullptr);
  }
  retake();
}

// runtime/preempt.go: "3. Asynchronous safe-points occur at any instruction in user code where
// the goroutine can be safely paused" ... "Since the thread suspension itself is generally
// asynchronous, it also checks if the running goroutine wants to be preempted" (preemptone: "//
// Request an async preemption of this P." "preemptM(mp)"). Once sysmon set gp.preempt, whether
// the signal lands before this operation or later is a choice (async_preempt_choice); otherwise
// it lands at once. Either way asyncPreempt ends in gopreempt_m -> goschedImpl.
bool Runtime::preempt_lands(G& gp) {
  if (!gp.preempt) return false;
  if (!config_.async_preempt_choice) return true;
  return ask(2, GoChoice::preempt_lands) == 1;
}

}  // namespace papaya::model::go
