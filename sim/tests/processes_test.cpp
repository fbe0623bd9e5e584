// Processes on the executor: fork, _exit, waitpid, zombies, orphans, process groups.
#include <gtest/gtest.h>

#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

using testing::run;

TEST(Processes, InitIsPidOneLeaderOfItsGroupAndSession) {
  Pid pid = 0, pgid = 0;
  RunReport r = run([&](Os& os) {
    pid = os.getpid();
    pgid = *os.getpgid(0);
  });
  EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_EQ(pid, 1);
  EXPECT_EQ(pgid, 1);
}

TEST(Processes, ForkReturnsTheChildPidAndWaitpidReapsItsExitCode) {
  Result<Pid> child = Errno::other;
  Result<WaitStatus> ws = Errno::other;
  RunReport r = run([&](Os& os) {
    child = os.fork([](Os& c) { c.exit(7); });
    ws = os.waitpid(*child, false);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(*child, 2);
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ(ws->pid, 2);
  EXPECT_TRUE(ws->exited);
  EXPECT_EQ(ws->exit_code, 7);
  EXPECT_EQ(r.processes, 2);
}

TEST(Processes, ABodyThatReturnsExitsWithZero) {
  Result<WaitStatus> ws = Errno::other;
  RunReport r = run([&](Os& os) {
    Pid c = *os.fork([](Os&) {});
    ws = os.waitpid(c, false);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_TRUE(ws->exited);
  EXPECT_EQ(ws->exit_code, 0);
}

TEST(Processes, WaitpidWithoutChildrenIsEchild) {
  Result<WaitStatus> ws = WaitStatus{};
  run([&](Os& os) { ws = os.waitpid(-1, false); });
  EXPECT_EQ(ws.error(), Errno::echild);
}

TEST(Processes, WaitpidWnohangReturnsZeroWhileTheChildRuns) {
  Result<WaitStatus> first = Errno::other;
  RunReport r = run([&](Os& os) {
    auto [rd, wr] = *os.pipe();
    Pid c = *os.fork([rd = rd, wr = wr](Os& k) {
      (void)k.close(wr);  // else its own write end keeps the pipe from reaching EOF
      char b;
      (void)k.read(rd, std::span<char>(&b, 1));
    });
    first = os.waitpid(c, true);
    (void)os.close(wr);  // the child's read returns 0 once every write end is closed
    (void)os.close(rd);
    (void)os.waitpid(c, false);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->pid, 0);
}

TEST(Processes, ChildStaysInTheParentsProcessGroup) {
  Pid child_group = 0;
  run([&](Os& os) {
    Pid c = *os.fork([&](Os& k) { child_group = *k.getpgid(0); });
    (void)os.waitpid(c, false);
  });
  EXPECT_EQ(child_group, 1);
}

TEST(Processes, SetsidFailsForAGroupLeaderAndSucceedsInAChild) {
  Result<Pid> leader = 0, child = 0;
  run([&](Os& os) {
    leader = os.setsid();
    Pid c = *os.fork([&](Os& k) { child = k.setsid(); });
    (void)os.waitpid(c, false);
  });
  EXPECT_EQ(leader.error(), Errno::eperm);
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(*child, 2);
}

TEST(Processes, SetpgidMovesAChildIntoItsOwnGroup) {
  Pid seen = 0;
  run([&](Os& os) {
    auto [rd, wr] = *os.pipe();
    Pid c = *os.fork([&, rd = rd](Os& k) {
      char b;
      (void)k.read(rd, std::span<char>(&b, 1));
      seen = *k.getpgid(0);
    });
    EXPECT_TRUE(os.setpgid(c, 0).ok());
    (void)os.write(wr, "x");
    (void)os.waitpid(c, false);
  });
  EXPECT_EQ(seen, 2);
}

TEST(Processes, OrphansAreReparentedToInitWhichReapsThem) {
  Result<WaitStatus> grandchild = Errno::other;
  RunReport r = run([&](Os& os) {
    auto [rd, wr] = *os.pipe();
    Pid c = *os.fork([rd = rd, wr = wr](Os& k) {
      (void)k.fork([rd](Os& g) {
        char b;
        (void)g.read(rd, std::span<char>(&b, 1));  // outlives its parent
        g.exit(3);
      });
      (void)k.close(rd);
      (void)k.close(wr);
    });
    (void)os.waitpid(c, false);
    (void)os.close(rd);
    (void)os.write(wr, "x");
    grandchild = os.waitpid(-1, false);  // init adopted it
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  ASSERT_TRUE(grandchild.ok());
  EXPECT_EQ(grandchild->pid, 3);
  EXPECT_EQ(grandchild->exit_code, 3);
}

TEST(Processes, RunEndsWhenEveryProcessExitedEvenAfterInit) {
  RunReport r = run([](Os& os) {
    (void)os.fork([](Os& c) {
      for (int i = 0; i < 5; ++i) (void)c.getpid();
    });
  });
  EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_EQ(r.processes, 2);
}

}  // namespace
}  // namespace papaya::sim
