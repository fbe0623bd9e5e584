// The runtime's driver interface: objects, submission, actors, one step, verdicts, inspection.
// The rules themselves live in sched_rules.cpp, syscall_rules.cpp, netpoll_rules.cpp,
// mutex_rules.cpp, cond_rules.cpp and chan_rules.cpp.
#include "model/go/runtime.hpp"

#include <algorithm>

namespace papaya::model::go {

std::string_view go_choice_name(GoChoice c) {
  switch (c) {
    case GoChoice::actor: return "actor";
    case GoChoice::steal_order: return "steal_order";
    case GoChoice::select_order: return "select_order";
    case GoChoice::preempt_lands: return "preempt_lands";
    case GoChoice::race_randomize: return "race_randomize";
  }
  return "?";
}

DecisionKind decision_kind(GoChoice c) {
  switch (c) {
    case GoChoice::actor: return DecisionKind::schedule;
    case GoChoice::steal_order: return DecisionKind::go_steal;
    case GoChoice::select_order: return DecisionKind::go_select;
    case GoChoice::preempt_lands: return DecisionKind::go_preempt;
    case GoChoice::race_randomize: return DecisionKind::go_race;
  }
  return DecisionKind::schedule;
}

std::string_view go_op_index_name(std::size_t index) {
  static constexpr std::string_view names[] = {"go",
                                               "Gosched",
                                               "return",
                                               "Mutex.Lock",
                                               "Mutex.Unlock",
                                               "Mutex.TryLock",
                                               "RWMutex.RLock",
                                               "RWMutex.RUnlock",
                                               "RWMutex.Lock",
                                               "RWMutex.Unlock",
                                               "Cond.Wait",
                                               "Cond.Signal",
                                               "Cond.Broadcast",
                                               "chan send",
                                               "chan receive",
                                               "close",
                                               "select",
                                               "IO wait",
                                               "syscall"};
  static_assert(std::size(names) == std::variant_size_v<GoOp>);
  return index < std::size(names) ? names[index] : std::string_view();
}

std::string_view go_op_name(const GoOp& op) { return go_op_index_name(op.index()); }

std::string_view gstatus_name(GStatus s) {
  switch (s) {
    case GStatus::runnable: return "_Grunnable";
    case GStatus::running: return "_Grunning";
    case GStatus::syscall: return "_Gsyscall";
    case GStatus::waiting: return "_Gwaiting";
    case GStatus::dead: return "_Gdead";
  }
  return "?";
}

std::string_view wait_reason_name(WaitReason r) {
  switch (r) {
    case WaitReason::none: return "";
    case WaitReason::chan_send: return "chan send";
    case WaitReason::chan_receive: return "chan receive";
    case WaitReason::chan_send_nil: return "chan send (nil chan)";
    case WaitReason::chan_receive_nil: return "chan receive (nil chan)";
    case WaitReason::select: return "select";
    case WaitReason::semacquire: return "semacquire";
    case WaitReason::cond_wait: return "sync.Cond.Wait";
    case WaitReason::io_wait: return "IO wait";
  }
  return "?";
}

std::string_view pstatus_name(PStatus s) {
  switch (s) {
    case PStatus::idle: return "_Pidle";
    case PStatus::running: return "_Prunning";
    case PStatus::syscall: return "_Psyscall";
  }
  return "?";
}

std::string_view ending_name(Ending e) {
  switch (e) {
    case Ending::running: return "running";
    case Ending::exited: return "exited";
    case Ending::deadlock: return "deadlock";
    case Ending::panic: return "panic";
    case Ending::fatal: return "fatal";
    case Ending::step_bound: return "step_bound";
  }
  return "?";
}

Runtime::Runtime(Choices& choices, GoConfig config) : choices_(choices), config_(config) {
  PAPAYA_ASSERT(config_.gomaxprocs >= 1 && config_.gomaxprocs <= 256, "GOMAXPROCS out of range");
  gs_.push_back(std::make_unique<G>());
  for (int i = 0; i < config_.gomaxprocs; ++i) ps_.push_back(P{.id = i});
}

std::uint32_t Runtime::ask(std::uint32_t n, GoChoice c) {
  PAPAYA_ASSERT(n >= 1, "a choice among nothing");
  if (n == 1) return 0;
  std::uint32_t a = choices_.choose(n, decision_kind(c));
  PAPAYA_ASSERT(a < n, "chooser answered out of range");
  decisions_.push_back({c, n, a});
  return a;
}

void Runtime::end(Ending e, std::string message) {
  if (ending_ != Ending::running) return;
  ending_ = e;
  message_ = std::move(message);
}

int Runtime::exit_code() const {
  switch (ending_) {
    case Ending::running: return -1;
    case Ending::exited: return 0;
    default: return 2;  // runtime/panic.go fatalthrow/fatalpanic: exit(2)
  }
}

// runtime/proc.go main: "The main goroutine." -- runtime.main runs on m0 with allp[0]; the other
// Ps start idle (procresize: "for i := nprocs - 1; i >= 0; i-- { ... pidleput(p, now) }").
Gid Runtime::start() {
  PAPAYA_ASSERT(gs_.size() == 1, "start twice");
  gs_.push_back(std::make_unique<G>(G{.id = 1, .status = GStatus::dead}));
  set_g(*gs_.back(), GStatus::runnable, GoWhy::start);
  for (int i = config_.gomaxprocs - 1; i >= 1; --i) pidleput(pr(i));
  P& p0 = pr(0);
  set_p(p0, PStatus::running, GoWhy::start);
  execute(p0, 1, false);
  return 1;
}

ObjId Runtime::new_mutex() {
  mutexes_.emplace_back();
  return static_cast<ObjId>(mutexes_.size() - 1);
}
ObjId Runtime::new_rwmutex() {
  RWMutex rw;
  rw.w = new_mutex();
  rwmutexes_.push_back(rw);
  return static_cast<ObjId>(rwmutexes_.size() - 1);
}
ObjId Runtime::new_cond(ObjId mutex) {
  PAPAYA_ASSERT(mutex > 0 && mutex < mutexes_.size(), "Cond over no such Mutex");
  conds_.push_back(Cond{.mutex = mutex});
  return static_cast<ObjId>(conds_.size() - 1);
}
ObjId Runtime::new_chan(std::size_t cap) {
  chans_.push_back(Chan{.cap = cap});
  return static_cast<ObjId>(chans_.size() - 1);
}
ObjId Runtime::new_fd() {
  fds_.emplace_back();
  return static_cast<ObjId>(fds_.size() - 1);
}

void Runtime::submit(Gid id, const GoOp& op) {
  G& gp = gr(id);
  PAPAYA_ASSERT(gp.status == GStatus::running, "submit to a goroutine that is not running");
  PAPAYA_ASSERT(!gp.pending, "submit with an operation pending");
  gp.pending = op;
  gp.phase = 0;
  gp.lock_phase = 0;
  gp.woken = false;
}

std::vector<Gid> Runtime::want_op() const {
  std::vector<Gid> out;
  want_op(out);
  return out;
}

void Runtime::want_op(std::vector<Gid>& out) const {
  out.clear();
  if (ending_ != Ending::running) return;
  for (const P& pp : ps_)
    if (pp.status == PStatus::running && pp.curg != 0 && !gs_[pp.curg]->pending)
      out.push_back(pp.curg);
}

std::vector<Actor> Runtime::actors() const {
  std::vector<Actor> out;
  actors(out);
  return out;
}

void Runtime::actors(std::vector<Actor>& out) const {
  out.clear();
  for_each_actor([&out](Actor a) { out.push_back(a); });
}

// actors() is not empty, without making the list.
bool Runtime::has_actors() const {
  if (ending_ != Ending::running) return false;
  for (const P& pp : ps_)
    if (pp.status == PStatus::running && (pp.curg == 0 || gs_[pp.curg]->pending)) return true;
  for (Gid id : in_syscall_)
    if (gs_[id]->syscall_done) return true;
  return poller_blocked_ && fd_events_ > 0;
}

GoOutcome Runtime::step(Actor a) {
  PAPAYA_ASSERT(ending_ == Ending::running, "step after the program ended");
  switch (a.kind) {
    case Actor::Kind::syscall_exit: return exitsyscall(gr(a.id));
    case Actor::Kind::poller: return poller_step();
    case Actor::Kind::p: break;
  }
  P& pp = pr(static_cast<int>(a.id));
  PAPAYA_ASSERT(pp.status == PStatus::running, "step of a P that is not running");
  if (pp.curg == 0) {  // a spinning (or just started) M looks for work
    schedule(pp);
    return {GoStatus::scheduled};
  }
  G& gp = gr(pp.curg);
  PAPAYA_ASSERT(gp.pending.has_value(), "step of a goroutine with nothing pending");
  if (preempt_lands(gp)) {
    gosched(gp, pp,
            GoWhy::preempted);  // runtime/preempt.go asyncPreempt2 -> gopreempt_m -> goschedImpl
    return {GoStatus::scheduled};
  }
  GoOutcome o = dispatch(gp, pp);
  if (o.status == GoStatus::done) gp.pending.reset();
  return o;
}

GoOutcome Runtime::dispatch(G& gp, P& pp) {
  // By reference: a copy cost a variant copy at every step, and a select's a vector (a malloc and
  // a free). The rules that reset gp.pending (Gosched here, goexit, Unlock's handoff) do not read
  // the operation after that; its fields they need are passed by value.
  const GoOp& op = *gp.pending;
  return std::visit(
      [&](const auto& o) -> GoOutcome {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, gop::Go>) {
          Gid id = newproc(pp, gp.id);
          return {GoStatus::done, id};
        } else if constexpr (std::is_same_v<T, gop::Gosched>) {
          gp.pending.reset();
          gosched(gp, pp);
          return {GoStatus::scheduled};
        } else if constexpr (std::is_same_v<T, gop::Exit>) {
          goexit(gp, pp);
          return {gp.id == 1 ? GoStatus::ended : GoStatus::exited};
        } else if constexpr (std::is_same_v<T, gop::Lock>) {
          return lock(gp, pp, o.m);
        } else if constexpr (std::is_same_v<T, gop::Unlock>) {
          return unlock(gp, pp, o.m);
        } else if constexpr (std::is_same_v<T, gop::TryLock>) {
          return trylock(o.m);
        } else if constexpr (std::is_same_v<T, gop::RLock>) {
          return rlock(gp, pp, o.rw);
        } else if constexpr (std::is_same_v<T, gop::RUnlock>) {
          return runlock(gp, pp, o.rw);
        } else if constexpr (std::is_same_v<T, gop::WLock>) {
          return wlock(gp, pp, o.rw);
        } else if constexpr (std::is_same_v<T, gop::WUnlock>) {
          return wunlock(gp, pp, o.rw);
        } else if constexpr (std::is_same_v<T, gop::Wait>) {
          return cond_wait(gp, pp, o.cond);
        } else if constexpr (std::is_same_v<T, gop::Signal>) {
          return cond_signal(pp, o.cond);
        } else if constexpr (std::is_same_v<T, gop::Broadcast>) {
          return cond_broadcast(pp, o.cond);
        } else if constexpr (std::is_same_v<T, gop::Send>) {
          return chansend(gp, pp, o.ch, o.v);
        } else if constexpr (std::is_same_v<T, gop::Recv>) {
          return chanrecv(gp, pp, o.ch);
        } else if constexpr (std::is_same_v<T, gop::Close>) {
          return closechan(pp, o.ch);
        } else if constexpr (std::is_same_v<T, gop::Select>) {
          return selectgo(gp, pp, o);
        } else if constexpr (std::is_same_v<T, gop::WaitRead>) {
          return wait_read(gp, pp, o.fd);
        } else {
          static_assert(std::is_same_v<T, gop::Syscall>);
          if (gp.phase == 0) return entersyscall(gp, pp);
          return {GoStatus::done};  // resumed after exitsyscall0 put it on the global queue
        }
      },
      op);
}

