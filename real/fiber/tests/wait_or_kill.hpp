// Waits for a forked test child until a deadline; a child still running then is killed (a
// fiber runtime that lost a wake-up hangs rather than fails, and a test must end either way).
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

namespace papaya::real::fiber {

// True with the child's wait status in `status` if it ended by `until`; false after killing
// and reaping it.
inline bool wait_or_kill(pid_t pid, std::chrono::steady_clock::time_point until, int& status) {
  for (;;) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return true;
    if (std::chrono::steady_clock::now() > until) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace papaya::real::fiber
