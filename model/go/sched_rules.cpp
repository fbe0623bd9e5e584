// The scheduler's rules (Go 1.19.8 runtime/proc.go): run queues, runnext, the global queue,
// findRunnable's order, work stealing, idle Ps, and the ways a goroutine leaves its P.
#include <algorithm>
#include <numeric>

#include "model/go/runtime.hpp"

namespace papaya::model::go {

// runtime/proc.go newproc: "Create a new g running fn. Put it on the queue of g's waiting to
// run." -- "runqput(_p_, newg, true)" then "if mainStarted { wakep() }".
Gid Runtime::newproc(P& pp, Gid parent) {
  auto id = static_cast<Gid>(gs_.size());
  gs_.push_back(std::make_unique<G>(G{.id = id, .status = GStatus::dead, .parent = parent}));
  set_g(*gs_.back(), GStatus::runnable, GoWhy::created);
  last_started_ = id;
  runqput(pp, id, true);
  wakep();
  return id;
}

// runtime/proc.go runqput: "If next is false, runqput adds g to the tail of the runnable queue.
// If next is true, runqput puts g in the _p_.runnext slot. If the run queue is full, runnext puts
// g on the global queue." ... "// Kick the old runnext out to the regular run queue." Under the
// race detector: "if randomizeScheduler && next && fastrandn(2) == 0 { next = false }" (a choice).
void Runtime::runqput(P& pp, Gid gp, bool next) {
  if (config_.race_randomize && next && ask(2, GoChoice::race_randomize) == 0) next = false;
  if (next) {
    Gid old = pp.runnext;
    pp.runnext = gp;
    if (old == 0) return;
    gp = old;
  }
  if (pp.runq.size() < local_runq_size) {
    pp.runq.push_back(gp);
    return;
  }
  runqputslow(pp, gp);
}

// runtime/proc.go runqputslow: "Put g and a batch of work from local runnable queue on global
// queue." -- "n := t - h; n = n / 2" ... "batch[n] = gp" ... "globrunqputbatch(&q, int32(n+1))":
// half the full local queue (128) plus the goroutine, in order, to the global queue's tail.
void Runtime::runqputslow(P& pp, Gid gp) {
  PAPAYA_ASSERT(pp.runq.size() == local_runq_size, "runqputslow: queue is not full");
  const std::size_t n = pp.runq.size() / 2;
  for (std::size_t i = 0; i < n; ++i) {
    global_.push_back(pp.runq.front());
    pp.runq.pop_front();
  }
  global_.push_back(gp);
}

// runtime/proc.go runqget: "If there's a runnext, it's the next G to run." ... "return
// next.ptr(), true" -- a goroutine taken from runnext inherits the time slice; one from the
// queue's head does not.
std::optional<std::pair<Gid, bool>> Runtime::runqget(P& pp) {
  if (pp.runnext != 0) {
    Gid g = pp.runnext;
    pp.runnext = 0;
    return std::pair{g, true};
  }
  if (pp.runq.empty()) return std::nullopt;
  Gid g = pp.runq.front();
  pp.runq.pop_front();
  return std::pair{g, false};
}

// runtime/proc.go globrunqget: "n := sched.runqsize/gomaxprocs + 1; if n > sched.runqsize { n =
// sched.runqsize }; if max > 0 && n > max { n = max }; if n > int32(len(_p_.runq))/2 { n =
// int32(len(_p_.runq)) / 2 }" ... "gp := sched.runq.pop()" and the rest "runqput(_p_, gp1,
// false)".
Gid Runtime::globrunqget(P& pp, std::size_t max) {
  if (global_.empty()) return 0;
  std::size_t n = global_.size() / static_cast<std::size_t>(config_.gomaxprocs) + 1;
  n = std::min(n, global_.size());
  if (max > 0) n = std::min(n, max);
  n = std::min(n, local_runq_size / 2);
  Gid gp = global_.front();
  global_.pop_front();
  for (--n; n > 0; --n) {
    Gid g1 = global_.front();
    global_.pop_front();
    runqput(pp, g1, false);
  }
  return gp;
}

// runtime/proc.go runqgrab: "n := t - h; n = n - n/2" (half, rounded up) ... "if n == 0 { if
// stealRunNextG { // Try to steal from _p_.runnext." and runqsteal: "Steal half of elements from
// local runnable queue of p2 and put onto local runnable queue of p. Returns one of the stolen
// elements" -- the last one grabbed runs; the others go to the thief's queue.
Gid Runtime::runqsteal(P& pp, P& victim, bool steal_runnext) {
  std::size_t n = victim.runq.size();
  n = n - n / 2;
  if (n == 0) {
    if (steal_runnext && victim.runnext != 0) {
      Gid g = victim.runnext;
      victim.runnext = 0;
      return g;
    }
    return 0;
  }
  // The victim's first n: the last of them is returned, the others go to pp's queue in order
  // (straight from the victim's queue: a batch vector was a malloc and a free at every steal).
  PAPAYA_ASSERT(&pp != &victim, "runqsteal: a P steals from itself");
  PAPAYA_ASSERT(pp.runq.size() + (n - 1) < local_runq_size, "runqsteal: runq overflow");
  const auto first = victim.runq.begin();
  const auto last = first + static_cast<std::ptrdiff_t>(n);
  pp.runq.insert(pp.runq.end(), first, last - 1);
  const Gid gp = *(last - 1);
  victim.runq.erase(first, last);
  return gp;
}

// runtime/proc.go stealWork: "const stealTries = 4; for i := 0; i < stealTries; i++ {
// stealTimersOrRunNextG := i == stealTries-1; for enum := stealOrder.start(fastrand()); ..." and
// "// Don't bother to attempt to steal if p2 is idle." The order is randomOrder's: "if we have X
// such that X and GOMAXPROCS are coprime, then a sequences of (i + X) % GOMAXPROCS gives the
// required enumeration" with start "pos: i % ord.count, inc: ord.coprimes[i/ord.count %
// uint32(len(ord.coprimes))]" -- fastrand's value is the choice (steal_order).
Gid Runtime::steal_work(P& pp) {
  const auto count = static_cast<std::uint32_t>(ps_.size());
  // randomOrder.reset's coprimes of GOMAXPROCS, made once per thread and GOMAXPROCS rather than
  // at every steal (a malloc and a free each time a spinning M looked for work).
  thread_local std::vector<std::uint32_t> coprimes;
  thread_local std::uint32_t coprimes_of = 0;
  if (coprimes_of != count) {
    coprimes.clear();
    for (std::uint32_t i = 1; i <= count; ++i)
      if (std::gcd(i, count) == 1) coprimes.push_back(i);
    coprimes_of = count;
  }
  const auto ncop = static_cast<std::uint32_t>(coprimes.size());
  constexpr int steal_tries = 4;
  for (int i = 0; i < steal_tries; ++i) {
    const bool steal_runnext = i == steal_tries - 1;
    const std::uint32_t r = ask(count * ncop, GoChoice::steal_order);
    std::uint32_t pos = r % count;
    const std::uint32_t inc = coprimes[r / count % ncop];
    for (std::uint32_t k = 0; k < count; ++k, pos = (pos + inc) % count) {
      P& p2 = ps_[pos];
      if (&p2 == &pp || p2.status == PStatus::idle) continue;
      if (Gid g = runqsteal(pp, p2, steal_runnext); g != 0) return g;
    }
  }
  return 0;
}

// runtime/proc.go findRunnable: "// Check the global runnable queue once in a while to ensure
// fairness." "if _p_.schedtick%61 == 0 && sched.runqsize > 0 { ... globrunqget(_p_, 1)" then
// "// local runq" runqget, "// global runq" globrunqget(_p_, 0), "// Poll network. This netpoll is
// only an optimization before we resort to stealing." (non-blocking, when "netpollWaiters > 0 &&
// sched.lastpoll != 0"), then "// Spinning Ms: steal work from other Ps." when "_g_.m.spinning ||
// 2*atomic.Load(&sched.nmspinning) < procs-atomic.Load(&sched.npidle)", then "if sched.runqsize
// != 0 { gp := globrunqget(_p_, 0)" once more before "pidleput"; a spinning M rechecks every
// queue ("checkRunqsNoP") after dropping its P; and finally "// Poll network until next timer."
// (an M blocks in netpoll when "netpollWaiters > 0" and no other M does: poller_blocked_).
// Returns the goroutine and whether it inherits the time slice; 0 when the P went idle.
std::pair<Gid, bool> Runtime::find_runnable(P& pp) {
  for (int round = 0; round < 2; ++round) {
    if (pp.schedtick % 61 == 0 && !global_.empty())
      if (Gid g = globrunqget(pp, 1)) return {g, false};
    if (auto got = runqget(pp)) return *got;
    if (!global_.empty()) return {globrunqget(pp, 0), false};
    if (netpoll_waiters_ > 0 && !poller_blocked_) {
      std::vector<Gid> list = netpoll();
      if (!list.empty()) {
        Gid g = list.front();
        list.erase(list.begin());
        set_g(gr(g), GStatus::runnable, GoWhy::netpoll);
        gr(g).wait = WaitReason::none;
        injectglist(std::move(list), &pp);
        return {g, false};
      }
    }
    const auto procs = static_cast<int>(ps_.size());
    if (pp.spinning || 2 * nmspinning_ < procs - static_cast<int>(pidle_.size())) {
      if (!pp.spinning) {
        pp.spinning = true;
        ++nmspinning_;
      }
      if (Gid g = steal_work(pp)) return {g, false};
    }
    if (!global_.empty()) return {globrunqget(pp, 0), false};
    const bool was_spinning = pp.spinning;
    pidleput(pp);
    if (was_spinning) {
      const bool work = std::any_of(ps_.begin(), ps_.end(), [](const P& p2) {
        return p2.status != PStatus::idle && (!p2.runq.empty() || p2.runnext != 0);
      });
      if (work && round == 0) {
        P* back = pidleget();
        PAPAYA_ASSERT(back == &pp, "checkRunqsNoP: took another P");
        set_p(*back, PStatus::running, GoWhy::recheck);
        back->spinning = true;
        ++nmspinning_;
        continue;
      }
    }
    if (netpoll_waiters_ > 0 && !poller_blocked_) poller_blocked_ = true;
    return {0, false};
  }
  return {0, false};
}

// runtime/proc.go schedule: "One round of scheduler: find a runnable goroutine and execute it."
// "gp, inheritTime, tryWakeP := findRunnable() // blocks until work is available" ... "if
// _g_.m.spinning { resetspinning() }" ... "execute(gp, inheritTime)". resetspinning: "M wakeup
// policy is deliberately somewhat conservative, so check if we need to wakeup another P here."
void Runtime::schedule(P& pp) {
  pp.curg = 0;
  auto [gp, inherit] = find_runnable(pp);
  if (gp == 0) return;  // the P went idle (pidleput)
  if (pp.spinning) {
    pp.spinning = false;
    --nmspinning_;
    wakep();
  }
  execute(pp, gp, inherit);
}

// runtime/proc.go execute: "Schedules gp to run on the current M. If inheritTime is true, gp
// inherits the remaining time in the current time slice. Otherwise, it starts a new time slice."
// "casgstatus(gp, _Grunnable, _Grunning)" ... "gp.preempt = false" ... "if !inheritTime {
// _g_.m.p.ptr().schedtick++ }".
void Runtime::execute(P& pp, Gid id, bool inherit_time) {
  G& gp = gr(id);
  PAPAYA_ASSERT(gp.status == GStatus::runnable, "execute: goroutine is not _Grunnable");
  gp.p = pp.id;
  set_g(gp, GStatus::running, inherit_time ? GoWhy::runnext : GoWhy::schedule);
  gp.preempt = false;
  pp.curg = id;
  if (!inherit_time) ++pp.schedtick;
}

// runtime/proc.go ready: "Mark gp ready to run." "casgstatus(gp, _Gwaiting, _Grunnable);
// runqput(_g_.m.p.ptr(), gp, next); wakep()". goready calls it with next = true, so a goroutine
// readied by the running one goes to runnext. Without a P (the poller, sysmon), the model puts it
// on the global queue, as injectglist does when "pp == nil".
void Runtime::ready(Gid id, P* pp, bool next) {
  G& gp = gr(id);
  PAPAYA_ASSERT(gp.status == GStatus::waiting, "bad g->status in ready");
  set_g(gp, GStatus::runnable, pp == nullptr ? GoWhy::netpoll : GoWhy::ready);
  gp.wait = WaitReason::none;
  gp.woken = true;
  if (pp == nullptr) {
    injectglist({id}, nullptr);
    return;
  }
  runqput(*pp, id, next);
  wakep();
}

// runtime/proc.go gopark: "Puts the current goroutine into a waiting state" ... park_m:
// "casgstatus(gp, _Grunning, _Gwaiting); dropg()" ... "schedule()".
void Runtime::park(G& gp, P& pp, WaitReason why) {
  gp.wait = why;
  set_g(gp, GStatus::waiting, GoWhy::park);
  gp.woken = false;
  gp.p = -1;
  schedule(pp);
}

// runtime/proc.go wakep: "Tries to add one more P to execute G's." "if atomic.Load(&sched.npidle)
// == 0 { return }" "// be conservative about spinning threads" "if atomic.Load(&sched.nmspinning)
// != 0 || !atomic.Cas(&sched.nmspinning, 0, 1) { return }" "startm(nil, true)".
void Runtime::wakep() {
  if (pidle_.empty() || nmspinning_ != 0) return;
  P* pp = pidleget();
  set_p(*pp, PStatus::running, GoWhy::wakep);
  pp->spinning = true;
  ++nmspinning_;
}

// runtime/proc.go pidleput: "if !runqempty(_p_) { throw("pidleput: P has non-empty run queue") }"
// ... "_p_.link = sched.pidle; sched.pidle.set(_p_)" (a stack). The M behind it stops spinning.
void Runtime::pidleput(P& pp) {
  PAPAYA_ASSERT(pp.runq.empty() && pp.runnext == 0, "pidleput: P has non-empty run queue");
  if (pp.spinning) {
    pp.spinning = false;
    --nmspinning_;
  }
  set_p(pp, PStatus::idle, GoWhy::idle);
  pp.curg = 0;
  pidle_.push_back(pp.id);
}

// runtime/proc.go pidleget: "_p_ := sched.pidle.ptr(); if _p_ != nil { ... sched.pidle =
// _p_.link".
P* Runtime::pidleget() {
  if (pidle_.empty()) return nullptr;
  P& pp = pr(pidle_.back());
  pidle_.pop_back();
  return &pp;
}

// runtime/proc.go injectglist: "If there is no current P, the G's are added to the global queue,
// and up to npidle M's are started to run them. Otherwise, for each idle P, this adds a G to the
// global queue and starts an M. Any remaining G's are added to the current P's local run queue."
// (runqputbatch: what does not fit goes to the global queue). Never runnext.
void Runtime::injectglist(std::vector<Gid> list, P* pp) {
  if (list.empty()) return;
  for (Gid id : list) {
    G& gp = gr(id);
    set_g(gp, GStatus::runnable, GoWhy::netpoll);
    gp.wait = WaitReason::none;
    gp.woken = true;
  }
  auto start_idle = [this](std::size_t n) {  // startm(nil, false): an M that is not spinning
    for (; n != 0 && !pidle_.empty(); --n) set_p(*pidleget(), PStatus::running, GoWhy::inject);
  };
  if (pp == nullptr) {
    for (Gid id : list) global_.push_back(id);
    start_idle(list.size());
    return;
  }
  const std::size_t n = std::min(pidle_.size(), list.size());
  for (std::size_t i = 0; i < n; ++i) global_.push_back(list[i]);
  start_idle(n);
  for (std::size_t i = n; i < list.size(); ++i) {
    if (pp->runq.size() < local_runq_size)
      pp->runq.push_back(list[i]);
    else
      global_.push_back(list[i]);
  }
}

// runtime/proc.go goschedImpl (Gosched, and preemption through gopreempt_m): "casgstatus(gp,
// _Grunning, _Grunnable); dropg(); lock(&sched.lock); globrunqput(gp)" ... "schedule()".
void Runtime::gosched(G& gp, P& pp, GoWhy why) {
  set_g(gp, GStatus::runnable, why);
  gp.preempt = false;
  gp.p = -1;
  global_.push_back(gp.id);
  schedule(pp);
}

// runtime/proc.go goyield: "goyield is like Gosched, but it: ... puts the current G on the runq
// of the current P instead of the globrunq" -- goyield_m: "runqput(pp, gp, false); schedule()".
void Runtime::goyield(G& gp, P& pp) {
  set_g(gp, GStatus::runnable, GoWhy::yield);
  gp.p = -1;
  runqput(pp, gp.id, false);
  schedule(pp);
}

// runtime/proc.go goexit0: "casgstatus(gp, _Grunning, _Gdead)" ... "schedule()". When main
// returns, runtime.main calls "exit(0)" whatever other goroutines are doing.
void Runtime::goexit(G& gp, P& pp) {
  set_g(gp, GStatus::dead, GoWhy::exit);
  gp.pending.reset();
  gp.p = -1;
  if (gp.id == 1) {
    pp.curg = 0;
    end(Ending::exited, "");
    return;
  }
  schedule(pp);
}

}  // namespace papaya::model::go
