// The effect of each step of a run with a Go program, for partial-order reduction (docs/explore.md,
// "Goroutine operations", has every rule and its reason). The kernel's part is effect_of's; what
// this file adds are the Go runtime's objects (sim/independence.hpp Obj::go_*), which only the
// executor can see: the scheduler, each goroutine, each Mutex, RWMutex, Cond and channel, the
// syscall queue of the process's first kernel thread and each of its other threads. Computed in
// the state before the step, from the operation the actor is about to run, and completed after a
// Go step with what its goroutine's own code changed (go_effect_after); where unsure, a step writes
// the scheduler (every other scheduling step of the program then depends on it). On by default
// (Options::go_fine_footprints): explore/tests/go_footprint_test.cpp checks that they commute.
#include <algorithm>

#include "model/limits.hpp"
#include "sim/executor.hpp"
#include "sim/executor_internal.hpp"

namespace papaya::sim {

namespace go = model::go;

namespace {

// go_task 0 (kernel threads are numbered from 1): the process's descriptor table as its other
// kernel threads see it (changes_descriptors below).
constexpr std::uint32_t descriptor_table = 0;

struct GoAccess {
  Pid pid;
  Effect& e;
  void add(Obj o, std::uint32_t id) { e.access.push_back({o, true, go_obj_id(pid, id)}); }
};

// Whether a goroutine's pending operation, run now, may park it, ready another goroutine or run
// the scheduler (any of which touches the run queues, the idle Ps and the netpoller); it adds the
// operation's object. The fast paths that touch their object alone are the runtime's own: a Mutex
// taken by the CAS of an unlocked one or released with nobody to wake, a channel operation the
// buffer (or a closed channel) answers with no waiter on the other side, a Cond signal with no
// waiter parked, an operation resumed after its wakeup (it reads what the waker left in its G).
bool op_touches_scheduler(const go::Runtime& rt, const go::G& g, const go::GoOp& op, GoAccess& a) {
  return std::visit(
      [&](const auto& o) -> bool {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, go::gop::Lock>) {
          a.add(Obj::go_mutex, o.m);
          const go::Mutex& mu = rt.mutex(o.m);
          return !(g.lock_phase == 0 && !mu.locked && !mu.woken && !mu.starving && mu.waiters == 0);
        } else if constexpr (std::is_same_v<T, go::gop::Unlock>) {
          a.add(Obj::go_mutex, o.m);
          const go::Mutex& mu = rt.mutex(o.m);
          return !(mu.locked && !mu.starving && (mu.waiters == 0 || mu.woken));
        } else if constexpr (std::is_same_v<T, go::gop::TryLock>) {
          a.add(Obj::go_mutex, o.m);
          return false;
        } else if constexpr (std::is_same_v<T, go::gop::RLock>) {
          a.add(Obj::go_rw, o.rw);
          return !(g.phase == 1 || rt.rwmutex(o.rw).reader_count + 1 >= 0);
        } else if constexpr (std::is_same_v<T, go::gop::RUnlock>) {
          a.add(Obj::go_rw, o.rw);
          return rt.rwmutex(o.rw).reader_count - 1 < 0;
        } else if constexpr (std::is_same_v<T, go::gop::WLock>) {
          a.add(Obj::go_rw, o.rw);
          const go::RWMutex& rw = rt.rwmutex(o.rw);
          const go::Mutex& w = rt.mutex(rw.w);
          return !(g.phase == 1 || (g.lock_phase == 0 && !w.locked && !w.woken && !w.starving &&
                                    w.waiters == 0 && rw.reader_count == 0));
        } else if constexpr (std::is_same_v<T, go::gop::WUnlock>) {
          a.add(Obj::go_rw, o.rw);
          const go::RWMutex& rw = rt.rwmutex(o.rw);
          const go::Mutex& w = rt.mutex(rw.w);
          return !(rw.reader_sem.waiters.empty() && w.locked && !w.starving &&
                   (w.waiters == 0 || w.woken));
        } else if constexpr (std::is_same_v<T, go::gop::Wait>) {
          a.add(Obj::go_cond, o.cond);
          a.add(Obj::go_mutex, rt.cond(o.cond).mutex);
          return true;
        } else if constexpr (std::is_same_v<T, go::gop::Signal> ||
                             std::is_same_v<T, go::gop::Broadcast>) {
          a.add(Obj::go_cond, o.cond);
          return !rt.cond(o.cond).list.empty();
        } else if constexpr (std::is_same_v<T, go::gop::Send>) {
          if (g.phase == 1) return false;
          if (o.ch == 0) return true;
          a.add(Obj::go_chan, o.ch);
          const go::Chan& c = rt.chan(o.ch);
          return c.closed || !c.recvq.empty() || c.buf.size() >= c.cap;
        } else if constexpr (std::is_same_v<T, go::gop::Recv>) {
          if (g.phase == 1) return false;
          if (o.ch == 0) return true;
          a.add(Obj::go_chan, o.ch);
          const go::Chan& c = rt.chan(o.ch);
          if (c.closed) return false;  // a buffered value, or the zero value at once
          return !c.sendq.empty() || c.buf.empty();
        } else if constexpr (std::is_same_v<T, go::gop::Close>) {
          if (o.ch == 0) return true;
          a.add(Obj::go_chan, o.ch);
          const go::Chan& c = rt.chan(o.ch);
          return c.closed || !c.recvq.empty() || !c.sendq.empty();
        } else if constexpr (std::is_same_v<T, go::gop::Select>) {
          for (const go::gop::SelectCase& sc : o.cases)
            if (sc.ch != 0) a.add(Obj::go_chan, sc.ch);
          return g.phase != 1;
        } else if constexpr (std::is_same_v<T, go::gop::Syscall>) {
          // entersyscall touches its own P alone (go_actor_footprint: go_p); resumed after
          // exitsyscall0: its G only.
          return false;
        } else {
          // go (newproc: runnext, wakep), Gosched, return (goexit: schedule), IO wait (the
          // netpoller's descriptors are the scheduler's).
          return true;
        }
      },
      op);
}

// Whether a call of this kind changes which open file a descriptor number names in the calling
// process (it makes, drops or replaces descriptors). A Go program's other kernel threads look
// their calls' descriptors up in the same table (close(2): "It is probably unwise to close file
// descriptors while they may be in use by system calls in other threads in the same process");
// the kernel's rules order such calls by the process's own state, which only the first thread's
// steps write.
bool changes_descriptors(model::OpKind k) {
  using K = model::OpKind;
  switch (k) {
    case K::open:
    case K::close:
    case K::dup:
    case K::pipe:
    case K::listen:
    case K::accept:
    case K::connect:
    case K::exec:
    case K::exit:
    case K::fork: return true;
    case K::getpid:
    case K::waitpid:
    case K::kill:
    case K::setsid:
    case K::setpgid:
    case K::getpgid:
    case K::sigaction:
    case K::sigprocmask:
    case K::sigsuspend:
    case K::pause:
    case K::take_caught:
    case K::alarm:
    case K::read:
    case K::write:
    case K::pread:
    case K::pwrite:
    case K::lseek:
    case K::file_size:
    case K::flock:
    case K::unlink:
    case K::local_port:
    case K::recv:
    case K::send:
    case K::shutdown:
    case K::now:
    case K::sleep:
    case K::log:
    case K::getppid:
    case K::set_pdeathsig:
    case K::ftruncate: return false;
  }
  return true;
}

// Whether the process catches some signal (a catch_flag action: signal_notify's, or its own).
bool catches_any(const model::Process& p) {
  return std::any_of(p.actions.begin(), p.actions.end(),
                     [](const SigAction& a) { return a.kind == SigAction::Kind::catch_flag; });
}

}  // namespace

