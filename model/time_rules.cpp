// Time rules: the virtual clock, sleeps as timers, and the log (a trace event, nothing else).
#include "model/check.hpp"
#include "model/kernel.hpp"

namespace papaya::model {

// clock_gettime(2): "CLOCK_MONOTONIC A nonsettable system-wide clock that represents monotonic
// time since--as described by POSIX--"some unspecified point in the past"." Here: virtual
// nanoseconds since the run began; they advance only when every process is blocked and a timer is
// due.
Outcome Kernel::sys(Process&, const op::Now&) { return Outcome::value(now_.count()); }

// nanosleep(2): "nanosleep() suspends the execution of the calling thread until either at least
// the time specified in *req has elapsed, or the delivery of a signal that triggers the invocation
// of a handler in the calling thread or that terminates the process." "EINTR The pause has been
// interrupted by a signal that was delivered to the thread".
Outcome Kernel::sys(Process& p, const op::Sleep& o) {
  if (o.d.count() < 0) return Outcome::error(Errno::einval);
  if (!p.sleep_until) p.sleep_until = now_ + o.d;
  if (now_ >= *p.sleep_until) {
    p.sleep_until.reset();
    return Outcome::value(0);
  }
  return block(p, Chan{ChanKind::timer, static_cast<std::uint32_t>(p.pid)});
}

Outcome Kernel::sys(Process&, const op::Log&) { return Outcome::value(0); }

}  // namespace papaya::model
