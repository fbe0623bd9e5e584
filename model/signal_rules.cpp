// Signal rules: generation (kill, alarm, SIGCHLD, SIGPIPE), the pending set, the mask, delivery at
// a scheduling point or in an interruptible block, default actions, handlers as caught flags,
// EINTR and SA_RESTART, pause, sigsuspend, alarm.
#include "model/check.hpp"
#include "model/kernel.hpp"

namespace papaya::model {

namespace {
constexpr std::uint64_t bit(Sig s) { return std::uint64_t{1} << static_cast<int>(s); }
}  // namespace

// signal(7), "Standard signals": SIGALRM, SIGHUP, SIGINT, SIGKILL, SIGPIPE, SIGTERM, SIGUSR1 and
// SIGUSR2 have action "Term" ("Default action is to terminate the process"); SIGCHLD has "Ign"
// ("Default action is to ignore the signal").
bool Kernel::default_terminates(Sig sig) { return sig != Sig::chld; }

// sigpending(2): "If a signal is both blocked and has a disposition of "ignored", it is not added
// to the mask of pending signals when generated." Linux 6.x does keep it (kernel/signal.c,
// sig_ignored(): "Blocked signals are never ignored, since the signal handler may change by the
// time it is unblocked"), and so does the model: an ignored signal is discarded at generation
// only when it is not blocked.
bool Kernel::discarded_at_generation(const Process& p, Sig sig) {
  if (sig == Sig::kill || p.mask.has(sig)) return false;
  const SigAction& a = p.actions[static_cast<int>(sig)];
  return a.kind == SigAction::Kind::ign ||
         (a.kind == SigAction::Kind::dfl && !default_terminates(sig));
}

// signal(7): "Standard signals do not queue. If multiple instances of a standard signal are
// generated while that signal is blocked, then only one instance of the signal is marked as
// pending (and the signal will be delivered just once when it is unblocked)." A zombie accepts
// the signal and nothing happens.
void Kernel::generate(Process& target, Sig sig) {
  if (target.state != ProcState::live) return;
  if (discarded_at_generation(target, sig)) return;
  target.pending_signals.add(sig);  // a set: a second instance coalesces with the first
  may_be_ready(target);             // a blocked target may wake (blocked_ready)
}

// signal(7): "The signals SIGKILL and SIGSTOP cannot be caught, blocked, or ignored." The sender is
// not a simulated process, so no permission or group rule applies.
void Kernel::kill_from_outside(Pid pid) { generate(proc(pid), Sig::kill); }

// kill(2): "If pid is positive, then signal sig is sent to the process with the ID specified by
// pid." "If pid equals 0, then sig is sent to every process in the process group of the calling
// process." "If pid equals -1, then sig is sent to every process for which the calling process has
// permission to send signals, except for process 1 (init)" ("on Linux the call kill(-1,sig) does
// not signal the calling process") "If pid is less than -1, then sig is
// sent to every process in the process group whose ID is -pid." "ESRCH The target process or
// process group does not exist. Note that an existing process might be a zombie".
Outcome Kernel::sys(Process& p, const op::Kill& o) {
  bool found = false;
  each_process([&](Process& t) {
    if (t.state == ProcState::reaped) return;
    bool hit = o.pid > 0     ? t.pid == o.pid
               : o.pid == 0  ? t.pgid == p.pgid
               : o.pid == -1 ? t.pid != 1 && t.pid != p.pid
                             : t.pgid == -o.pid;
    if (!hit) return;
    found = true;
    generate(t, o.sig);
  });
  return found ? Outcome::value(0) : Outcome::error(Errno::esrch);
}

// signal(7): "Whenever there is a transition from kernel-mode to user-mode execution (e.g., on
// return from a system call or scheduling of a thread onto the CPU), the kernel checks whether
// there is a pending unblocked signal for which the process has established a signal handler."
// "(1.1) The signal is removed from the set of pending signals." Here that transition is the
// process's next scheduling point: every pending, unblocked signal is delivered before its pending
// operation runs. A handler is a caught flag (SigAction::catch_flag); "Term" ends the process;
// "Ign" does nothing. "If multiple standard signals are pending for a process, the order in which
// the signals are delivered is unspecified": the model takes them by number.
Kernel::Delivery Kernel::deliver(Process& p) {
  Delivery d;
  std::uint64_t deliverable = p.pending_signals.bits() & ~p.mask.bits();
  if (deliverable == 0) return d;
  for (Sig s : all_signals) {
    if ((deliverable & bit(s)) == 0) continue;
    p.pending_signals.remove(s);
    const SigAction& a = p.actions[static_cast<int>(s)];
    if (s == Sig::kill || (a.kind == SigAction::Kind::dfl && default_terminates(s))) {
      if (!d.fatal || s == Sig::kill) d.fatal = s;
    } else if (a.kind == SigAction::Kind::catch_flag) {
      p.caught.add(s);
      d.handler_ran = true;
      d.restart = d.restart && a.restart;
    }
  }
  return d;
}

std::optional<Sig> Kernel::fatal_pending(const Process& p) const {
  std::uint64_t deliverable = p.pending_signals.bits() & ~p.mask.bits();
  for (Sig s : all_signals) {
    if ((deliverable & bit(s)) == 0) continue;
    const SigAction& a = p.actions[static_cast<int>(s)];
    if (s == Sig::kill || (a.kind == SigAction::Kind::dfl && default_terminates(s))) return s;
  }
  return std::nullopt;
}

// A blocked process is woken by a pending, unblocked signal that would do something: run a
// handler or terminate it. (sigsuspend(2): "suspends the thread until delivery of a signal whose
// action is to invoke a signal handler or to terminate a process.")
bool Kernel::signal_wakes(const Process& p) const {
  std::uint64_t deliverable = p.pending_signals.bits() & ~p.mask.bits();
  if (deliverable == 0) return false;
  for (Sig s : all_signals) {
    if ((deliverable & bit(s)) == 0) continue;
    const SigAction& a = p.actions[static_cast<int>(s)];
    if (s == Sig::kill || a.kind == SigAction::Kind::catch_flag ||
        (a.kind == SigAction::Kind::dfl && default_terminates(s)))
      return true;
  }
  return false;
}

// signal(7): "If a blocked call to one of the following interfaces is interrupted by a signal
// handler, then the call is automatically restarted after the signal handler returns if the
// SA_RESTART flag was used" -- "read(2), readv(2), write(2), writev(2), and ioctl(2) calls on
// "slow" devices" (a pipe or a socket), "wait(2), wait3(2), wait4(2), waitid(2), and
// waitpid(2)", "Socket interfaces: accept(2), connect(2), recv(2), ... send(2)", "File locking
// interfaces: flock(2)". "The following interfaces are never restarted ...: pause(2),
// sigsuspend(2) ... clock_nanosleep(2), nanosleep(2)".
bool Kernel::restartable(OpKind kind, const Process&) {
  switch (kind) {
    case OpKind::read:
    case OpKind::write:
    case OpKind::waitpid:
    case OpKind::accept:
    case OpKind::connect:
    case OpKind::recv:
    case OpKind::send:
    case OpKind::flock: return true;
    default: return false;
  }
}

// signal(7): "Note that a (local) disk is not a slow device according to this definition; I/O
// operations on disk devices are not interrupted by signals." The inode and f_pos locks a
// regular-file write waits for are uninterruptible; every other wait here is interruptible.
bool Kernel::interruptible(ChanKind kind) {
  return kind != ChanKind::inode_write && kind != ChanKind::ofd_pos && kind != ChanKind::none;
}

Outcome Kernel::terminate(Process& p, Sig sig) {
  do_exit(p, WaitStatus{p.pid, false, 0, true, sig});
  return Outcome{StepStatus::exited, Errno::ok, 0, 0, p.status, 0, 0, 0};
}

// sigaction(2): "EINVAL An invalid signal was specified. This will also be generated if an attempt
// is made to change the action for SIGKILL or SIGSTOP, which cannot be caught or ignored." POSIX
// (and Linux's do_sigaction): setting a pending signal's action to ignore discards it.
Outcome Kernel::sys(Process& p, const op::Sigaction& o) {
  if (o.sig == Sig::kill) return Outcome::error(Errno::einval);
  SigAction old = p.actions[static_cast<int>(o.sig)];
  p.actions[static_cast<int>(o.sig)] = o.action;
  bool ignores = o.action.kind == SigAction::Kind::ign ||
                 (o.action.kind == SigAction::Kind::dfl && !default_terminates(o.sig));
  if (ignores) p.pending_signals.remove(o.sig);
  return Outcome::value(static_cast<std::int64_t>(old.kind), old.restart);
}

// sigprocmask(2): "SIG_BLOCK The set of blocked signals is the union of the current set and the
// set argument." "SIG_UNBLOCK The signals in set are removed from the current set of blocked
// signals." "SIG_SETMASK The set of blocked signals is set to the argument set." "It is not
// possible to block SIGKILL or SIGSTOP. Attempts to do so are silently ignored."
Outcome Kernel::sys(Process& p, const op::Sigprocmask& o) {
  SigSet old = p.mask;
  std::uint64_t m = p.mask.bits();
  switch (o.how) {
    case SigHow::block: m |= o.set.bits(); break;
    case SigHow::unblock: m &= ~o.set.bits(); break;
    case SigHow::setmask: m = o.set.bits(); break;
  }
  p.mask = SigSet::from_bits(m).remove(Sig::kill);
  return Outcome::value(static_cast<std::int64_t>(old.bits()));
}

// sigsuspend(2): "sigsuspend() temporarily replaces the signal mask of the calling thread with the
// mask given by mask and then suspends the thread until delivery of a signal whose action is to
// invoke a signal handler or to terminate a process." "If the signal is caught, then sigsuspend()
// returns after the signal handler returns, and the signal mask is restored to the state before
// the call to sigsuspend()." "sigsuspend() always returns -1, with errno set to indicate the error
// (normally, EINTR)." The swap and the check happen in one step: a signal pending and blocked
// before the call is delivered by it, never lost.
Outcome Kernel::sys(Process& p, const op::Sigsuspend& o) {
  PAPAYA_ASSERT(!p.saved_mask, "sigsuspend re-entered");
  p.saved_mask = p.mask;
  p.mask = SigSet::from_bits(o.mask.bits()).remove(Sig::kill);
  Delivery d = deliver(p);
  if (d.fatal) return terminate(p, *d.fatal);
  if (d.handler_ran) {
    p.mask = *p.saved_mask;
    p.saved_mask.reset();
    return Outcome::error(Errno::eintr);
  }
  return block(p, Chan{ChanKind::signal, static_cast<std::uint32_t>(p.pid)});
}

// pause(2): "pause() causes the calling process (or thread) to sleep until a signal is delivered
// that either terminates the process or causes the invocation of a signal-catching function."
// "pause() returns only when a signal was caught and the signal-catching function returned. In
// this case, pause() returns -1, and errno is set to EINTR." A signal delivered at the scheduling
// point just before pause() (the handler ran, the flag is set) does not end it: the lost wakeup.
Outcome Kernel::sys(Process& p, const op::Pause&) {
  return block(p, Chan{ChanKind::signal, static_cast<std::uint32_t>(p.pid)});
}

// The caught flag of a catch_flag "handler", read and cleared (os.hpp): process memory, not a
// system call; a scheduling point all the same, so a signal can be delivered just before it.
Outcome Kernel::sys(Process& p, const op::TakeCaught& o) {
  bool was = p.caught.has(o.sig);
  p.caught.remove(o.sig);
  return Outcome::value(was ? 1 : 0);
}

// alarm(2): "alarm() arranges for a SIGALRM signal to be delivered to the calling process in
// seconds seconds." "If seconds is zero, any pending alarm is canceled." "In any event any
// previously set alarm() is canceled." "alarm() returns the number of seconds remaining until any
// previously scheduled alarm was due to be delivered, or zero if there was no previously scheduled
// alarm." (Os::alarm takes a Duration: setitimer(ITIMER_REAL), the same timer.)
Outcome Kernel::sys(Process& p, const op::Alarm& o) {
  Duration left{0};
  if (p.alarm_at) left = *p.alarm_at - now_;
  p.alarm_at.reset();
  if (o.after > Duration{0}) p.alarm_at = now_ + o.after;
  return Outcome::value(left.count());
}

}  // namespace papaya::model