void Executor::go_actor_footprint(Proc& p, const go::Actor& actor, Effect& e) {
  GoAccess a{p.pid, e};
  const go::Runtime& rt = p.go->rt;
  switch (actor.kind) {
    case go::Actor::Kind::poller: a.add(Obj::go_sched, 0); return;
    case go::Actor::Kind::syscall_exit: {
      // exitsyscall (Go 1.19 runtime/proc.go exitsyscallfast): "Try to re-acquire the last P. if
      // oldp != nil && oldp.status == _Psyscall && atomic.Cas(&oldp.status, _Psyscall, _Pidle)
      // { ... wirep(oldp)": that P alone, its status, curg and syscalltick (go_p). Otherwise an
      // idle P ("if sched.pidle != 0") or the global queue (exitsyscall0: "globrunqput(gp)"):
      // the scheduler. Whether the old P is still _Psyscall is written only by that P's steps
      // that write its go_p (entersyscall on it, an exitsyscall back to it) and by sysmon's
      // retake, which runs when time moves (every step before it is ordered before every step
      // after it), so the footprint is stable.
      a.add(Obj::go_g, actor.id);
      const go::G& g = rt.g(actor.id);
      if (g.p >= 0) a.add(Obj::go_p, static_cast<std::uint32_t>(g.p));
      if (g.p < 0 || rt.p(g.p).status != go::PStatus::syscall) a.add(Obj::go_sched, 0);
      return;
    }
    case go::Actor::Kind::p: break;
  }
  // The program's first runtime step: the process's thread goes on from the step whose code made
  // it a Go program (its first goroutine call), a step of the process: it depends on that one.
  if (std::find(go_started_.begin(), go_started_.end(), p.pid) == go_started_.end())
    e.access.push_back({Obj::process, false, static_cast<std::uint32_t>(p.pid)});
  const go::P& pp = rt.p(static_cast<int>(actor.id));
  if (pp.curg == 0 || !rt.g(pp.curg).pending) {  // findRunnable
    a.add(Obj::go_sched, 0);
    return;
  }
  const go::G& g = rt.g(pp.curg);
  a.add(Obj::go_g, g.id);
  // A preemption that may land (sysmon's flag, or the go_preempt choice) runs goschedImpl.
  bool sched = g.preempt || opts_.go_preempt || op_touches_scheduler(rt, g, *g.pending, a);
  if (std::holds_alternative<go::gop::Syscall>(*g.pending) && g.phase == 0) {
    // entersyscall, then the call goes to a kernel thread (Executor::go_enter_kernel): the first
    // one's queue when it is idle; else, for a regular-file call, the first idle other thread (a
    // new one below the limit). Which one depends on the first thread being busy and on which
    // others are idle: it writes the first's queue and, when it may take another, every other.
    const model::Op& op = *goroutine(p, g.id).kop;
    // The P itself (reentersyscall: "atomic.Store(&pp.status, _Psyscall)", "pp.m = 0", curg
    // dropped) keeps its run queue and runnext: what other Ps read of it (runqsteal, findRunnable's
    // recheck: "p2.status != _Pidle") is the same before and after, and nothing else of the
    // scheduler changes. Only the goroutine's own exitsyscall (or sysmon) reads the status: go_p.
    a.add(Obj::go_p, actor.id);
    const bool first_busy = !p.go->kq.empty() || kernel_.has_pending(p.pid);
    a.add(Obj::go_kq, 0);
    if (first_busy && kernel_.runs_on_a_task(p.pid, op)) {
      const std::size_t n = std::min(kernel_.process(p.pid).tasks.size() + 1,
                                     static_cast<std::size_t>(model::limits::tasks_per_process));
      for (std::size_t t = 1; t <= n; ++t) a.add(Obj::go_task, static_cast<std::uint32_t>(t));
    }
  }
  if (std::holds_alternative<go::gop::Exit>(*g.pending) && g.id == 1) e.global = true;
  if (sched) a.add(Obj::go_sched, 0);
}

