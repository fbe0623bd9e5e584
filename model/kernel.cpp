// The Kernel's core: submitting, readiness, stepping (signals first, then the operation), wait
// channels, timers and inspection. The rules themselves live in *_rules.cpp, one function each.
#include "model/kernel.hpp"

#include <algorithm>

#include "model/check.hpp"
#include "model/limits.hpp"

namespace papaya::model {

Kernel::Kernel(Choices& choices, Config config) : choices_(choices), config_(config) {
  table_.push_back(&procs_.emplace_back());  // pid 0: nobody
  files_.emplace_back();                     // id 0: none
  inodes_.emplace_back();
  pipes_.emplace_back();
  socks_.emplace_back();
  listeners_.emplace_back();
  next_ephemeral_ = limits::ephemeral_first;
}

Process& Kernel::proc(Pid pid) {
  PAPAYA_ASSERT(exists(pid), "no such pid in the process table");
  return *table_[static_cast<std::size_t>(pid)];
}

const Process& Kernel::proc(Pid pid) const {
  PAPAYA_ASSERT(exists(pid), "no such pid in the process table");
  return *table_[static_cast<std::size_t>(pid)];
}

Pid path_child_pid(Pid parent, std::uint32_t n) {
  constexpr auto fanout = static_cast<std::uint64_t>(limits::path_pid_fanout);
  if (parent < 1 || n >= fanout) return 0;
  const std::uint64_t pid = (static_cast<std::uint64_t>(parent) - 1) * fanout + 2 + n;
  return pid < static_cast<std::uint64_t>(limits::pid_max) ? static_cast<Pid>(pid) : 0;
}

// Sequential: the next pid in order, or none past limits::processes. Path pids: by the fork path.
Pid Kernel::next_child_pid(Pid parent) const {
  if (config_.path_pids) return path_child_pid(parent, proc(parent).forks);
  if (procs_.size() > static_cast<std::size_t>(limits::processes)) return 0;
  return static_cast<Pid>(procs_.size());
}

const Process& Kernel::process(Pid pid) const { return proc(pid); }

bool Kernel::live(Pid pid) const {
  return exists(pid) && table_[static_cast<std::size_t>(pid)]->state == ProcState::live;
}

bool Kernel::has_pending(Pid pid) const { return proc(pid).pending.has_value(); }

void Kernel::warn(std::string what) { warnings_.push_back(std::move(what)); }

std::vector<std::string> Kernel::take_warnings() {
  std::vector<std::string> out;
  out.swap(warnings_);
  return out;
}

Pid Kernel::create_init() {
  PAPAYA_ASSERT(procs_.size() == 1, "create_init: init already exists");
  Process& p = procs_.emplace_back();
  table_.push_back(&p);
  p.pid = 1;
  p.pgid = 1;
  p.sid = 1;
  // fds 0, 1, 2: one description on the null device, as a shell leaves stdin/stdout/stderr open.
  OpenFile& null_dev = files_.emplace_back();
  null_dev.kind = FileKind::null;
  null_dev.flags = OpenFlags::rdwr;
  OfdId null_id = static_cast<OfdId>(files_.size() - 1);
  p.fds.assign(limits::first_free_fd, null_id);
  files_[null_id].refs = limits::first_free_fd;
  return p.pid;
}

void Kernel::submit(Pid pid, const Op& op) {
  Process& p = proc(pid);
  PAPAYA_ASSERT(p.state == ProcState::live, "submit: the process is not live");
  PAPAYA_ASSERT(!p.pending, "submit: the process already has a pending operation");
  PAPAYA_ASSERT(!p.blocked && !p.progress.active, "submit: stale blocking state");
  p.pending = op;
  may_be_ready(p);
}

// ---- wait channels ------------------------------------------------------------------------

void Kernel::wake_sleepers(Chan chan) {
  for (const Sleeper& s : sleepers_) {
    if (s.chan != chan) continue;
    Process& q = *table_[static_cast<std::size_t>(s.pid)];
    // Where the thread's call state is now: `q`'s fields hold thread q.task's (swap_task), and
    // the first thread's then sits in that thread's slot.
    const std::uint16_t slot = s.tid == q.task ? 0 : s.tid == 0 ? q.task : s.tid;
    if (slot == 0)
      q.recheck = true;
    else
      q.tasks[slot - 1u].recheck = true;
    // A thread's wake marks its process too (while another thread's state is swapped in to step).
    may_be_ready(q);
  }
}

void Kernel::set_blocked(Process& p) {
  PAPAYA_ASSERT(!p.blocked && p.chan.kind != ChanKind::none, "blocked twice, or without a channel");
  p.blocked = true;
  sleepers_.push_back({p.chan, p.pid, p.task});
  const unsigned b = chan_bucket(p.chan);
  if (chan_sleepers_[b]++ == 0) chan_buckets_ |= std::uint64_t{1} << b;
}

void Kernel::clear_blocked(Process& p) {
  if (!p.blocked) return;  // (callers test it first: run_pending stays small enough to inline)
  p.blocked = false;
  auto it = std::find_if(sleepers_.begin(), sleepers_.end(),
                         [&](const Sleeper& s) { return s.pid == p.pid && s.tid == p.task; });
  PAPAYA_ASSERT(it != sleepers_.end(), "a blocked thread missing from the sleepers");
  const unsigned b = chan_bucket(it->chan);
  if (--chan_sleepers_[b] == 0) chan_buckets_ &= ~(std::uint64_t{1} << b);
  *it = sleepers_.back();
  sleepers_.pop_back();
}

// send(2)/recv(2)/accept(2): "EAGAIN or EWOULDBLOCK The socket is marked nonblocking and the
// receive operation would block" ("... and the requested operation would block", "... and no
// connections are present to be accepted"). A nonblocking send that copied part of its bytes
// returns what it copied (tcp_sendmsg: "if (copied) goto out").
Outcome Kernel::block(Process& p, Chan chan) {
  if (p.nonblocking_sockets && (chan.kind == ChanKind::socket || chan.kind == ChanKind::listener)) {
    if (p.progress.active && p.progress.done > 0) return send_result(p, Outcome::value(0));
    p.progress = Progress{};
    return Outcome::error(Errno::eagain);
  }
  p.chan = chan;
  return Outcome::blocked();
}

void Kernel::set_nonblocking_sockets(Pid pid) { proc(pid).nonblocking_sockets = true; }

bool Kernel::would_block(Pid pid, const Op& op) const {
  const Process& p = proc(pid);
  return p.state == ProcState::live && !can_proceed(p, op);
}

bool Kernel::blocked_ready(Process& p) {
  if (p.state != ProcState::live || !p.pending) return false;
  // Most blocked processes have no deliverable signal: test that before asking signal_wakes.
  if ((p.pending_signals.bits() & ~p.mask.bits()) != 0 && interruptible(p.chan.kind) &&
      signal_wakes(p))
    return true;
  // Re-evaluated only when its channel changed. Every change that can falsify a condition wakes
  // the channel too (an acquisition as well as a release), so `woken` is never stale.
  if (p.recheck) {
    p.recheck = false;
    p.woken = can_proceed(p);
  }
  return p.woken;
}

// Whether the pending (blocked) operation's condition holds now. Only blocking operations can be
// false here; everything else proceeds (possibly to an error).
bool Kernel::can_proceed(const Process& p, const Op& op) const {
  switch (kind_of(op)) {
    case OpKind::waitpid: return waitpid_can_proceed(p, std::get<op::Waitpid>(op));
    case OpKind::pause:
    case OpKind::sigsuspend: return false;
    case OpKind::sleep: return p.sleep_until && now_ >= *p.sleep_until;
    case OpKind::flock: return !p.flock_wait.queued;  // woken: off its blocker's list
    case OpKind::read:
    case OpKind::recv: {
      Fd fd = kind_of(op) == OpKind::read ? std::get<op::Read>(op).fd : std::get<op::Recv>(op).fd;
      const OpenFile* f = file_of(p, fd);
      if (!f) return true;
      if (f->kind == FileKind::pipe_read) return pipe_read_can_proceed(pipes_[f->object]);
      if (f->kind == FileKind::stream) return recv_can_proceed(socks_[f->object]);
      if (f->kind == FileKind::regular) return pos_lock_free(p, *f);
      return true;
    }
    case OpKind::write:
    case OpKind::send: {
      Fd fd = kind_of(op) == OpKind::write ? std::get<op::Write>(op).fd : std::get<op::Send>(op).fd;
      std::size_t n = kind_of(op) == OpKind::write ? std::get<op::Write>(op).bytes.size()
                                                   : std::get<op::Send>(op).bytes.size();
      const OpenFile* f = file_of(p, fd);
      if (!f) return true;
      if (f->kind == FileKind::pipe_write) {
        std::size_t left = n - p.progress.done;
        return pipe_write_can_proceed(pipes_[f->object], n <= limits::pipe_buf ? left : 1);
      }
      if (f->kind == FileKind::stream)
        return send_can_proceed(socks_[f->object], n - p.progress.done);
      if (f->kind == FileKind::regular)
        return writer_lock_free(p, inodes_[f->object]) && pos_lock_free(p, *f);
      return true;
    }
    case OpKind::pwrite: {
      const OpenFile* f = file_of(p, std::get<op::Pwrite>(op).fd);
      return !f || f->kind != FileKind::regular || writer_lock_free(p, inodes_[f->object]);
    }
    case OpKind::lseek: {
      const OpenFile* f = file_of(p, std::get<op::Lseek>(op).fd);
      return !f || f->kind != FileKind::regular || pos_lock_free(p, *f);
    }
    case OpKind::accept: {
      const OpenFile* f = file_of(p, std::get<op::Accept>(op).fd);
      if (!f || f->kind != FileKind::listener) return true;
      const Listener& l = listeners_[f->object];
      return !l.queue.empty() || !l.open;
    }
    case OpKind::connect: return connect_can_proceed(std::get<op::Connect>(op).port);
    default: return true;
  }
}

// ---- stepping -------------------------------------------------------------------------------

Outcome Kernel::step(Pid pid) {
  Process& p = proc(pid);
  PAPAYA_ASSERT(p.state == ProcState::live && p.pending,
                "step: the process has no pending operation");
  const bool was_blocked = p.blocked;
  if (p.progress.active && !was_blocked) {
    // Between two steps of one call (pages of a write): a handler would run only when the call
    // returns, but a fatal signal ends the process here, the write left half done.
    if (auto s = fatal_pending(p)) return terminate(p, *s);
  } else {
    Delivery d = deliver(p);
    if (d.fatal) return terminate(p, *d.fatal);
    if (was_blocked && d.handler_ran && interruptible(p.chan.kind) && p.progress.active &&
        p.progress.done > 0) {
      // Part of the data is through: the call returns it, SA_RESTART or not (pipe_write and
      // tcp_sendmsg return what they copied rather than -ERESTARTSYS).
      return interrupted(p);
    }
    if (was_blocked && d.handler_ran && interruptible(p.chan.kind) &&
        !(d.restart && restartable(kind_of(*p.pending), p))) {
      // Woken and interrupted at once: which came first is the kernel's race to decide.
      if (!can_proceed(p) || choices_.choose(2, DecisionKind::signal_race) == 1)
        return interrupted(p);
    } else if (was_blocked && d.handler_ran && p.flock_wait.queued) {
      // Restarted after the handler (SA_RESTART): the flock request left its queue on the way
      // out (flock_lock_inode_wait's locks_delete_block) and asks again, at the tail.
      flock_delete_block(p);
    }
  }
  return run_pending(p);
}

// The pending operation's step, once signals had their say.
// Inlined into both step()s: a call per step was 13 instructions of a getpid (docs/performance.md).
[[gnu::always_inline]] inline Outcome Kernel::run_pending(Process& p) {
  if (p.blocked) clear_blocked(p);
  p.recheck = p.woken = false;
  p.chan = {};
  Outcome out = std::visit([&](const auto& o) { return sys(p, o); }, *p.pending);
  switch (out.status) {
    case StepStatus::blocked:
      PAPAYA_ASSERT(p.chan.kind != ChanKind::none, "blocked without a wait channel");
      set_blocked(p);
      break;
    case StepStatus::done: p.pending.reset(); break;
    case StepStatus::progress:
      PAPAYA_ASSERT(p.progress.active, "progress without progress state");
      may_be_ready(p);  // ready for its next step (as it was for this one, unless killed)
      break;
    case StepStatus::exited: PAPAYA_ASSERT(p.state != ProcState::live, "exited but live"); break;
  }
  return out;
}

// ---- a process's other threads ---------------------------------------------------------------

void Kernel::swap_task(Process& p, std::uint16_t tid) {
  PAPAYA_ASSERT(tid >= 1 && tid <= p.tasks.size(), "no such thread");
  PAPAYA_ASSERT(p.task == 0 || p.task == tid, "two threads' states swapped in at once");
  Task& t = p.tasks[tid - 1u];
  std::swap(p.pending, t.pending);
  std::swap(p.blocked, t.blocked);
  std::swap(p.chan, t.chan);
  std::swap(p.recheck, t.recheck);
  std::swap(p.woken, t.woken);
  std::swap(p.progress, t.progress);
  p.task = p.task == 0 ? tid : 0;
}

// clone(2): "Each thread in a thread group ... has its own thread ID (TID)". The inode's writer
// lock (i_rwsem) and the description's f_pos_lock are held by a thread, so two threads of one
// process exclude each other there as two processes do. The owner is the pid for the first
// thread, pid + tid * limits::pid_max for another (pids stay below limits::pid_max).
Pid Kernel::owner(const Process& p) {
  static_assert(static_cast<std::int64_t>(limits::pid_max) * (limits::tasks_per_process + 1) <
                    std::int64_t{1} << 31,
                "thread owners are pid + tid * pid_max");
  return p.pid + static_cast<Pid>(p.task) * limits::pid_max;
}

bool Kernel::runs_on_a_task(Pid pid, const Op& op) const {
  switch (kind_of(op)) {
    case OpKind::read:
    case OpKind::write:
    case OpKind::pread:
    case OpKind::pwrite:
    case OpKind::lseek:
    case OpKind::file_size:
    case OpKind::ftruncate: break;
    default: return false;
  }
  const Fd fd = std::visit(
      [](const auto& o) -> Fd {
        if constexpr (requires { o.fd; })
          return o.fd;
        else
          return -1;
      },
      op);
  const OpenFile* f = file_of(proc(pid), fd);
  return f != nullptr && f->kind == FileKind::regular;
}

std::uint16_t Kernel::idle_task(Pid pid) {
  Process& p = proc(pid);
  PAPAYA_ASSERT(p.task == 0, "idle_task while a thread is stepping");
  for (std::size_t i = 0; i < p.tasks.size(); ++i)
    if (!p.tasks[i].pending) return static_cast<std::uint16_t>(i + 1);
  if (p.tasks.size() >= static_cast<std::size_t>(limits::tasks_per_process)) return 0;
  p.tasks.emplace_back();
  return static_cast<std::uint16_t>(p.tasks.size());
}

void Kernel::submit(Pid pid, std::uint16_t tid, const Op& op) {
  if (tid == 0) {
    submit(pid, op);
    return;
  }
  Process& p = proc(pid);
  PAPAYA_ASSERT(p.state == ProcState::live, "submit: the process is not live");
  PAPAYA_ASSERT(tid <= p.tasks.size() && !p.tasks[tid - 1u].pending,
                "submit: the thread already has a pending operation");
  PAPAYA_ASSERT(runs_on_a_task(pid, op), "submit: a call only the first thread runs");
  p.tasks[tid - 1u].pending = op;
}

bool Kernel::ready(Pid pid, std::uint16_t tid) {
  if (tid == 0) return ready(pid);
  Process& p = proc(pid);
  PAPAYA_ASSERT(tid <= p.tasks.size(), "ready: no such thread");
  Task& t = p.tasks[tid - 1u];
  if (p.state != ProcState::live || !t.pending) return false;
  if (!t.blocked) return true;
  if (t.recheck) {  // its waits are uninterruptible (the inode's, the description's): no signal
    swap_task(p, tid);
    p.recheck = false;
    p.woken = can_proceed(p);
    swap_task(p, tid);
  }
  return t.woken;
}

Outcome Kernel::step(Pid pid, std::uint16_t tid) {
  if (tid == 0) return step(pid);
  Process& p = proc(pid);
  PAPAYA_ASSERT(p.state == ProcState::live && tid <= p.tasks.size() && p.tasks[tid - 1u].pending,
                "step: the thread has no pending operation");
  swap_task(p, tid);
  Outcome out = run_pending(p);
  swap_task(p, tid);
  PAPAYA_ASSERT(out.status != StepStatus::exited, "a thread's file call ended its process");
  return out;
}

const Op* Kernel::pending(Pid pid, std::uint16_t tid) const {
  const Process& p = proc(pid);
  if (tid == 0) return p.pending ? &*p.pending : nullptr;
  PAPAYA_ASSERT(tid <= p.tasks.size(), "pending: no such thread");
  const Task& t = p.tasks[tid - 1u];
  return t.pending ? &*t.pending : nullptr;
}

// _exit(2): "This function does not return": every thread of the process ends with it; a write
// a thread had in progress stops where it is (its locks go).
void Kernel::end_tasks(Process& p) {
  PAPAYA_ASSERT(p.task == 0, "a process exits while another thread's state is swapped in");
  for (std::uint16_t tid = 1; tid <= p.tasks.size(); ++tid) {
    swap_task(p, tid);
    finish_write(p);
    if (p.blocked) clear_blocked(p);
    p.pending.reset();
    p.recheck = p.woken = false;
    p.chan = {};
    swap_task(p, tid);
  }
}

// signal(7): "If a blocked call to one of the following interfaces is interrupted by a signal
// handler, then the call is automatically restarted after the signal handler returns if the
// SA_RESTART flag was used; otherwise the call fails with the error EINTR" ... "If an I/O call on a
// slow device has already transferred some data by the time it is interrupted by a signal handler,
// then the call will return a success status (normally, the number of bytes transferred)."
Outcome Kernel::interrupted(Process& p) {
  Outcome out = Outcome::error(Errno::eintr);
  if (p.progress.active && p.progress.done > 0)
    out = Outcome::value(static_cast<std::int64_t>(p.progress.done));
  finish_write(p);
  flock_delete_block(p);
  if (p.saved_mask) {
    p.mask = *p.saved_mask;  // sigsuspend(2): "the signal mask is restored"
    p.saved_mask.reset();
  }
  p.sleep_until.reset();
  if (p.blocked) clear_blocked(p);
  p.recheck = p.woken = false;
  p.chan = {};
  p.pending.reset();
  return out;
}

// ---- timers ---------------------------------------------------------------------------------

std::optional<Duration> Kernel::next_timer() const {
  std::optional<Duration> best;
  for_each_process([&](const Process& q) {
    if (q.state != ProcState::live) return;
    for (const auto& t : {q.alarm_at, q.blocked ? q.sleep_until : std::nullopt})
      if (t && (!best || *t < *best)) best = t;
  });
  return best;
}

// Time jumps to the next timer when nothing can run (FoundationDB's sim2). Due alarms raise
// SIGALRM; due sleeps become ready.
void Kernel::advance_to(Duration t) {
  PAPAYA_ASSERT(t >= now_, "time runs backwards");
  now_ = t;
  each_process([&](Process& q) {
    if (q.state != ProcState::live) return;
    if (q.alarm_at && *q.alarm_at <= now_) {
      q.alarm_at.reset();
      generate(q, Sig::alrm);
    }
    if (q.blocked && q.sleep_until && *q.sleep_until <= now_) {
      q.recheck = true;
      may_be_ready(q);
    }
  });
}

// ---- inspection -----------------------------------------------------------------------------

std::optional<std::string> Kernel::file_contents(std::string_view path) const {
  auto it = names_.find(path);
  if (it == names_.end()) return std::nullopt;
  return inodes_[it->second].bytes;
}

Footprint Kernel::footprint(Pid pid) const {
  const Process& p = proc(pid);
  Footprint fp;
  if (!p.pending) return fp;
  auto touch_fd = [&](Fd fd) {
    const OpenFile* f = file_of(p, fd);
    if (!f) return;
    fp.touches.push_back({ObjKind::file, p.fds[static_cast<std::size_t>(fd)]});
    switch (f->kind) {
      case FileKind::regular: fp.touches.push_back({ObjKind::inode, f->object}); break;
      case FileKind::pipe_read:
      case FileKind::pipe_write: fp.touches.push_back({ObjKind::pipe, f->object}); break;
      case FileKind::stream:
        fp.touches.push_back({ObjKind::socket, f->object});
        fp.touches.push_back({ObjKind::socket, socks_[f->object].peer});
        break;
      case FileKind::listener: fp.touches.push_back({ObjKind::listener, f->object}); break;
      case FileKind::null: break;
    }
  };
  fp.touches.push_back({ObjKind::process, static_cast<std::uint32_t>(pid)});
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (requires { o.fd; }) touch_fd(o.fd);
        if constexpr (std::is_same_v<T, op::Fork> || std::is_same_v<T, op::Exit> ||
                      std::is_same_v<T, op::Exec>)
          fp.global = true;
        if constexpr (std::is_same_v<T, op::Kill>) {
          if (o.pid > 0)
            fp.touches.push_back({ObjKind::process, static_cast<std::uint32_t>(o.pid)});
          else if (o.pid == 0)
            fp.touches.push_back({ObjKind::group, static_cast<std::uint32_t>(p.pgid)});
          else if (o.pid < -1)
            fp.touches.push_back({ObjKind::group, static_cast<std::uint32_t>(-o.pid)});
          else
            fp.global = true;
        }
        if constexpr (std::is_same_v<T, op::Waitpid>) fp.global = true;  // any child's exit
        if constexpr (std::is_same_v<T, op::Open> || std::is_same_v<T, op::Unlink>) {
          auto it = names_.find(o.path);
          if (it != names_.end()) fp.touches.push_back({ObjKind::inode, it->second});
        }
        if constexpr (std::is_same_v<T, op::Listen> || std::is_same_v<T, op::Connect>)
          fp.touches.push_back({ObjKind::port, o.port});
        if constexpr (std::is_same_v<T, op::Now> || std::is_same_v<T, op::Sleep> ||
                      std::is_same_v<T, op::Alarm>)
          fp.touches.push_back({ObjKind::clock, 0});
      },
      *p.pending);
  return fp;
}

