// Process rules: fork, _exit, zombies and reaping, orphans, waitpid, process groups and sessions.
#include <algorithm>
#include <string>

#include "model/check.hpp"
#include "model/kernel.hpp"
#include "model/limits.hpp"

namespace papaya::model {

// fork(2): "The child's set of pending signals is initially empty (sigpending(2))." "The child
// does not inherit timers from its parent (setitimer(2), alarm(2), timer_create(2))." "The child
// inherits copies of the parent's set of open file descriptors. Each file descriptor in the child
// refers to the same open file description (see open(2)) as the corresponding file descriptor in
// the parent." signal(7): "A child created via fork(2) inherits a copy of its parent's signal
// dispositions." sigprocmask(2): "A child created via fork(2) inherits a copy of its parent's
// signal mask." setpgid(2): "A child created via fork(2) inherits its parent's process group ID."
// The caught flags are process memory: the child gets a copy, as of the page they live on.
// fork(2): "EAGAIN A system-imposed limit on the number of threads was encountered": past
// limits::processes (sequential pids), or where the fork path has no pid (path pids:
// path_child_pid, which also says so in a warning: that bound is the model's, not the program's).
// The child's pid (next_child_pid): the next in order, or its fork path's.
Outcome Kernel::sys(Process& p, const op::Fork&) {
  const Pid pid = next_child_pid(p.pid);
  if (pid == 0) {
    if (config_.path_pids)
      warn("fork: pids by fork path give no pid to child " + std::to_string(p.forks + 1) +
           " of pid " + std::to_string(p.pid) + " (at most " +
           std::to_string(limits::path_pid_fanout) + " children per process, pids below " +
           std::to_string(limits::pid_max) + ")");
    return Outcome::error(Errno::eagain);
  }
  PAPAYA_ASSERT(!exists(pid), "fork: the child's pid is taken");
  Process& c = procs_.emplace_back();  // a deque: `p` stays valid
  if (table_.size() <= static_cast<std::size_t>(pid))
    table_.resize(static_cast<std::size_t>(pid) + 1, nullptr);
  table_[static_cast<std::size_t>(pid)] = &c;
  ++p.forks;
  c.pid = pid;
  c.ppid = p.pid;
  c.pgid = p.pgid;
  c.sid = p.sid;
  c.fds = p.fds;
  c.cloexec = p.cloexec;
  for (OfdId id : c.fds)
    if (id != 0) {
      ++files_[id].refs;
      PAPAYA_ASSERT(files_[id].refs > 1, "fork shared a description nobody else held");
    }
  c.actions = p.actions;
  c.mask = p.mask;
  c.caught = p.caught;
  p.children.push_back(c.pid);
  return Outcome::value(c.pid);
}

// _exit(2): "_exit() terminates the calling process "immediately". Any open file descriptors
// belonging to the process are closed. Any children of the process are inherited by init(1) ...
// The process's parent is sent a SIGCHLD signal."
Outcome Kernel::sys(Process& p, const op::Exit& o) {
  do_exit(p, WaitStatus{p.pid, true, o.code & 0xff, false, Sig::term});
  return Outcome{StepStatus::exited, Errno::ok, 0, 0, p.status, 0, 0, 0};
}

void Kernel::do_exit(Process& p, WaitStatus how) {
  PAPAYA_ASSERT(p.state == ProcState::live, "exit of a process that is not live");
  end_tasks(p);
  finish_write(p);
  flock_delete_block(p);
  if (p.blocked) clear_blocked(p);
  p.pending.reset();
  p.recheck = p.woken = false;
  p.chan = {};
  p.saved_mask.reset();
  p.alarm_at.reset();
  p.sleep_until.reset();
  close_all_descriptors(p);
  p.status = how;
  p.status.pid = p.pid;
  p.state = ProcState::zombie;
  p.pending = std::nullopt;
  reparent_children(p);
  notify_parent(p);
}

// wait(2): "If a parent process terminates, then its "zombie" children (if any) are adopted by
// init(1) ...; init(1) automatically performs a wait to remove the zombies." Here init is pid 1,
// the scenario's root. Once init itself has exited, orphans have no parent and are reaped by the
// kernel when they exit.
void Kernel::reparent_children(Process& p) {
  const bool init_alive = p.pid != 1 && live(1);
  for (Pid cpid : p.children) {
    Process& c = proc(cpid);
    send_parent_death_signal(c);
    if (init_alive) {
      c.ppid = 1;
      proc(1).children.push_back(cpid);
      if (c.state == ProcState::zombie) wake(Chan{ChanKind::children, 1});
    } else {
      c.ppid = 0;
      if (c.state == ProcState::zombie) reap(c);
    }
  }
  p.children.clear();
}

// prctl(2): "PR_SET_PDEATHSIG ... Set the parent-death signal of the calling process to arg2 ...
// This is the signal that the calling process will get when its parent dies."
void Kernel::send_parent_death_signal(Process& child) {
  if (child.state == ProcState::live && child.parent_death_signal)
    generate(child, *child.parent_death_signal);
}

// prctl(2), PR_SET_PDEATHSIG: "Set the parent-death signal of the calling process to arg2".
// fork(2): "The child's parent death signal ... is reset" (the child does not get the field).
Outcome Kernel::sys(Process& p, const op::SetPdeathsig& o) {
  p.parent_death_signal = o.sig;
  return Outcome::value(0);
}

// getppid(2): "getppid() returns the process ID of the parent of the calling process. This will
// be either the ID of the process that created this process using fork(), or, if that process has
// already terminated, the ID of the process to which this process has been reparented". 0 for an
// orphan once init (the scenario's root) has exited.
Outcome Kernel::sys(Process& p, const op::Getppid&) { return Outcome::value(p.ppid); }

// exit(3): "If the parent has set SA_NOCLDWAIT, or has set the SIGCHLD handler to SIG_IGN, the
// status is discarded and the child dies immediately." "Otherwise, the child becomes a "zombie"
// process" ... "If the implementation supports the SIGCHLD signal, this signal is sent to the
// parent."
void Kernel::notify_parent(Process& p) {
  if (p.ppid == 0 || !live(p.ppid)) {
    reap(p);
    return;
  }
  Process& parent = proc(p.ppid);
  if (parent.actions[static_cast<int>(Sig::chld)].kind == SigAction::Kind::ign) {
    reap(p);
  } else {
    generate(parent, Sig::chld);
  }
  wake(Chan{ChanKind::children, static_cast<std::uint32_t>(parent.pid)});
}

void Kernel::reap(Process& child) {
  PAPAYA_ASSERT(child.state == ProcState::zombie, "reap of a process that is not a zombie");
  child.state = ProcState::reaped;
  if (child.ppid != 0 && exists(child.ppid)) {
    auto& siblings = proc(child.ppid).children;
    siblings.erase(std::remove(siblings.begin(), siblings.end(), child.pid), siblings.end());
  }
}

Outcome Kernel::sys(Process& p, const op::Getpid&) { return Outcome::value(p.pid); }

// wait(2): "< -1 meaning wait for any child process whose process group ID is equal to the
// absolute value of pid." "-1 meaning wait for any child process." "0 meaning wait for any child
// process whose process group ID is equal to that of the calling process at the time of the call
// to waitpid()." "> 0 meaning wait for the child whose process ID is equal to the value of pid."
bool Kernel::waitpid_matches(const Process& p, Pid want, const Process& child) const {
  if (want > 0) return child.pid == want;
  if (want == -1) return true;
  if (want == 0) return child.pgid == p.pgid;
  return child.pgid == -want;
}

bool Kernel::waitpid_can_proceed(const Process& p, const op::Waitpid& o) const {
  bool any = false;
  for (Pid c : p.children) {
    const Process& child = proc(c);
    if (!waitpid_matches(p, o.pid, child)) continue;
    if (child.state == ProcState::zombie) return true;
    any = true;
  }
  return !any || o.nohang;  // no such child: ECHILD at once
}

// wait(2): "ECHILD (for waitpid() or waitid()) The process specified by pid (waitpid()) ... does
// not exist or is not a child of the calling process." "waitpid(): on success, returns the process
// ID of the child whose state has changed; if WNOHANG was specified and one or more child(ren)
// specified by pid exist, but have not yet changed state, then 0 is returned." "In the case of a
// terminated child, performing a wait allows the system to release the resources associated with
// the child". Children are scanned oldest first, as Linux walks its children list.
Outcome Kernel::sys(Process& p, const op::Waitpid& o) {
  bool any = false;
  for (Pid c : p.children) {
    Process& child = proc(c);
    if (!waitpid_matches(p, o.pid, child)) continue;
    if (child.state == ProcState::zombie) {
      Outcome out = Outcome::value(child.pid);
      out.wait = child.status;
      reap(child);
      return out;
    }
    any = true;
  }
  if (!any) return Outcome::error(Errno::echild);
  if (o.nohang) {
    Outcome out = Outcome::value(0);
    out.wait = WaitStatus{};
    return out;
  }
  return block(p, Chan{ChanKind::children, static_cast<std::uint32_t>(p.pid)});
}

// setsid(2): "setsid() creates a new session if the calling process is not a process group
// leader. The calling process is the leader of the new session (i.e., its session ID is made the
// same as its process ID). The calling process also becomes the process group leader of a new
// process group in the session" ... "EPERM The process group ID of any process equals the PID of
// the calling process."
Outcome Kernel::sys(Process& p, const op::Setsid&) {
  bool leads = false;
  for_each_process(
      [&](const Process& q) { leads |= q.state != ProcState::reaped && q.pgid == p.pid; });
  if (leads) return Outcome::error(Errno::eperm);
  p.sid = p.pid;
  p.pgid = p.pid;
  return Outcome::value(p.sid);
}

bool Kernel::group_exists_in_session(Pid pgid, Pid sid) const {
  bool found = false;
  for_each_process([&](const Process& q) {
    found |= q.state != ProcState::reaped && q.pgid == pgid && q.sid == sid;
  });
  return found;
}

// setpgid(2): "setpgid() sets the PGID of the process specified by pid to pgid. If pid is zero,
// then the process ID of the calling process is used. If pgid is zero, then the PGID of the
// process specified by pid is made the same as its process ID." "ESRCH ... For setpgid(): pid is
// not the calling process and not a child of the calling process." "EPERM An attempt was made to
// move a process into a process group in a different session, or to change the process group ID
// of one of the children of the calling process and the child was in a different session, or to
// change the process group ID of a session leader". "EINVAL pgid is less than 0".
Outcome Kernel::sys(Process& p, const op::Setpgid& o) {
  if (o.pgid < 0) return Outcome::error(Errno::einval);
  Pid target_pid = o.pid == 0 ? p.pid : o.pid;
  if (target_pid != p.pid &&
      std::find(p.children.begin(), p.children.end(), target_pid) == p.children.end())
    return Outcome::error(Errno::esrch);
  Process& t = proc(target_pid);
  if (t.state != ProcState::live) return Outcome::error(Errno::esrch);
  if (t.sid != p.sid || t.sid == t.pid) return Outcome::error(Errno::eperm);
  Pid pgid = o.pgid == 0 ? t.pid : o.pgid;
  if (pgid != t.pid && !group_exists_in_session(pgid, p.sid)) return Outcome::error(Errno::eperm);
  t.pgid = pgid;
  return Outcome::value(0);
}

// setpgid(2): "getpgid() returns the PGID of the process specified by pid. If pid is zero, the
// process ID of the calling process is used." "ESRCH For getpgid(): pid does not match any
// process."
Outcome Kernel::sys(Process& p, const op::Getpgid& o) {
  if (o.pid == 0) return Outcome::value(p.pgid);
  if (!exists(o.pid)) return Outcome::error(Errno::esrch);
  const Process& t = proc(o.pid);
  if (t.state == ProcState::reaped) return Outcome::error(Errno::esrch);
  return Outcome::value(t.pgid);
}

}  // namespace papaya::model