Executor::GoTables Executor::go_tables(const Proc& p) const {
  const GoProc& gp = *p.go;
  GoTables t{.objects = gp.rt.mutexes() + gp.rt.rwmutexes() + gp.rt.conds() + gp.rt.chans(),
             .timers = gp.timers.size(),
             .pds = gp.signal_pd != 0 ? 1u : 0u,
             .armed = gp.signal_armed};
  for (const auto& g : gp.gs)
    if (g) t.pds += (g->io_pd != 0 ? 1u : 0u) + (g->timer_pd != 0 ? 1u : 0u);
  return t;
}

// After a Go step: a step that ended the run (a Go fatal error or panic, checkdead's deadlock)
// ends every other actor's steps with it; and a step whose goroutine's code, run after its
// operation, changed the program's tables (made a Mutex, a channel, a netpoll descriptor: ids are
// handed out in order; queued a sleep's timer: timers fire in order; armed signal_notify's relay:
// the netpoller's edge) writes the scheduler, as every step that makes such a change must be
// ordered with the others that do.
void Executor::go_effect_after(const Option& o, Effect& e) {
  if (go_fatal_ || go_deadlock_ || crash_) e.global = true;
  if (std::find(go_started_.begin(), go_started_.end(), o.pid) == go_started_.end())
    go_started_.push_back(o.pid);
  if (!opts_.go_fine_footprints) return;
  Proc& p = proc(o.pid);
  if (p.go && !p.go->ended && go_tables(p) != go_tables_)
    e.access.push_back({Obj::go_sched, true, go_obj_id(o.pid, 0)});
}

