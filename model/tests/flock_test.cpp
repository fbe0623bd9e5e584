// flock(2) rules, one test each.
#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using testing::Harness;
constexpr FlockArgs sh{LockOp::sh, false}, ex{LockOp::ex, false}, un{LockOp::un, false};
constexpr FlockArgs sh_nb{LockOp::sh, true}, ex_nb{LockOp::ex, true};

TEST(Flock, ExclusiveLockBlocksAnotherDescriptionOfTheSameFile) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(c, "/f");
  EXPECT_EQ(h.ok(h.init, op::Flock{a, ex}), 0);
  EXPECT_EQ(h.call(c, op::Flock{b, ex}).status, StepStatus::blocked);
  EXPECT_FALSE(h.k.ready(c));
  h.ok(h.init, op::Flock{a, un});
  EXPECT_TRUE(h.k.ready(c));
  EXPECT_EQ(h.again(c).err, Errno::ok);
}

TEST(Flock, SharedLocksCoexistAndExcludeExclusive) {
  Harness h;
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(h.init, "/f");
  Fd x = h.open(h.init, "/f");
  h.ok(h.init, op::Flock{a, sh});
  h.ok(h.init, op::Flock{b, sh});
  EXPECT_EQ(h.done(h.init, op::Flock{x, ex_nb}).err, Errno::eagain);
}

TEST(Flock, NonblockingRequestOnAConflictFailsWithEwouldblock) {
  Harness h;
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(h.init, "/f");
  h.ok(h.init, op::Flock{a, ex});
  EXPECT_EQ(h.done(h.init, op::Flock{b, sh_nb}).err, Errno::eagain);
}

TEST(Flock, DescriptorsOfOneOpenDoNotExcludeEachOther) {
  Harness h;
  Fd a = h.open(h.init, "/f");
  Pid c = h.fork(h.init);  // the child's `a` is the same open file description
  h.ok(h.init, op::Flock{a, ex});
  EXPECT_EQ(h.done(c, op::Flock{a, ex_nb}).err, Errno::ok);
}

TEST(Flock, ChildInheritsLockAndParentCloseDoesNotReleaseIt) {
  Harness h;
  Fd a = h.open(h.init, "/f");
  h.ok(h.init, op::Flock{a, ex});
  Pid c = h.fork(h.init);
  h.ok(h.init, op::Close{a});
  Fd other = h.open(h.init, "/f");
  EXPECT_EQ(h.done(h.init, op::Flock{other, ex_nb}).err, Errno::eagain);
  h.ok(c, op::Close{a});  // the last descriptor: now released
  EXPECT_EQ(h.done(h.init, op::Flock{other, ex_nb}).err, Errno::ok);
}

TEST(Flock, LockUnThroughAnyDuplicateReleasesTheLock) {
  Harness h;
  Fd a = h.open(h.init, "/f");
  h.ok(h.init, op::Flock{a, ex});
  Fd d = static_cast<Fd>(h.ok(h.init, op::Dup{a}));
  h.ok(h.init, op::Flock{d, un});
  Fd other = h.open(h.init, "/f");
  EXPECT_EQ(h.done(h.init, op::Flock{other, ex_nb}).err, Errno::ok);
}

TEST(Flock, ConversionRemovesTheOldLockBeforeRequestingTheNew) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(c, "/f");
  h.ok(h.init, op::Flock{a, sh});
  EXPECT_EQ(h.call(c, op::Flock{b, ex}).status, StepStatus::blocked);
  // init converts SH -> EX: step one removes its SH lock ...
  EXPECT_EQ(h.call(h.init, op::Flock{a, ex}).status, StepStatus::progress);
  // ... and between the two steps the waiting writer gets in first.
  EXPECT_TRUE(h.k.ready(c));
  EXPECT_EQ(h.again(c).err, Errno::ok);
  EXPECT_EQ(h.again(h.init).status, StepStatus::blocked);
}

TEST(Flock, FailedNonblockingConversionLosesTheOldLock) {
  Harness h;
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(h.init, "/f");
  h.ok(h.init, op::Flock{a, sh});
  h.ok(h.init, op::Flock{b, sh});
  EXPECT_EQ(h.done(h.init, op::Flock{a, ex_nb}).err, Errno::eagain);
  h.ok(h.init, op::Flock{b, un});
  Fd x = h.open(h.init, "/f");
  EXPECT_EQ(h.done(h.init, op::Flock{x, ex_nb}).err, Errno::ok);  // `a` holds nothing now
}

TEST(Flock, ExitReleasesTheLockOnLastCloseAndIsFlagged) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd b = h.open(c, "/f");
  h.ok(c, op::Flock{b, ex});
  h.call(c, op::Exit{0});
  Fd a = h.open(h.init, "/f");
  EXPECT_EQ(h.done(h.init, op::Flock{a, ex_nb}).err, Errno::ok);
  auto w = h.k.take_warnings();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("exited holding LOCK_EX"), std::string::npos);
}

TEST(Flock, UnlockingALockNotHeldIsFlagged) {
  Harness h;
  Fd a = h.open(h.init, "/f");
  EXPECT_EQ(h.ok(h.init, op::Flock{a, un}), 0);
  EXPECT_EQ(h.k.take_warnings().size(), 1u);
}

TEST(Flock, BlockedFlockIsInterruptedByACaughtSignal) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(c, "/f");
  h.ok(c, op::Sigaction{Sig::usr1, SigAction::catch_flag(false)});
  h.ok(h.init, op::Flock{a, ex});
  EXPECT_EQ(h.call(c, op::Flock{b, ex}).status, StepStatus::blocked);
  h.ok(h.init, op::Kill{c, Sig::usr1});
  EXPECT_TRUE(h.k.ready(c));
  EXPECT_EQ(h.again(c).err, Errno::eintr);
}

TEST(Flock, SaRestartRestartsABlockedFlock) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(c, "/f");
  h.ok(c, op::Sigaction{Sig::usr1, SigAction::catch_flag(true)});
  h.ok(h.init, op::Flock{a, ex});
  h.call(c, op::Flock{b, ex});
  h.ok(h.init, op::Kill{c, Sig::usr1});
  EXPECT_EQ(h.again(c).status, StepStatus::blocked);  // the handler ran, the call restarted
  h.ok(h.init, op::Flock{a, un});
  EXPECT_EQ(h.again(c).err, Errno::ok);
  EXPECT_EQ(h.ok(c, op::TakeCaught{Sig::usr1}), 1);
}

}  // namespace
}  // namespace papaya::model