void Kernel::check_invariants() const {
  std::vector<int> refs(files_.size(), 0);
  for_each_process([&](const Process& q) {
    for (OfdId id : q.fds)
      if (id != 0) ++refs[id];
  });
  for (std::size_t id = 1; id < files_.size(); ++id) {
    const OpenFile& f = files_[id];
    PAPAYA_ASSERT(f.refs == refs[id], "a description's refs differ from the descriptors naming it");
    if (f.kind != FileKind::regular || f.refs == 0) {
      PAPAYA_ASSERT(f.refs > 0 || f.lock == LockMode::none,
                    "a closed description still holds a lock");
      continue;
    }
    const Inode& ino = inodes_[f.object];
    auto held = std::count(ino.flocks.begin(), ino.flocks.end(), static_cast<OfdId>(id));
    PAPAYA_ASSERT(held == (f.lock == LockMode::none ? 0 : 1),
                  "flock holder list and description disagree");
    PAPAYA_ASSERT(f.lock != LockMode::none || f.flock_blocked.empty(),
                  "requests blocked on a description that holds no lock");
  }
  for (std::size_t i = 1; i < inodes_.size(); ++i) {
    const Inode& ino = inodes_[i];
    for (OfdId a : ino.flocks)
      for (OfdId b : ino.flocks)
        PAPAYA_ASSERT(!flock_locks_conflict(a, files_[a].lock, b, files_[b].lock),
                      "two conflicting flock locks held at once");
  }
  // Paired with the lists: a queued request is on exactly its blocker's list, and a request on a
  // list is queued there.
  std::vector<int> listed(table_.size(), 0);
  auto count_list = [&](const std::vector<Pid>& list, bool on_request, std::uint32_t blocker) {
    for (Pid q : list) {
      const FlockWait& w = proc(q).flock_wait;
      PAPAYA_ASSERT(w.active && w.queued && w.on_request == on_request && w.blocker == blocker,
                    "a listed flock request does not name its blocker");
      ++listed[static_cast<std::size_t>(q)];
    }
  };
  for (std::size_t id = 1; id < files_.size(); ++id)
    count_list(files_[id].flock_blocked, false, static_cast<std::uint32_t>(id));
  for_each_process([&](const Process& q) {
    count_list(q.flock_wait.blocked, true, static_cast<std::uint32_t>(q.pid));
  });
  for_each_process([&](const Process& q) {
    PAPAYA_ASSERT(listed[static_cast<std::size_t>(q.pid)] == (q.flock_wait.queued ? 1 : 0),
                  "a queued flock request is not on exactly one list");
  });
  for (std::size_t i = 1; i < socks_.size(); ++i) {
    PAPAYA_ASSERT(socks_[i].rx.consistent(), "a stream's byte count differs from its segments");
  }
  // Paired with the threads' own state: every blocked thread is a sleeper on its channel, once.
  std::size_t blocked = 0;
  for_each_process([&](const Process& q) {
    PAPAYA_ASSERT(q.task == 0, "a thread's state left swapped in between steps");
    auto sleeps = [&](std::uint16_t tid, bool is_blocked, Chan chan) {
      if (!is_blocked) return;
      ++blocked;
      PAPAYA_ASSERT(std::count_if(sleepers_.begin(), sleepers_.end(),
                                  [&](const Sleeper& s) {
                                    return s.pid == q.pid && s.tid == tid && s.chan == chan;
                                  }) == 1,
                    "a blocked thread is not a sleeper on its channel exactly once");
    };
    sleeps(0, q.blocked, q.chan);
    for (std::size_t t = 0; t < q.tasks.size(); ++t)
      sleeps(static_cast<std::uint16_t>(t + 1), q.tasks[t].blocked, q.tasks[t].chan);
  });
  PAPAYA_ASSERT(blocked == sleepers_.size(), "a sleeper that is not blocked");
  // Paired with the sleepers: each bucket counts the sleepers on its channels, its bit says so.
  std::array<std::uint32_t, 64> per_bucket{};
  for (const Sleeper& s : sleepers_) ++per_bucket[chan_bucket(s.chan)];
  for (unsigned b = 0; b < 64; ++b) {
    PAPAYA_ASSERT(per_bucket[b] == chan_sleepers_[b], "a channel bucket miscounts its sleepers");
    PAPAYA_ASSERT(((chan_buckets_ >> b) & 1) == (per_bucket[b] != 0 ? 1u : 0u),
                  "a channel bucket's bit differs from its count");
  }
  // Paired with ready(): a process it could hold for is marked (ready_if_marked skips the rest).
  for_each_process([&](const Process& q) {
    if (q.state != ProcState::live || !q.pending) return;
    const bool may =
        !q.blocked || q.recheck || q.woken || (interruptible(q.chan.kind) && signal_wakes(q));
    const auto i = static_cast<std::size_t>(q.pid);
    const bool marked = ((marked_[i / 64] >> (i % 64)) & 1) != 0;
    PAPAYA_ASSERT(!may || marked, "a process that may be ready is not marked");
  });
}

}  // namespace papaya::model