void Executor::go_effect(const Option& o, Effect& e) {
  e.access.clear();
  e.global = false;
  Proc& p = proc(o.pid);
  if (o.go) {
    e.pid = go_actor_id(o.pid, static_cast<std::uint32_t>(o.actor.kind), o.actor.id);
    go_actor_footprint(p, o.actor, e);
    if (opts_.go_fine_footprints) go_tables_ = go_tables(p);
  } else if (o.task != 0) {  // another kernel thread's file call: no signals, no process state
    e.pid = go_actor_id(o.pid, task_actor_kind, o.task);
    op_effect(kernel_, o.pid, *kernel_.pending(o.pid, o.task), e);
    GoAccess a{o.pid, e};
    a.add(Obj::go_task, o.task);
    e.access.push_back({Obj::go_task, false, go_obj_id(o.pid, descriptor_table)});
    if (auto it = p.go->on_tasks.find(o.task); it != p.go->on_tasks.end())
      a.add(Obj::go_g, it->second);
  } else {
    effect_of(kernel_, o.pid, e);
    if (p.go && !p.go->ended) {
      // The first thread: its queue of goroutine syscalls, the goroutine whose call it runs; a
      // step that ends the program (exit, a fatal signal) ends every actor of it: global.
      GoAccess a{o.pid, e};
      a.add(Obj::go_kq, 0);
      if (changes_descriptors(model::kind_of(*kernel_.process(o.pid).pending)))
        a.add(Obj::go_task, descriptor_table);
      if (!p.go->kq.empty() && !p.go->handler_step) {
        a.add(Obj::go_g, p.go->kq.front());
        // A socket call answered EAGAIN gives its goroutine a netpoll descriptor the first time
        // (Executor::go_after_kernel_step): a new id, handed out in order.
        const Goroutine& g = goroutine(p, p.go->kq.front());
        if (g.io_pd == 0 && g.kop != nullptr && parks_on_eagain(model::kind_of(*g.kop)))
          a.add(Obj::go_sched, 0);
      }
      // It takes delivery of a caught signal when one is pending and unmasked (the handler step
      // exists for that): the flag that signal_notify's relay waits on, an edge for the
      // netpoller. Keyed on the process's own state (its actions, mask, pending signals: changed
      // by its own steps and by generations, which write its go_kq as this step does), not on
      // whether the relay is armed now: its goroutine's steps arm it, independent of this one,
      // and a footprint an independent step changes gave one trace two names (dfs named 3,533
      // traces of go_signal_two_senders_program where the DPORs ran 1,354; docs/explore.md).
      if (catches_any(*p.kp) && kernel_.signal_pending_acts(o.pid)) a.add(Obj::go_sched, 0);
      if (model::kind_of(*kernel_.process(o.pid).pending) == model::OpKind::exit ||
          kernel_.fatal_signal_pending(o.pid))
        e.global = true;
    }
  }
  // Coarse footprints (Options::go_fine_footprints false, `--go-footprints coarse`): every step
  // of a Go program also writes its scheduler, so the program's own steps are ordered among
  // themselves, as before the fine ones passed their comparison with dfs (docs/explore.md,
  // "Goroutine operations"). Either way the netpoller's edges order them against other
  // processes' steps.
  if (p.go && !opts_.go_fine_footprints)
    e.access.push_back({Obj::go_sched, true, go_obj_id(o.pid, 0)});
  go_watched_edges(e);
}

// The netpoller's edges (Executor::go_poll, after every step): a step that changes what a parked
// goroutine's call waits on (its socket, pipe or listener) may make epoll report it, and the
// scheduler takes the event: it writes that program's scheduler. And a signal sent to a Go program
// may make its first kernel thread busy with a step of its own (Executor::run's handler step): it
// writes that thread's queue, which a goroutine's entersyscall reads. "Sent to it" is any access to
// one of the program's signal objects, read or written: a generation (kill, a child's exit) only
// reads `signal p,s` (sim/independence.cpp, two generations of one signal commute), yet it is what
// makes the signal pending, hence the handler step and the caught flag the relay waits for; every
// other access is a step of the program's own first thread (delivery, sigprocmask, sigaction),
// which writes both objects anyway. So a generation for a Go program writes its `go_kq`, and two
// generations for one Go program stay ordered by it, as before: the cut applies to processes only
// (a finer rule would have to show that a second generation, which may find the first already
// delivered, changes neither). explore/tests/go_signal_test.cpp: the swap checker passes these
// edges and catches a generation without them (the edges keyed on writes alone). A generation does
// not write the program's `go_sched`: it sets no caught flag (the handler step, which it enables
// through `go_kq`, does, and writes `go_sched`: go_effect). It did, while the relay was armed: a
// footprint that the relay's re-arming, an independent step, changed (docs/explore.md, "Two
// generations of one signal").
void Executor::go_watched_edges(Effect& e) {
  for (Pid pid : live_) {
    Proc& q = *procs_[static_cast<std::size_t>(pid)];
    if (!q.go || q.go->ended) continue;
    const auto sent_to_it = [pid](const Access& x) {
      return x.obj == Obj::signal && x.id == static_cast<std::uint32_t>(pid);
    };
    const bool signalled = std::any_of(e.access.begin(), e.access.end(), sent_to_it);
    if (signalled) e.access.push_back({Obj::go_kq, true, go_obj_id(pid, 0)});
    bool edge = e.global;
    for (auto it = q.go->watches.begin(); !edge && it != q.go->watches.end(); ++it) {
      watched_.access.clear();
      op_effect(kernel_, pid, it->second, watched_);
      for (const Access& w : watched_.access)
        edge = edge || std::any_of(e.access.begin(), e.access.end(),
                                   [&](const Access& x) { return x.write && conflict(x, w); });
    }
    if (edge) e.access.push_back({Obj::go_sched, true, go_obj_id(pid, 0)});
  }
}

}  // namespace papaya::sim