void Runtime::advance_to(Duration t) {
  PAPAYA_ASSERT(t >= now_, "time goes backwards");
  now_ = t;
}

void Runtime::syscall_returned(Gid id) {
  G& gp = gr(id);
  PAPAYA_ASSERT(gp.status == GStatus::syscall, "syscall_returned: not in a syscall");
  gp.syscall_done = true;
}

// runtime/proc.go checkdead: "run := mcount() - sched.nmidle - sched.nmidlelocked - sched.nmsys;
// if run > run0 { return }" ... "case _Gwaiting, _Gpreempted: grunning++" ... "if grunning == 0
// { ... fatal("no goroutines (main called runtime.Goexit) - deadlock!") }" ...
// "fatal("all goroutines are asleep - deadlock!")". An M in a syscall or blocked in netpoll is a
// running M, so a program waiting on the network is not deadlocked (Go 1.19 reports none).
Ending Runtime::check_dead() {
  if (ending_ != Ending::running) return ending_;
  if (has_actors()) return ending_;
  if (!in_syscall_.empty() || poller_blocked_) return ending_;
  int waiting = 0;
  for (std::size_t i = 1; i < gs_.size(); ++i)
    if (gs_[i]->status == GStatus::waiting) ++waiting;
  if (waiting == 0)
    end(Ending::deadlock, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!");
  else
    end(Ending::deadlock, "fatal error: all goroutines are asleep - deadlock!");
  return ending_;
}

std::vector<Gid> Runtime::leaked() const {
  std::vector<Gid> out;
  for (std::size_t i = 1; i < gs_.size(); ++i)
    if (gs_[i]->status != GStatus::dead) out.push_back(static_cast<Gid>(i));
  return out;
}

// Paired checks: every runnable goroutine is in exactly one run queue or runnext slot; every
// running one is some running P's curg; local queues stay within 256; idle Ps hold no work.
void Runtime::check_invariants() const {
  std::vector<int> seen(gs_.size(), 0);
  for (Gid id : global_) ++seen[id];
  int idle = 0;
  for (const P& pp : ps_) {
    PAPAYA_ASSERT(pp.runq.size() <= local_runq_size, "local run queue over 256");
    for (Gid id : pp.runq) ++seen[id];
    if (pp.runnext != 0) ++seen[pp.runnext];
    if (pp.status == PStatus::idle) {
      ++idle;
      PAPAYA_ASSERT(pp.runq.empty() && pp.runnext == 0, "an idle P holds work");
      PAPAYA_ASSERT(std::count(pidle_.begin(), pidle_.end(), pp.id) == 1, "idle P not on pidle");
    }
    if (pp.status == PStatus::running && pp.curg != 0) {
      PAPAYA_ASSERT(gs_[pp.curg]->status == GStatus::running, "curg is not _Grunning");
      PAPAYA_ASSERT(gs_[pp.curg]->p == pp.id, "curg's P is not this P");
    }
  }
  PAPAYA_ASSERT(idle == static_cast<int>(pidle_.size()), "pidle list and idle Ps disagree");
  for (std::size_t i = 1; i < gs_.size(); ++i) {
    const G& gp = *gs_[i];
    if (gp.status == GStatus::runnable)
      PAPAYA_ASSERT(seen[i] == 1, "a runnable goroutine is not on exactly one run queue");
    else
      PAPAYA_ASSERT(seen[i] == 0, "a goroutine on a run queue is not runnable");
    if (gp.status == GStatus::running)
      PAPAYA_ASSERT(gp.p >= 0 && ps_[static_cast<std::size_t>(gp.p)].curg == gp.id,
                    "a running goroutine is not its P's curg");
  }
  PAPAYA_ASSERT(std::count_if(fds_.begin(), fds_.end(),
                              [](const PollDesc& d) { return d.event; }) == fd_events_,
                "fd_events disagrees with the descriptors' events");
  int spinning = 0;
  for (const P& pp : ps_) spinning += pp.spinning ? 1 : 0;
  PAPAYA_ASSERT(spinning == nmspinning_, "nmspinning disagrees with the spinning Ps");
}

}  // namespace papaya::model::go
