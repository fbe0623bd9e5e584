#include "real/caught_flags.hpp"

#include <signal.h>

#include <atomic>

namespace papaya::real {

namespace {
// NSIG (glibc: 65) covers standard and real-time signals.
std::atomic<int> caught[NSIG];
static_assert(std::atomic<int>::is_always_lock_free,
              "signal-safety(7): a handler may only touch lock-free atomics");

bool in_range(int signo) { return signo > 0 && signo < NSIG; }
}  // namespace

extern "C" void papaya_real_on_signal(int signo) {
  if (in_range(signo)) caught[signo].store(1, std::memory_order_relaxed);
}

bool take_caught_flag(int signo) {
  return in_range(signo) && caught[signo].exchange(0, std::memory_order_relaxed) != 0;
}

bool peek_caught_flag(int signo) {
  return in_range(signo) && caught[signo].load(std::memory_order_relaxed) != 0;
}

}  // namespace papaya::real
