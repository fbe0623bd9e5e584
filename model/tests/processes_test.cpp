// Process rules: fork, _exit, zombies, waitpid, orphans, groups and sessions.
#include <algorithm>

#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using testing::Harness;

TEST(Processes, ForkCopiesTheFdTableSharingDescriptions) {
  Harness h;
  h.open(h.init, "/a");
  Pid c = h.fork(h.init);
  EXPECT_EQ(h.k.process(c).fds, h.k.process(h.init).fds);
  EXPECT_EQ(h.k.process(c).ppid, h.init);
}

TEST(Processes, AnExitedChildIsAZombieUntilReaped) {
  Harness h;
  Pid c = h.fork(h.init);
  EXPECT_EQ(h.call(c, op::Exit{5}).status, StepStatus::exited);
  EXPECT_EQ(h.k.process(c).state, ProcState::zombie);
  Outcome w = h.done(h.init, op::Waitpid{-1, false});
  EXPECT_EQ(w.ret, c);
  EXPECT_EQ(w.wait.exit_code, 5);
  EXPECT_EQ(h.k.process(c).state, ProcState::reaped);
  EXPECT_EQ(h.done(h.init, op::Waitpid{-1, false}).err, Errno::echild);
}

TEST(Processes, ExitClosesEveryDescriptor) {
  Harness h;
  Pid c = h.fork(h.init);
  h.done(c, op::Pipe{});
  h.call(c, op::Exit{0});
  for (OfdId id : h.k.process(c).fds) EXPECT_EQ(id, 0u);
}

TEST(Processes, WaitpidBlocksUntilAChildExits) {
  Harness h;
  Pid c = h.fork(h.init);
  EXPECT_EQ(h.call(h.init, op::Waitpid{-1, false}).status, StepStatus::blocked);
  EXPECT_FALSE(h.k.ready(h.init));
  h.call(c, op::Exit{1});
  EXPECT_TRUE(h.k.ready(h.init));
  EXPECT_EQ(h.again(h.init).ret, c);
}

TEST(Processes, WaitpidForAPidThatIsNotAChildIsEchild) {
  Harness h;
  Pid c = h.fork(h.init);
  Pid g = h.fork(c);
  EXPECT_EQ(h.done(h.init, op::Waitpid{g, false}).err, Errno::echild);
}

TEST(Processes, WaitpidWithWnohangReturnsZeroWhileChildrenRun) {
  Harness h;
  h.fork(h.init);
  Outcome o = h.done(h.init, op::Waitpid{-1, true});
  EXPECT_EQ(o.err, Errno::ok);
  EXPECT_EQ(o.ret, 0);
}

TEST(Processes, WithSigchldIgnoredChildrenLeaveNoZombieAndWaitpidEndsInEchild) {
  Harness h;
  h.ok(h.init, op::Sigaction{Sig::chld, SigAction::ign()});
  Pid c = h.fork(h.init);
  EXPECT_EQ(h.call(h.init, op::Waitpid{-1, false}).status, StepStatus::blocked);
  h.call(c, op::Exit{0});
  EXPECT_EQ(h.k.process(c).state, ProcState::reaped);
  EXPECT_EQ(h.again(h.init).err, Errno::echild);
}

TEST(Processes, OrphansAreAdoptedByInit) {
  Harness h;
  Pid c = h.fork(h.init);
  Pid g = h.fork(c);
  h.call(c, op::Exit{0});
  EXPECT_EQ(h.k.process(g).ppid, h.init);
  h.call(g, op::Exit{9});
  Outcome a = h.done(h.init, op::Waitpid{c, false});
  Outcome b = h.done(h.init, op::Waitpid{-1, false});
  EXPECT_EQ(a.ret, c);
  EXPECT_EQ(b.ret, g);
  EXPECT_EQ(b.wait.exit_code, 9);
}

TEST(Processes, OnceInitIsGoneOrphansAreReapedByTheKernel) {
  Harness h;
  Pid c = h.fork(h.init);
  h.call(h.init, op::Exit{0});
  EXPECT_EQ(h.k.process(c).ppid, 0);
  h.call(c, op::Exit{0});
  EXPECT_EQ(h.k.process(c).state, ProcState::reaped);
}

TEST(Processes, SetsidMakesTheCallerLeaderOfANewSessionAndGroup) {
  Harness h;
  Pid c = h.fork(h.init);
  EXPECT_EQ(h.ok(c, op::Setsid{}), c);
  EXPECT_EQ(h.k.process(c).sid, c);
  EXPECT_EQ(h.k.process(c).pgid, c);
  EXPECT_EQ(h.done(c, op::Setsid{}).err, Errno::eperm);
}

TEST(Processes, SetpgidAcrossSessionsIsEperm) {
  Harness h;
  Pid c = h.fork(h.init);
  h.ok(c, op::Setsid{});
  EXPECT_EQ(h.done(h.init, op::Setpgid{c, h.init}).err, Errno::eperm);
}

TEST(Processes, SetpgidOfAProcessThatIsNotAChildIsEsrch) {
  Harness h;
  Pid c = h.fork(h.init);
  Pid g = h.fork(c);
  EXPECT_EQ(h.done(h.init, op::Setpgid{g, 0}).err, Errno::esrch);
}

TEST(Processes, ForkBeyondTheProcessLimitIsEagain) {
  Harness h;
  Outcome o;
  for (int i = 0; i < 1000; ++i) {
    o = h.done(h.init, op::Fork{});
    if (o.err != Errno::ok) break;
  }
  EXPECT_EQ(o.err, Errno::eagain);
}

}  // namespace
}  // namespace papaya::model

namespace papaya::model {
namespace {

using testing::Harness;

TEST(Footprint, APendingOperationNamesTheObjectsItTouchesBeforeItRuns) {
  Harness h;
  Fd a = h.open(h.init, "/f");
  Pid c = h.fork(h.init);
  h.k.submit(h.init, op::Flock{a, {LockOp::ex, false}});
  Footprint fp = h.k.footprint(h.init);
  EXPECT_FALSE(fp.global);
  OfdId ofd = h.k.process(h.init).fds[static_cast<std::size_t>(a)];
  EXPECT_NE(std::find(fp.touches.begin(), fp.touches.end(), Touch{ObjKind::file, ofd}),
            fp.touches.end());
  EXPECT_NE(std::find(fp.touches.begin(), fp.touches.end(), Touch{ObjKind::inode, 1}),
            fp.touches.end());
  h.k.step(h.init);
  h.k.submit(c, op::Kill{h.init, Sig::usr1});
  Footprint k = h.k.footprint(c);
  EXPECT_NE(std::find(k.touches.begin(), k.touches.end(), Touch{ObjKind::process, 1}),
            k.touches.end());
}

}  // namespace
}  // namespace papaya::model
