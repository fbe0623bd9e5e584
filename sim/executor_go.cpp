// The executor's goroutines: a process becomes a Go program at its first goroutine call, and
// from then on its threads are the actors of a Go 1.19 runtime model (model/go/runtime.hpp). Each
// goroutine runs on a fiber of its own (the main goroutine on the process's fiber); its runtime
// operations are submitted to the runtime, its kernel calls are Go syscalls that queue for the
// process's one kernel thread, and its socket calls that would block park it in the netpoller
// until the kernel makes the descriptor ready (docs/goroutines.md, "Goroutines in the simulator").
#include <algorithm>
#include <boost/context/fiber.hpp>

#include "model/check.hpp"
#include "sim/executor.hpp"
#include "sim/executor_internal.hpp"
#include "sim/fiber_switch.hpp"
#include "sim/go_events.hpp"

namespace papaya::sim {

namespace go = model::go;
using go::Gid;

// Go's net package retries these after EAGAIN once the netpoller reports the descriptor
// (internal/poll/fd_unix.go Read: "if err == syscall.EAGAIN && fd.pd.pollable() { if err =
// fd.pd.waitRead(fd.isFile); err == nil { continue }"). Only sockets answer EAGAIN here (the
// kernel marks a Go program's sockets nonblocking); files block in the kernel as syscalls.
bool parks_on_eagain(model::OpKind k) {
  switch (k) {
    case model::OpKind::accept:
    case model::OpKind::recv:
    case model::OpKind::send:
    case model::OpKind::read:
    case model::OpKind::write:
    case model::OpKind::connect: return true;
    default: return false;
  }
}

namespace {
// sysmon's shortest sleep (runtime/proc.go sysmon: "if idle == 0 { // start with 20us sleep...
// delay = 20").
constexpr Duration sysmon_tick{20'000};

// The RWMutex call `op` is, if it is one (what the trace records of it when it returns).
std::optional<traces::GoLockEvent> rw_call(const go::GoOp& op) {
  using K = traces::GoLockEvent::Kind;
  if (const auto* o = std::get_if<go::gop::RLock>(&op))
    return traces::GoLockEvent{.rw = o->rw, .kind = K::rlock};
  if (const auto* o = std::get_if<go::gop::RUnlock>(&op))
    return traces::GoLockEvent{.rw = o->rw, .kind = K::runlock};
  if (const auto* o = std::get_if<go::gop::WLock>(&op))
    return traces::GoLockEvent{.rw = o->rw, .kind = K::lock};
  if (const auto* o = std::get_if<go::gop::WUnlock>(&op))
    return traces::GoLockEvent{.rw = o->rw, .kind = K::unlock};
  return std::nullopt;
}

std::string describe(const go::Runtime& rt, Gid g) {
  const go::G& gp = rt.g(g);
  std::string state = gp.status == go::GStatus::waiting ? std::string(go::wait_reason_name(gp.wait))
                                                        : std::string(go::gstatus_name(gp.status));
  return "goroutine " + std::to_string(g) + " [" + state + "]";
}
}  // namespace

bool Executor::is_go(Pid pid) { return proc(pid).go != nullptr; }

Executor::GoProc& Executor::make_go(Proc& p) {
  if (p.go) return *p.go;
  add_go_program(p.pid);
  p.go = std::make_unique<GoProc>(chooser_, go::GoConfig{.gomaxprocs = opts_.gomaxprocs});
  p.go->rt.advance_to(kernel_.now());
  p.go->rt.record_events_into(trace_.go_events);  // G/P changes: sim/go_events.hpp
  const Gid main = p.go->rt.start();
  record_go_events(trace_, steps_, p.pid, traces::GoBy::start, p.go->rt);
  auto g = std::make_unique<Goroutine>(*this, p.pid, main);
  g->running = true;  // on the process's fiber
  add_goroutine(*p.go, std::move(g));
  kernel_.set_nonblocking_sockets(p.pid);
  return *p.go;
}

void Executor::add_goroutine(GoProc& gp, std::unique_ptr<Goroutine> g) {
  const Gid id = g->gid;
  if (gp.gs.size() <= id) gp.gs.resize(id + 1);
  PAPAYA_ASSERT(!gp.gs[id], "a goroutine id made twice");
  gp.gs[id] = std::move(g);
}

go::Runtime& Executor::go_runtime(Pid pid) { return make_go(proc(pid)).rt; }

Executor::Goroutine& Executor::goroutine(Proc& p, Gid gid) {
  PAPAYA_ASSERT(p.go != nullptr, "a goroutine of a process that is no Go program");
  const Gid g = gid == 0 ? 1 : gid;
  PAPAYA_ASSERT(g < p.go->gs.size() && p.go->gs[g], "no such goroutine");
  return *p.go->gs[g];
}

// ---- the goroutine side -----------------------------------------------------------------------

void Executor::suspend(Proc& p, Goroutine& g) {
  if (g.gid == 1)
    p.sched = leave(std::move(p.sched));
  else
    g.sched = leave(std::move(g.sched));
  if (p.go->ended) end_process_stack();
}

go::GoOutcome Executor::go_call(Pid pid, Gid gid, const go::GoOp& op, const Site& site) {
  Proc& p = proc(pid);
  if (p.dying) return {};
  GoProc& gp = make_go(p);
  Goroutine& g = goroutine(p, gid);
  g.file = site.file_name();
  g.line = site.line();
  gp.rt.submit(g.gid, op);
  suspend(p, g);
  return g.gout;
}

void Executor::hand_over_go_body(Pid pid, Gid gid, std::function<void(Os&)> body) {
  Proc& p = proc(pid);
  make_go(p);
  goroutine(p, gid).go_body = std::move(body);
}

// A kernel call from a goroutine: entersyscall, the process's kernel thread runs it (after the
// syscalls queued before it), exitsyscall. A socket call answered EAGAIN parks the goroutine on its
// poll descriptor (gop::WaitRead) and retries once the netpoller readied it.
const model::Outcome& Executor::go_kernel_call(Proc& p, Gid gid, const model::Op& op,
                                               const Site& site) {
  GoProc& gp = *p.go;
  Goroutine& g = goroutine(p, gid);
  g.file = site.file_name();
  g.line = site.line();
  for (;;) {
    g.kop = &op;
    gp.rt.submit(g.gid, go::gop::Syscall{});
    suspend(p, g);
    g.kop = nullptr;
    if (g.kout.err != Errno::eagain || !parks_on_eagain(model::kind_of(op))) return g.kout;
    gp.rt.submit(g.gid, go::gop::WaitRead{g.io_pd});
    suspend(p, g);
  }
}

void Executor::go_sleep(Pid pid, Gid gid, Duration d, const Site& site) {
  Proc& p = proc(pid);
  if (p.dying) return;
  GoProc& gp = make_go(p);
  Goroutine& g = goroutine(p, gid);
  if (d.count() <= 0)
    return;  // time.Sleep: "A negative or zero duration causes Sleep to return
             // immediately."
  if (g.timer_pd == 0) g.timer_pd = gp.rt.new_fd();
  gp.timers.emplace(kernel_.now() + d, g.gid);
  g.file = site.file_name();
  g.line = site.line();
  gp.rt.submit(g.gid, go::gop::WaitRead{g.timer_pd});
  suspend(p, g);
}

void Executor::go_wait_signals(Pid pid, Gid gid, SigSet sigs, const Site& site) {
  Proc& p = proc(pid);
  if (p.dying) end_process_stack();
  GoProc& gp = make_go(p);
  Goroutine& g = goroutine(p, gid);
  if (gp.signal_pd == 0) gp.signal_pd = gp.rt.new_fd();
  gp.signal_waits = sigs;
  gp.signal_armed = true;
  poll_due_ = true;  // its signal may have been caught already
  g.file = site.file_name();
  g.line = site.line();
  gp.rt.submit(g.gid, go::gop::WaitRead{gp.signal_pd});
  suspend(p, g);
}

void Executor::goroutine_main(Proc& p, Goroutine& g) {
  try {
    g.body(g.os);
    go_call(p.pid, g.gid, go::gop::Exit{}, Site::current());
  } catch (const ProcessExit&) {
  } catch (const boost::context::detail::forced_unwind&) {
    throw;
  } catch (const std::exception& e) {
    if (!crash_)
      crash_ = "pid " + std::to_string(p.pid) + " goroutine " + std::to_string(g.gid) +
               ": uncaught exception: " + e.what() + " (last call at " + g.file + ":" +
               std::to_string(g.line) + ")";
  } catch (...) {
    if (take_process_stack_end()) return;  // end_process_stack's unwind: the program ended
    if (!crash_)
      crash_ = "pid " + std::to_string(p.pid) + " goroutine " + std::to_string(g.gid) +
               ": uncaught exception of unknown type";
  }
}

// ---- the scheduler side -----------------------------------------------------------------------

void Executor::resume_goroutine(Proc& p, Goroutine& g) {
  if (go_resumes_) note_go_resume(p, g);
  if (g.gid == 1) {
    resume(p);
    return;
  }
  if (!g.running) {  // its first run: a fiber of its own
    g.running = true;
    g.fiber = make_fiber(g.stack, [this, &p, &g](boost::context::fiber&& sched) {
      g.sched = std::move(sched);
      goroutine_main(p, g);
      return std::move(g.sched);
    });
  }
  g.fiber = enter(std::move(g.fiber), g.stack);
  if (!g.fiber) g.running = false;
}

// The process's kernel thread takes the oldest queued syscall when it is free.
void Executor::go_submit_kernel(Proc& p) {
  GoProc& gp = *p.go;
  if (gp.kq.empty() || kernel_.has_pending(p.pid)) return;
  Goroutine& g = goroutine(p, gp.kq.front());
  p.file = g.file;
  p.line = g.line;
  kernel_.submit(p.pid, *g.kop);
}

// entersyscall: the goroutine's M makes the call (runtime/proc.go entersyscall: "syscall is
// about to do a system call ... the goroutine g is about to enter a system call"; a blocking one
// hands its P off: entersyscallblock/handoffp, and retake does it for one that runs long). Each M
// is a kernel thread, so two goroutines' calls run at once, page by page, as two processes' do.
// The process's first thread takes the call when idle; when busy, a regular-file call runs on a
// thread of its own (model::Task), and any other call (sockets, signals' waits, processes) waits
// for the first thread: the model has one thread for those.
void Executor::go_enter_kernel(Proc& p, Gid g) {
  GoProc& gp = *p.go;
  const model::Op& op = *goroutine(p, g).kop;
  const bool first_busy = !gp.kq.empty() || kernel_.has_pending(p.pid);
  if (first_busy && kernel_.runs_on_a_task(p.pid, op)) {
    if (const std::uint16_t tid = kernel_.idle_task(p.pid); tid != 0) {
      kernel_.submit(p.pid, tid, op);
      gp.on_tasks.emplace(tid, g);
      return;
    }
  }
  gp.kq.push_back(g);
  go_submit_kernel(p);
}

// Every running goroutine with nothing pending runs its user code up to its next call.
void Executor::go_run_wanting(Proc& p) {
  GoProc& gp = *p.go;
  gp.rt.for_each_wanting([&](Gid g) {
    if (!gp.ended) resume_goroutine(p, goroutine(p, g));
  });
}

void Executor::go_step(Pid pid, go::Actor a) {
  Proc& p = *procs_[static_cast<std::size_t>(pid)];  // an option's: a live process (go_options)
  GoProc& gp = *p.go;
  go::Runtime& rt = gp.rt;
  Gid g = 0;
  if (a.kind == go::Actor::Kind::p) g = rt.p(static_cast<int>(a.id)).curg;
  if (a.kind == go::Actor::Kind::syscall_exit) g = a.id;
  bool starts_go = false;
  bool enters_syscall = false;
  std::optional<traces::GoLockEvent> rw;
  // The goroutine, looked up once (the runtime keeps each G behind a pointer: the reference
  // stays valid across the step).
  const go::G* gp_g = g != 0 ? &rt.g(g) : nullptr;
  if (gp_g && gp_g->pending) {
    rw = rw_call(*gp_g->pending);
    starts_go = std::holds_alternative<go::gop::Go>(*gp_g->pending);
    enters_syscall = std::holds_alternative<go::gop::Syscall>(*gp_g->pending) && gp_g->phase == 0;
  }
  // sysmon's preemptone as a choice (Options::go_preempt): "its goroutine ran 10 ms", which a
  // loaded machine makes happen before any operation.
  if (opts_.go_preempt && a.kind == go::Actor::Kind::p && g != 0 &&
      chooser_.choose(2, model::DecisionKind::go_preempt) == 1)
    rt.preempt(static_cast<int>(a.id));
  // Its goroutine, looked up once too (a Goroutine stays where it is: gs holds pointers).
  Goroutine* const gor = g != 0 ? &goroutine(p, g) : nullptr;
  traces::GoRecord& rec =
      start_go_record(trace_, steps_, pid, rt, a, g, gor ? gor->file : "", gor ? gor->line : 0);
  const go::GoOutcome o = rt.step(a);
  finish_go_record(trace_, rec, o.status, rt);
  ++go_steps_;
  if (opts_.check_invariants) rt.check_invariants();
  if (g != 0) {
    Goroutine& gr = *gor;
    if (o.status == go::GoStatus::done) {
      gr.gout = o;
      if (rw) {  // it returned: the History sees the log guard's holds (properties/log_events)
        rw->step = trace_.steps.size();
        rw->pid = pid;
        rw->g = g;
        trace_.go_locks.push_back(*rw);
      }
      if (starts_go) {
        auto ng = std::make_unique<Goroutine>(*this, pid, static_cast<Gid>(o.value));
        ng->body = std::move(gr.go_body);
        gr.go_body = nullptr;
        add_goroutine(gp, std::move(ng));
      }
    } else if (o.status == go::GoStatus::parked && enters_syscall &&
               gp_g->status == go::GStatus::syscall) {
      go_enter_kernel(p, g);
    } else if (o.status == go::GoStatus::exited) {
      resume_goroutine(p, gr);  // its body returned: the fiber ends
      PAPAYA_ASSERT(!gr.running, "a goroutine ran on after it exited");
      gp.gs[g].reset();
    }
  }
  if (rt.ending() == go::Ending::panic || rt.ending() == go::Ending::fatal) {
    if (!go_fatal_) go_fatal_ = "pid " + std::to_string(pid) + ": " + rt.message();
    return;
  }
  go_run_wanting(p);
  if (!gp.ended && gp.kq.empty() && gp.on_tasks.empty() && !rt.has_actors() &&
      rt.check_dead() == go::Ending::deadlock && !go_deadlock_) {
    std::string d = "pid " + std::to_string(pid) + ": " + rt.message();
    for (Gid l : rt.leaked())
      d += "; " + describe(rt, l) + " at " + goroutine(p, l).file + ":" +
           std::to_string(goroutine(p, l).line);
    go_deadlock_ = std::move(d);
  }
}

// The process's kernel thread finished a step of the front syscall (or the process ended).
void Executor::go_after_kernel_step(Proc& p, const model::Outcome& out, std::uint16_t task) {
  GoProc& gp = *p.go;
  if (task != 0) {  // a file call on another thread: done, or a page of it, or waiting
    PAPAYA_ASSERT(out.status != model::StepStatus::exited,
                  "a thread's file call ended its process");
    if (out.status != model::StepStatus::done) return;
    const Gid g = gp.on_tasks.at(task);
    gp.on_tasks.erase(task);
    goroutine(p, g).kout = out;
    gp.rt.syscall_returned(g);
    return;
  }
  if (out.status == model::StepStatus::exited) {
    end_go_process(p, out);
    return;
  }
  if (out.status != model::StepStatus::done) return;
  // A step of its own to run a signal handler (Executor::run's idle Go program): no syscall.
  if (gp.handler_step) {
    gp.handler_step = false;
    go_submit_kernel(p);
    return;
  }
  if (gp.kq.empty()) return;
  const Gid g = gp.kq.front();
  gp.kq.pop_front();
  Goroutine& gr = goroutine(p, g);
  gr.kout = out;
  if (out.err == Errno::eagain && parks_on_eagain(model::kind_of(*gr.kop))) {
    if (gr.io_pd == 0) gr.io_pd = gp.rt.new_fd();
    gp.watches.insert_or_assign(g, *gr.kop);  // its buffers live while it waits
  }
  gp.rt.syscall_returned(g);
  go_submit_kernel(p);
}

// The process exited (os.Exit, main returning, a fatal signal): every goroutine ends with it. On a
// normal exit, goroutines parked on something are leaks (goleak's verdict; runnable ones are not,
// as goleak's retries would see them finish).
void Executor::end_go_process(Proc& p, const model::Outcome& out) {
  GoProc& gp = *p.go;
  if (out.wait.exited && !out.wait.signaled) {
    const Gid caller = gp.kq.empty() ? 1 : gp.kq.front();
    for (Gid l : gp.rt.leaked())
      if (l != caller && l != 1 && gp.rt.g(l).status == go::GStatus::waiting)
        goroutine_leaks_.push_back("pid " + std::to_string(p.pid) + ": " + describe(gp.rt, l));
  }
  p.outcome = out;
  go_unwind(p);
  resume(p);  // the main goroutine, on the process's fiber, unwinds
}

// Unwinds every goroutine fiber but main's (the process's fiber: its caller unwinds it).
void Executor::go_unwind(Proc& p) {
  GoProc& gp = *p.go;
  if (gp.ended) return;
  gp.ended = true;
  p.dying = true;
  gp.kq.clear();
  gp.on_tasks.clear();
  gp.watches.clear();
  gp.timers.clear();
  for (auto& g : gp.gs) {
    if (!g || g->gid == 1 || !g->running) continue;
    g->fiber = enter(std::move(g->fiber), g->stack);
    PAPAYA_ASSERT(!g->fiber, "a goroutine survived its unwinding");
    g->running = false;
  }
}

// After every step: a descriptor some goroutine got EAGAIN on that would not block now has had an
// edge (netpoll_epoll.go registers it with EPOLLET); the runtime hears of it through netpoll.
void Executor::go_poll() {
  // Without a step that may have changed a stream since the last poll, every watched call would
  // still block (it did then, or it was armed after that poll by its own EAGAIN, a stream call,
  // which makes the poll due): only the signal waits are looked at.
  const bool watches_due = watch_due_;
  watch_due_ = false;
  for (Pid pid : go_pids_) {  // the live Go programs, in pid order, as a visit of live_ found
    Proc& p = *procs_[static_cast<std::size_t>(pid)];
    if (!p.running || !p.go || p.go->ended) continue;
    GoProc& gp = *p.go;
    if (gp.signal_armed && (p.kp->caught.bits() & gp.signal_waits.bits()) != 0) {
      gp.signal_armed = false;
      gp.rt.netpoll_event(gp.signal_pd);
    }
    if (!watches_due) continue;
    for (auto it = gp.watches.begin(); it != gp.watches.end();) {
      if (kernel_.would_block(pid, it->second)) {
        ++it;
        continue;
      }
      gp.rt.netpoll_event(goroutine(p, it->first).io_pd);
      it = gp.watches.erase(it);
    }
  }
}

// The earliest sleeping goroutine's deadline; or sysmon's next tick when sysmon has work (a P
// left in a syscall while goroutines wait to run: retake hands it off).
std::optional<Duration> Executor::go_next_timer() const {
  std::optional<Duration> best;
  for (Pid pid : live_) {
    const Proc& p = *procs_[static_cast<std::size_t>(pid)];
    if (!p.go || p.go->ended) continue;
    const GoProc& gp = *p.go;
    if (!gp.timers.empty() && (!best || gp.timers.begin()->first < *best))
      best = gp.timers.begin()->first;
    bool queued = !gp.rt.global_runq().empty();
    bool stuck = false;
    for (int i = 0; i < gp.rt.gomaxprocs(); ++i) {
      const go::P& pp = gp.rt.p(i);
      queued = queued || !pp.runq.empty() || pp.runnext != 0;
      stuck = stuck || pp.status == go::PStatus::syscall;
    }
    if (queued && stuck) {
      Duration t = kernel_.now() + sysmon_tick;
      if (!best || t < *best) best = t;
    }
  }
  return best;
}

// The virtual clock moved to t: each Go program's timers that are due fire (their goroutines'
// descriptors become ready, as the timer's goroutineReady would ready them), then sysmon runs.
void Executor::go_advance_to(Duration t) {
  for (Pid pid : live_) {
    Proc& p = *procs_[static_cast<std::size_t>(pid)];
    if (!p.go || p.go->ended) continue;
    GoProc& gp = *p.go;
    gp.rt.advance_to(t);
    while (!gp.timers.empty() && gp.timers.begin()->first <= t) {
      gp.rt.netpoll_event(goroutine(p, gp.timers.begin()->second).timer_pd);
      gp.timers.erase(gp.timers.begin());
    }
    gp.rt.sysmon();
    record_go_events(trace_, steps_, pid, traces::GoBy::sysmon, gp.rt);
  }
}

std::string Executor::go_blocked_report(const Proc& p) const {
  std::string out = "pid " + std::to_string(p.pid) + " (Go):";
  for (const auto& g : p.go->gs)
    if (g)
      out +=
          " " + describe(p.go->rt, g->gid) + " at " + g->file + ":" + std::to_string(g->line) + ",";
  if (out.back() == ',') out.pop_back();
  return out;
}

// What would_block reads of a watched call (parks_on_eagain) changes only at these steps: bytes
// or room arriving in a socket or pipe (send, write, recv, read), an end going (close, shutdown,
// exec's close-on-exec, a process's death: its _exit or a fatal signal at any step), a connection
// queued or taken, a listener opened or closed (connect, accept, listen, close). The other calls
// (regular files, signals, time, process ids and groups, fork, pipe creation) leave every
// existing socket, listener and pipe as it was. (Down here: a line added above goroutine_main
// would move the site its goroutines' exit records in every trace.)
bool may_change_streams(model::OpKind k, model::StepStatus s) {
  if (s == model::StepStatus::exited || parks_on_eagain(k)) return true;  // the stream calls
  switch (k) {
    case model::OpKind::close:
    case model::OpKind::shutdown:
    case model::OpKind::listen:
    case model::OpKind::exec:
    case model::OpKind::exit: return true;
    default: return false;
  }
}

// (Down here too: see may_change_streams.)
void Executor::add_go_program(Pid pid) {
  any_go_ = true;
  if (auto it = std::lower_bound(go_pids_.begin(), go_pids_.end(), pid);
      it == go_pids_.end() || *it != pid)
    go_pids_.insert(it, pid);  // (a pid used again, if the kernel ever did: once)
}

// A step's options in a run with a Go program, in pid order: a process's own kernel call, then,
// for a Go program, its calls on other threads and its runtime's actors. The processes with a
// call come from the kernel's ready set (Kernel::for_each_ready visits only the marked ones, as
// plain_step's loop does), merged with the Go programs as the set is visited: the same options in
// the same order as asking every live process, which cost about 140 instructions a step of a
// goroutine chat run. Option 0 is "no preemption": the option that ran last goes on if it can
// (strategies that default to 0, prefix and the shrinker's replays, then prefer schedules with few
// switches). It is put there as it is found, the others keeping their order, as a search of the
// made list and a rotation by one did (11.5 instructions a step dearer): the options are
// options_[first_option_ ..], slot 0 holding the last one to run when it is among them.
void Executor::go_options() {
  // A Go program none of whose goroutines is in the kernel still dies of a fatal signal at once:
  // its threads wait in futex(2)/epoll_wait(2), which a terminating signal ends (signal(7): "Term
  // Default action is to terminate the process"). Its death is a step of its own, recorded as a
  // getpid, as kill_from_outside records a kill -9. Likewise a signal it catches
  // (signal_notify's handler) runs at once on one of its threads: a step of its own too, with the
  // handler's effect (the caught flag). Only when no goroutine's call waits for the thread
  // either: the step's outcome must not be taken for that call's (a recv once got the handler
  // step's pid as its byte count). (The signal test's first step inline, and first of all the
  // deliverable signal, which most steps do not have.) Submitted before the ready set is asked:
  // the getpid makes it ready.
  for (Pid pid : go_pids_) {
    const Proc& p = *procs_[static_cast<std::size_t>(pid)];
    if (p.running && (p.kp->pending_signals.bits() & ~p.kp->mask.bits()) != 0 && p.go &&
        !p.go->ended && p.go->kq.empty() && !p.kp->pending && kernel_.signal_pending_acts(pid)) {
      p.go->handler_step = true;
      kernel_.submit(pid, model::op::Getpid{});
    }
  }
  options_.resize(1);  // slot 0: the last option to run, if it is one again
  first_option_ = 1;
  // The last option to run, by kind: a process's own call, a call on another of its threads, or
  // an actor of its runtime (0: not of that kind; pid 0 is never an option's).
  const Pid last_call = !last_ran_.go && last_ran_.task == 0 ? last_ran_.pid : 0;
  const Pid last_go = last_ran_.go || last_ran_.task != 0 ? last_ran_.pid : 0;
  auto put = [this](const Option& o, bool last) {
    if (last) {
      options_[0] = o;
      first_option_ = 0;
    } else {
      options_.push_back(o);
    }
  };
  // A Go program's options after its own call: its calls on other threads, its runtime's actors.
  auto go_program = [&](Pid pid) {
    const Proc& p = *procs_[static_cast<std::size_t>(pid)];
    if (!p.running || !p.go || p.go->ended) return;
    for (const auto& [tid, g] : p.go->on_tasks)
      if (kernel_.ready(pid, tid))
        put({pid, false, {}, tid}, pid == last_go && !last_ran_.go && tid == last_ran_.task);
    if (pid != last_go || !last_ran_.go) {
      p.go->rt.for_each_actor([this, pid](model::go::Actor a) {
        options_.push_back({pid, true, a});
      });
    } else {
      p.go->rt.for_each_actor([&](model::go::Actor a) {
        put({pid, true, a}, a == last_ran_.actor);
      });
    }
  };
  auto next_go = go_pids_.begin();
  const auto go_end = go_pids_.end();
  kernel_.for_each_ready([&](Pid pid) {
    for (; next_go != go_end && *next_go < pid; ++next_go) go_program(*next_go);
    put({pid}, pid == last_call);
    if (next_go != go_end && *next_go == pid) go_program(*next_go++);
  });
  for (; next_go != go_end; ++next_go) go_program(*next_go);
}

}  // namespace papaya::sim
