// RealOs: time. clock_gettime(2) CLOCK_MONOTONIC, nanosleep(2).
#include <time.h>

#include "real/errno_map.hpp"
#include "real/real_os.hpp"

namespace papaya::real {

Duration RealOs::now(Site) {
  // clock_gettime(2): CLOCK_MONOTONIC "cannot be set" and does not jump with the wall clock, so
  // deadlines computed from it hold.
  timespec ts = {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

Status RealOs::sleep(Duration d, Site) {
  if (d < Duration::zero()) return Errno::einval;
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(d);
  timespec req = {static_cast<time_t>(secs.count()), static_cast<long>((d - secs).count())};
  // nanosleep(2): a caught signal ends the sleep early with EINTR; not retried, so a signal can
  // cut a wait short (the remaining time is dropped: callers keep deadlines with now()).
  if (::nanosleep(&req, nullptr) < 0) return last_errno();
  return {};
}

}  // namespace papaya::real
