// RealOs: signals. sigaction(2), sigprocmask(2), sigsuspend(2), pause(2), setitimer(2).
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include "real/caught_flags.hpp"
#include "real/errno_map.hpp"
#include "real/real_os.hpp"
#include "real/signal_map.hpp"

namespace papaya::real {

namespace {

struct sigaction to_native(SigAction action) {
  struct sigaction sa = {};
  sigemptyset(&sa.sa_mask);
  switch (action.kind) {
    case SigAction::Kind::dfl: sa.sa_handler = SIG_DFL; break;
    case SigAction::Kind::ign: sa.sa_handler = SIG_IGN; break;
    case SigAction::Kind::catch_flag:
      sa.sa_handler = papaya_real_on_signal;
      // sigaction(2): SA_RESTART "Provide behavior compatible with BSD signal semantics by
      // making certain system calls restartable across signals."
      if (action.restart) sa.sa_flags = SA_RESTART;
      break;
  }
  return sa;
}

SigAction from_native(const struct sigaction& sa) {
  bool restart = (sa.sa_flags & SA_RESTART) != 0;
  if ((sa.sa_flags & SA_SIGINFO) == 0) {
    if (sa.sa_handler == SIG_DFL) return SigAction::dfl();
    if (sa.sa_handler == SIG_IGN) return SigAction::ign();
  }
  // Our trampoline, or a handler someone else installed: either way the signal is caught.
  return SigAction::catch_flag(restart);
}

// The calling thread's mask with papaya's named signals replaced by `set`: signals papaya does
// not name keep whatever state they had, so setmask/sigsuspend never unblock a stranger's signal.
Result<sigset_t> mask_with_named(SigSet set) {
  sigset_t cur;
  if (::sigprocmask(SIG_BLOCK, nullptr, &cur) < 0) return last_errno();
  for (Sig s : all_signals) {
    if (set.has(s)) {
      sigaddset(&cur, to_signo(s));
    } else {
      sigdelset(&cur, to_signo(s));
    }
  }
  return cur;
}

timeval to_timeval_round_up(Duration d) {
  auto us = std::chrono::ceil<std::chrono::microseconds>(d).count();
  return timeval{static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)};
}

Duration from_timeval(const timeval& tv) {
  return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

}  // namespace

Result<SigAction> RealOs::sigaction(Sig sig, SigAction action, Site) {
  struct sigaction sa = to_native(action);
  struct sigaction old = {};
  if (::sigaction(to_signo(sig), &sa, &old) < 0) return last_errno();  // EINVAL for SIGKILL
  return from_native(old);
}

Result<SigSet> RealOs::sigprocmask(SigHow how, SigSet set, Site) {
  sigset_t old;
  int rc = 0;
  if (how == SigHow::setmask) {
    Result<sigset_t> next = mask_with_named(set);
    if (!next) return next.error();
    rc = ::sigprocmask(SIG_SETMASK, &*next, &old);
  } else {
    sigset_t s = to_sigset(set);
    rc = ::sigprocmask(how == SigHow::block ? SIG_BLOCK : SIG_UNBLOCK, &s, &old);
  }
  if (rc < 0) return last_errno();
  return from_sigset(old);
}

Status RealOs::sigsuspend(SigSet mask, Site) {
  Result<sigset_t> during = mask_with_named(mask);
  if (!during) return during.error();
  // sigsuspend(2): "always returns -1, with errno set to indicate the error (normally, EINTR)".
  ::sigsuspend(&*during);
  return last_errno();
}

Status RealOs::pause(Site) {
  // pause(2): "returns only when a signal was caught and the signal-catching function returned.
  // In this case, pause() returns -1, and errno is set to EINTR."
  ::pause();
  return last_errno();
}

bool RealOs::take_caught(Sig sig, Site) { return take_caught_flag(to_signo(sig)); }

Result<Duration> RealOs::alarm(Duration after, Site) {
  if (after < Duration::zero()) return Errno::einval;
  // setitimer(2): ITIMER_REAL "decrements in real time, and delivers SIGALRM upon expiration";
  // an it_value of zero disarms it. Round up so a tiny positive delay does not disarm. It is the
  // same timer alarm(2) uses, so the two never fight.
  itimerval next = {};
  next.it_value = to_timeval_round_up(after);
  itimerval old = {};
  if (::setitimer(ITIMER_REAL, &next, &old) < 0) return last_errno();
  return from_timeval(old.it_value);
}

}  // namespace papaya::real
