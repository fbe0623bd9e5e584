// daemonise() on the real kernel. Each test runs in a child that makes itself a child subreaper
// (prctl(2) PR_SET_CHILD_SUBREAPER), so the orphaned daemon is re-parented to it and can be
// reaped by pid: nothing outlives the test.
#include "real/daemon.hpp"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "real/real_os.hpp"
#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using namespace std::chrono_literals;
using testing::run_in_child;
using testing::TempDir;

std::string link_of(const std::string& path) {
  char buf[256];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

TEST(Daemonise, TheDaemonLeadsItsGroupOutsideTheCallersSessionInSlashWithNullStreams) {
  TempDir dir;
  std::string pid_path = dir.file("daemon.pid");
  auto out = run_in_child([&] {
    CHILD_CHECK(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    pid_t my_sid = ::getsid(0);
    LaunchOutcome launched = daemonise(
        [&](Readiness& ready) {
          { std::ofstream(pid_path) << ::getpid(); }
          ready.ready();
          RealOs os;
          (void)os.sleep(30s);  // until the test's SIGTERM
          return 0;
        },
        5000ms);
    CHILD_CHECK(launched.exit_code == 0 && launched.error.empty());
    pid_t daemon = 0;
    std::ifstream(pid_path) >> daemon;
    CHILD_CHECK(daemon > 0);
    CHILD_CHECK(::getpgid(daemon) == daemon);                               // leads its own group
    CHILD_CHECK(::getsid(daemon) != my_sid && ::getsid(daemon) != daemon);  // not a session leader
    std::string proc = "/proc/" + std::to_string(daemon);
    CHILD_CHECK(link_of(proc + "/cwd") == "/");
    for (int fd = 0; fd <= 2; ++fd)
      CHILD_CHECK(link_of(proc + "/fd/" + std::to_string(fd)) == "/dev/null");
    CHILD_CHECK(::kill(daemon, SIGTERM) == 0);
    int status = 0;
    CHILD_CHECK(::waitpid(daemon, &status, 0) == daemon);  // ours to reap, as the subreaper
    CHILD_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(Daemonise, AFailureReportedByTheDaemonReachesTheLauncher) {
  auto out = run_in_child([] {
    CHILD_CHECK(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    LaunchOutcome launched = daemonise(
        [](Readiness& ready) {
          ready.failed(2, "no such user: bob");
          return 2;
        },
        5000ms);
    CHILD_CHECK(launched.exit_code == 2 && launched.error == "no such user: bob");
    while (::waitpid(-1, nullptr, 0) > 0) {
    }
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(Daemonise, ADaemonThatDiesSilentlyOrTooSlowlyIsReported) {
  auto out = run_in_child([] {
    CHILD_CHECK(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    LaunchOutcome died = daemonise([](Readiness&) { return 3; }, 5000ms);
    CHILD_CHECK(died.exit_code == 1 && died.error == "daemon exited before it was ready");
    LaunchOutcome slow = daemonise(
        [](Readiness&) {
          RealOs os;
          (void)os.sleep(500ms);
          return 0;
        },
        100ms);
    CHILD_CHECK(slow.exit_code == 1 && slow.error == "daemon not ready after 100 ms");
    while (::waitpid(-1, nullptr, 0) > 0) {
    }
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

}  // namespace
}  // namespace papaya::real
