// run_on_real: the harness side of the real world. This file (and only this one in
// conformance/kernel/) talks to libc directly: it must stand outside the Os world it creates.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "conformance/kernel/supervise.hpp"
#include "conformance/kernel/worlds.hpp"
#include "real/real_os.hpp"
#if PAPAYA_CONFORMANCE_FIBER
#include "real/fiber/fiber_os.hpp"
#endif

namespace papaya::conformance {

namespace {

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void nap_ms(long ms) {
  timespec ts{0, ms * 1'000'000L};
  while (::nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

// Polls until `pid` has exited (without reaping it, so its process group still exists) or the
// deadline passes. True when it exited.
bool wait_exited(pid_t pid, std::chrono::milliseconds deadline) {
  for (auto waited = std::chrono::milliseconds(0); waited < deadline;
       waited += std::chrono::milliseconds(2)) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid) {
      return true;
    }
    nap_ms(2);
  }
  return false;
}

std::string describe(int status) {
  if (WIFEXITED(status)) return "exited " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// A `threads` scenario's root: its body as the main goroutine of a FiberOs with two scheduler
// threads, so two goroutines it starts are two threads of the process (real/fiber/). The root
// then exits (RealOs's fork ends the child when the body returns), the threads with it.
void on_two_threads(Os&, const Scenario& s, const Ctx& c) {
#if PAPAYA_CONFORMANCE_FIBER
  (void)real::fiber::run_main({}, 2, [&](Os& fos) {
    s.body(fos, c);
    return 0;
  });
#else
  (void)s;
  (void)c;
  ::_exit(98);  // no Boost.Fiber in this build: the outcome's "root: exited 98" says so
#endif
}

}  // namespace

std::string run_on_real(const Scenario& s, std::chrono::milliseconds deadline) {
  // Orphans of a scenario (its grandchildren whose parent exited) are reparented to this test
  // process rather than to init, which in a container may never reap them. To the scenario that
  // is the same rule: the orphan is not its grandparent's child.
  static const bool subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  (void)subreaper;
  std::string dir = (std::filesystem::temp_directory_path() / "papaya-conformance-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return "HARNESS: mkdtemp failed\n";
  const Ctx ctx(dir);

  pid_t pid = ::fork();
  if (pid < 0) return "HARNESS: fork failed\n";
  if (pid == 0) {
    ::setpgid(0, 0);  // a group of its own: kill(0, ...) in the scenario stays inside it
    {
      real::RealOs os;
      supervise(os, s, ctx, s.threads ? RootRunner(on_two_threads) : RootRunner());
    }
    ::_exit(0);
  }
  ::setpgid(pid, pid);  // also from this side, so the group exists whoever runs first

  std::string problems;
  if (!wait_exited(pid, deadline)) {
    problems += "HARNESS: timed out after " + std::to_string(deadline.count()) +
                " ms; the scenario's process group was killed\n";
  }
  ::kill(-pid, SIGKILL);  // stragglers (and, on a timeout, everything) of the scenario's group
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {  // orphans reparented here, now zombies
  }
  if (problems.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    problems += "HARNESS: the supervisor " + describe(status) + "\n";
  }

  std::string outcome = read_whole(ctx.observations_path());
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return outcome + problems;
}

}  // namespace papaya::conformance
