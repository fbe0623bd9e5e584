// RealOs processes on the real kernel: fork, _exit, waitpid, kill, setsid, setpgid, getpgid.
// Anything touching process groups or signals runs in a forked child (run_in_child), so the test
// runner's own group is never signalled.
#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "os/io.hpp"
#include "real/real_os.hpp"
#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using namespace std::chrono_literals;
using testing::run_in_child;

TEST(RealOsFork, ChildRunsTheBodyAndParentGetsItsPid) {
  RealOs os;
  auto [r, w] = *os.pipe();
  Result<Pid> child = os.fork([&](Os& c) {
    std::string me = std::to_string(c.getpid());
    (void)write_all(c, w, me);
  });
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE(os.close(w).ok());
  char buf[32] = {};
  Result<size_t> n = os.read(r, std::span<char>(buf, sizeof buf));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), std::to_string(*child));
  Result<WaitStatus> ws = os.waitpid(*child, false);
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ(ws->pid, *child);
  EXPECT_TRUE(ws->exited);
  EXPECT_EQ(ws->exit_code, 0);
  ASSERT_TRUE(os.close(r).ok());
}

TEST(RealOsFork, ExitCodeComesBackThroughWaitpid) {
  RealOs os;
  Result<Pid> child = os.fork([](Os& c) { c.exit(7); });
  ASSERT_TRUE(child.ok());
  Result<WaitStatus> ws = os.waitpid(*child, false);
  ASSERT_TRUE(ws.ok());
  EXPECT_TRUE(ws->exited);
  EXPECT_EQ(ws->exit_code, 7);
}

TEST(RealOsFork, ABodyThatThrowsEndsTheChildWithStatusOne) {
  RealOs os;
  Result<Pid> child = os.fork([](Os&) { throw std::runtime_error("deliberate, from a test"); });
  ASSERT_TRUE(child.ok());
  Result<WaitStatus> ws = os.waitpid(*child, false);
  ASSERT_TRUE(ws.ok());
  EXPECT_TRUE(ws->exited);
  EXPECT_EQ(ws->exit_code, 1);
}

TEST(RealOsWaitpid, NohangReturnsPidZeroWhileTheChildRunsThenReportsTheKillingSignal) {
  RealOs os;
  Result<Pid> child = os.fork([](Os& c) { (void)c.sleep(30s); });
  ASSERT_TRUE(child.ok());
  Result<WaitStatus> early = os.waitpid(*child, true);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->pid, 0);
  ASSERT_TRUE(os.kill(*child, Sig::kill).ok());
  Result<WaitStatus> ws = os.waitpid(*child, false);
  ASSERT_TRUE(ws.ok());
  EXPECT_TRUE(ws->signaled);
  EXPECT_EQ(ws->term_sig, Sig::kill);
}

TEST(RealOsWaitpid, WithNoChildrenIsEchild) {
  auto out = run_in_child([] {
    RealOs os;
    return os.waitpid(-1, false).error() == Errno::echild ? 0 : 1;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsKill, AReapedProcessIsEsrch) {
  RealOs os;
  Result<Pid> child = os.fork([](Os&) {});
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE(os.waitpid(*child, false).ok());
  EXPECT_EQ(os.kill(*child, Sig::term).error(), Errno::esrch);
}

TEST(RealOsGroups, SetsidMakesTheCallerLeadANewGroupAndASecondSetsidIsEperm) {
  auto out = run_in_child([] {
    RealOs os;
    Result<Pid> sid = os.setsid();
    CHILD_CHECK(sid.ok() && *sid == os.getpid());
    CHILD_CHECK(*os.getpgid(0) == os.getpid());
    // setsid(2): EPERM "The process group ID of any process equals the PID of the calling
    // process" -- a group leader cannot start a session.
    CHILD_CHECK(os.setsid().error() == Errno::eperm);
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsGroups, KillOfANegativePgidReachesThatGroupOnly) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.setpgid(0, 0).ok());  // lead a group, away from the test runner
    CHILD_CHECK(os.sigaction(Sig::usr1, SigAction::catch_flag()).ok());
    Result<Pid> member = os.fork([](Os& c) { (void)c.sleep(30s); });
    CHILD_CHECK(member.ok());
    CHILD_CHECK(os.setpgid(*member, *member).ok());  // the member leads a group of its own
    CHILD_CHECK(*os.getpgid(*member) == *member);
    CHILD_CHECK(os.kill(-*member, Sig::term).ok());
    Result<WaitStatus> ws = os.waitpid(*member, false);
    CHILD_CHECK(ws.ok() && ws->signaled && ws->term_sig == Sig::term);
    CHILD_CHECK(!os.take_caught(Sig::usr1));
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsGroups, KillZeroReachesEveryProcessInTheCallersGroupCallerIncluded) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.setpgid(0, 0).ok());
    Result<Pid> member = os.fork([](Os& c) { (void)c.sleep(30s); });  // same group, default SIGTERM
    CHILD_CHECK(member.ok());
    CHILD_CHECK(os.sigaction(Sig::term, SigAction::catch_flag()).ok());
    CHILD_CHECK(os.kill(0, Sig::term).ok());
    Result<WaitStatus> ws = os.waitpid(*member, false);
    CHILD_CHECK(ws.ok() && ws->signaled && ws->term_sig == Sig::term);
    CHILD_CHECK(os.take_caught(Sig::term));
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsGroups, GetpgidOfAMissingProcessIsEsrch) {
  RealOs os;
  Result<Pid> child = os.fork([](Os&) {});
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE(os.waitpid(*child, false).ok());
  EXPECT_EQ(os.getpgid(*child).error(), Errno::esrch);
}

}  // namespace
}  // namespace papaya::real
