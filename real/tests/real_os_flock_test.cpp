// RealOs flock(2) on the real kernel: locks belong to open file descriptions.
#include <gtest/gtest.h>

#include "real/real_os.hpp"
#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using namespace std::chrono_literals;
using testing::run_in_child;
using testing::TempDir;

constexpr FlockArgs ex_nb{LockOp::ex, true};
constexpr FlockArgs sh_nb{LockOp::sh, true};

TEST(RealOsFlock, TwoOpensConflictButADupIsTheSameLock) {
  TempDir dir;
  RealOs os;
  Fd a = *os.open(dir.file("lock"), OpenFlags::rdwr | OpenFlags::creat);
  Fd b = *os.open(dir.file("lock"), OpenFlags::rdwr);
  Fd a2 = *os.dup(a);
  ASSERT_TRUE(os.flock(a, {LockOp::ex}).ok());
  EXPECT_EQ(os.flock(b, ex_nb).error(), Errno::eagain);  // EWOULDBLOCK
  EXPECT_EQ(os.flock(b, sh_nb).error(), Errno::eagain);
  EXPECT_TRUE(os.flock(a2, ex_nb).ok());         // same description: not a conflict
  ASSERT_TRUE(os.flock(a2, {LockOp::un}).ok());  // and it releases a's lock
  EXPECT_TRUE(os.flock(b, sh_nb).ok());
  EXPECT_TRUE(os.flock(a, sh_nb).ok());  // shared locks coexist
  for (Fd fd : {a, b, a2}) (void)os.close(fd);
}

TEST(RealOsFlock, AForkedChildSharesTheParentsLock) {
  TempDir dir;
  RealOs os;
  Fd fd = *os.open(dir.file("lock"), OpenFlags::rdwr | OpenFlags::creat);
  ASSERT_TRUE(os.flock(fd, {LockOp::ex}).ok());
  std::string path = dir.file("lock");
  Result<Pid> kid = os.fork([fd, path](Os& c) {
    // flock(2): "duplicate file descriptors (created by, for example, fork(2) or dup(2)) refer
    // to the same lock".
    CHILD_CHECK(c.flock(fd, ex_nb).ok());
    Fd own = *c.open(path, OpenFlags::rdwr);
    CHILD_CHECK(c.flock(own, ex_nb).error() == Errno::eagain);
  });
  ASSERT_TRUE(kid.ok());
  Result<WaitStatus> ws = os.waitpid(*kid, false);
  ASSERT_TRUE(ws.ok());
  EXPECT_TRUE(ws->exited && ws->exit_code == 0);
  (void)os.close(fd);
}

TEST(RealOsFlock, ABlockedLockIsInterruptedByACaughtSignal) {
  TempDir dir;
  std::string path = dir.file("lock");
  auto out = run_in_child([path] {
    RealOs os;
    Fd holder = *os.open(path, OpenFlags::rdwr | OpenFlags::creat);
    Fd waiter = *os.open(path, OpenFlags::rdwr);
    CHILD_CHECK(os.flock(holder, {LockOp::ex}).ok());
    CHILD_CHECK(os.sigaction(Sig::alrm, SigAction::catch_flag()).ok());
    CHILD_CHECK(os.alarm(100ms).ok());
    CHILD_CHECK(os.flock(waiter, {LockOp::ex}).error() == Errno::eintr);
    CHILD_CHECK(os.take_caught(Sig::alrm));
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsFlock, ClosingTheLastDescriptorReleasesTheLock) {
  TempDir dir;
  RealOs os;
  Fd a = *os.open(dir.file("lock"), OpenFlags::rdwr | OpenFlags::creat);
  Fd b = *os.open(dir.file("lock"), OpenFlags::rdwr);
  ASSERT_TRUE(os.flock(a, {LockOp::ex}).ok());
  ASSERT_TRUE(os.close(a).ok());
  EXPECT_TRUE(os.flock(b, ex_nb).ok());
  EXPECT_EQ(os.flock(-1, ex_nb).error(), Errno::ebadf);
  (void)os.close(b);
}

}  // namespace
}  // namespace papaya::real
