#include "real/supervisor.hpp"

#include <string>

namespace papaya::real {

namespace {

constexpr Sig forwarded[] = {Sig::int_, Sig::term, Sig::hup};
constexpr Sig taken[] = {Sig::int_, Sig::term, Sig::hup, Sig::chld, Sig::alrm};

struct SavedSignals {
  SigAction actions[std::size(taken)];
  SigSet mask;
};

// Catches every signal in `taken`, blocked, so none arrives between a check and sigsuspend.
bool take_over(Os& os, SavedSignals& saved) {
  SigSet all;
  for (Sig s : taken) all.add(s);
  Result<SigSet> mask = os.sigprocmask(SigHow::block, all);
  if (!mask) return false;
  saved.mask = *mask;
  for (size_t i = 0; i < std::size(taken); ++i) {
    Result<SigAction> old = os.sigaction(taken[i], SigAction::catch_flag());
    if (!old) return false;
    saved.actions[i] = *old;
  }
  return true;
}

void restore(Os& os, const SavedSignals& saved) {
  for (size_t i = 0; i < std::size(taken); ++i) (void)os.sigaction(taken[i], saved.actions[i]);
  (void)os.sigprocmask(SigHow::setmask, saved.mask);
}

int exit_status(const WaitStatus& ws) {
  if (ws.exited) return ws.exit_code;
  return 128 + static_cast<int>(ws.term_sig);  // Sig's values are Linux's numbers
}

// After the server is gone: whatever it left in its group is ended, bounded in time. kill(2) to
// an empty group is ESRCH, which ends the sweep at once in the usual case. kill(2): "Note that an
// existing process might be a zombie": a cluster's inner process, ended by the same SIGTERM as
// its parent, is briefly a zombie re-parented to init. Only what is still there after the pause
// (and so needed SIGKILL) is worth a warning.
void sweep_group(Os& os, Pid pgid, Duration pause) {
  if (!os.kill(-pgid, Sig::term).ok()) return;
  (void)os.sleep(pause);
  if (!os.kill(-pgid, Sig::kill).ok()) return;
  os.log(LogLevel::warning,
         "server left processes in group " + std::to_string(pgid) + "; killed them");
}

// Waits for the server, forwarding signals to its group. Returns its wait status.
WaitStatus wait_forwarding(Os& os, Pid server, SigSet wait_mask, const SupervisorOptions& opt) {
  bool stopping = false;
  for (;;) {
    Result<WaitStatus> ws = os.waitpid(server, true);
    if (ws.ok() && ws->pid == server) return *ws;
    if (!ws.ok() && ws.error() != Errno::eintr)
      return WaitStatus{server, true, 1, false, Sig::term};
    for (Sig s : forwarded) {
      if (!os.take_caught(s)) continue;
      // A hang-up (the terminal went away) asks for the same clean stop as SIGTERM; the
      // server's own processes keep SIGHUP's default, which would end them without cleanup.
      (void)os.kill(-server, s == Sig::hup ? Sig::term : s);
      if (!stopping) (void)os.alarm(opt.grace);
      stopping = true;
    }
    if (os.take_caught(Sig::alrm) && stopping) {
      os.log(LogLevel::warning, "server did not stop within the grace period; sending SIGKILL");
      (void)os.kill(-server, Sig::kill);
    }
    (void)os.take_caught(Sig::chld);
    (void)os.sigsuspend(wait_mask);  // returns once any of them is caught
  }
}

}  // namespace

int supervise(Os& os, const std::function<int(Os&)>& server, SupervisorOptions options) {
  SavedSignals saved;
  if (!take_over(os, saved)) {
    restore(os, saved);
    return 1;
  }
  const Pid me = os.getpid();
  Result<Pid> child = os.fork([&server, &saved, me](Os& c) {
    restore(c, saved);
    // setpgid(2): called by both parent and child, so the group exists whichever runs first.
    (void)c.setpgid(0, 0);
    // A supervisor killed -9 cannot forward anything: the kernel tells the server instead, with
    // the SIGTERM of a clean stop. A supervisor that died before this call is seen by getppid.
    (void)c.set_parent_death_signal(Sig::term);
    if (c.getppid() != me) c.exit(1);
    c.exit(server(c));
  });
  if (!child) {
    os.log(LogLevel::error,
           std::string("cannot fork the server: ") + std::string(errno_name(child.error())));
    restore(os, saved);
    return 1;
  }
  (void)os.setpgid(*child, *child);  // EACCES/ESRCH if the child was first: harmless
  SigSet wait_mask = saved.mask;
  for (Sig s : taken) wait_mask.remove(s);
  WaitStatus ws = wait_forwarding(os, *child, wait_mask, options);
  (void)os.alarm(Duration::zero());
  sweep_group(os, *child, options.sweep);
  restore(os, saved);
  return exit_status(ws);
}

}  // namespace papaya::real
