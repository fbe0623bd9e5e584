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

TEST(Flock, ConversionIsOneStepSoAWaitingWriterCannotGetInBetween) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(c, "/f");
  h.ok(h.init, op::Flock{a, sh});
  EXPECT_EQ(h.call(c, op::Flock{b, ex}).status, StepStatus::blocked);
  // init converts SH -> EX: the old lock goes, and with nothing else held the new one is granted
  // in the same step (fs/locks.c, flock_lock_inode under flc_lock).
  EXPECT_EQ(h.call(h.init, op::Flock{a, ex}).status, StepStatus::done);
  // The waiter was woken by the removal, retries, and waits again behind the new lock.
  EXPECT_TRUE(h.k.ready(c));
  EXPECT_EQ(h.again(c).status, StepStatus::blocked);
  EXPECT_FALSE(h.k.ready(c));
  h.ok(h.init, op::Flock{a, un});
  EXPECT_EQ(h.again(c).err, Errno::ok);
}

TEST(Flock, NonblockingUpgradeOfASoleSharedLockSucceedsWhileAWriterWaits) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(c, "/f");
  h.ok(h.init, op::Flock{a, sh});
  h.call(c, op::Flock{b, ex});
  EXPECT_EQ(h.done(h.init, op::Flock{a, ex_nb}).err, Errno::ok);
}

TEST(Flock, NonblockingDowngradeSucceedsWhileAWriterWaits) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd b = h.open(c, "/f");
  h.ok(h.init, op::Flock{a, ex});
  h.call(c, op::Flock{b, ex});
  EXPECT_EQ(h.done(h.init, op::Flock{a, sh_nb}).err, Errno::ok);
  EXPECT_EQ(h.again(c).status, StepStatus::blocked);  // woken, still refused by the SH lock
}

TEST(Flock, WaitersForAnExclusiveLockAreServedInTheOrderTheyBlocked) {
  Harness h;
  Pid b = h.fork(h.init);
  Pid d = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd fb = h.open(b, "/f");
  Fd fd = h.open(d, "/f");
  h.ok(h.init, op::Flock{a, ex});
  EXPECT_EQ(h.call(b, op::Flock{fb, ex}).status, StepStatus::blocked);
  EXPECT_EQ(h.call(d, op::Flock{fd, ex}).status, StepStatus::blocked);
  h.ok(h.init, op::Flock{a, un});
  // Only the head is woken: d is chained behind b (__locks_insert_block).
  EXPECT_TRUE(h.k.ready(b));
  EXPECT_FALSE(h.k.ready(d));
  EXPECT_EQ(h.again(b).err, Errno::ok);
  EXPECT_FALSE(h.k.ready(d));
  h.ok(b, op::Flock{fb, un});
  EXPECT_TRUE(h.k.ready(d));
  EXPECT_EQ(h.again(d).err, Errno::ok);
}

TEST(Flock, ARequestArrivingAfterTheReleaseCanBargePastTheWokenWaiter) {
  Harness h;
  Pid b = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd fb = h.open(b, "/f");
  Fd late = h.open(h.init, "/f");
  h.ok(h.init, op::Flock{a, ex});
  h.call(b, op::Flock{fb, ex});
  h.ok(h.init, op::Flock{a, un});
  EXPECT_TRUE(h.k.ready(b));
  EXPECT_EQ(h.done(h.init, op::Flock{late, ex_nb}).err, Errno::ok);  // before b runs
  EXPECT_EQ(h.again(b).status, StepStatus::blocked);
}

TEST(Flock, ReadersWaitingBehindAWriterAreWokenTogetherWhenItUnlocks) {
  Harness h;
  Pid r1 = h.fork(h.init);
  Pid r2 = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd f1 = h.open(r1, "/f");
  Fd f2 = h.open(r2, "/f");
  h.ok(h.init, op::Flock{a, ex});
  h.call(r1, op::Flock{f1, sh});
  h.call(r2, op::Flock{f2, sh});  // no conflict with r1's request: both blocked on the lock
  h.ok(h.init, op::Flock{a, un});
  EXPECT_TRUE(h.k.ready(r1));
  EXPECT_TRUE(h.k.ready(r2));
  EXPECT_EQ(h.again(r2).err, Errno::ok);
  EXPECT_EQ(h.again(r1).err, Errno::ok);
}

// A holds SH, C holds SH, B waits for EX; A converts to EX (blocking) and C unlocks. Who gets EX
// first follows the order of the held locks (B waits on the first one it conflicts with).
TEST(Flock, ABlockingUpgradeQueuesBehindAWriterBlockedOnTheOtherReader) {
  Harness h;
  Pid b = h.fork(h.init);
  Pid ac = h.fork(h.init);
  Fd c = h.open(h.init, "/f");
  Fd a = h.open(ac, "/f");
  Fd fb = h.open(b, "/f");
  h.ok(h.init, op::Flock{c, sh});  // C first: B will wait on C's lock
  h.ok(ac, op::Flock{a, sh});
  h.call(b, op::Flock{fb, ex});
  EXPECT_EQ(h.call(ac, op::Flock{a, ex}).status, StepStatus::blocked);  // chained behind B
  h.ok(h.init, op::Flock{c, un});
  EXPECT_TRUE(h.k.ready(b));
  EXPECT_FALSE(h.k.ready(ac));
  EXPECT_EQ(h.again(b).err, Errno::ok);
}

TEST(Flock, ABlockingUpgradeByTheFirstReaderGoesAheadOfTheWriterItWoke) {
  Harness h;
  Pid b = h.fork(h.init);
  Pid ac = h.fork(h.init);
  Fd c = h.open(h.init, "/f");
  Fd a = h.open(ac, "/f");
  Fd fb = h.open(b, "/f");
  h.ok(ac, op::Flock{a, sh});  // A first: B waits on A's lock
  h.ok(h.init, op::Flock{c, sh});
  h.call(b, op::Flock{fb, ex});
  // A's conversion removes A's lock (waking B) and blocks on C's, in one step.
  EXPECT_EQ(h.call(ac, op::Flock{a, ex}).status, StepStatus::blocked);
  EXPECT_EQ(h.again(b).status, StepStatus::blocked);  // retries: chained behind A now
  h.ok(h.init, op::Flock{c, un});
  EXPECT_TRUE(h.k.ready(ac));
  EXPECT_FALSE(h.k.ready(b));
  EXPECT_EQ(h.again(ac).err, Errno::ok);
}

TEST(Flock, AnInterruptedWaiterWakesTheRequestsChainedBehindIt) {
  Harness h;
  Pid b = h.fork(h.init);
  Pid d = h.fork(h.init);
  Fd a = h.open(h.init, "/f");
  Fd fb = h.open(b, "/f");
  Fd fd = h.open(d, "/f");
  h.ok(b, op::Sigaction{Sig::usr1, SigAction::catch_flag(false)});
  h.ok(h.init, op::Flock{a, ex});
  h.call(b, op::Flock{fb, ex});
  h.call(d, op::Flock{fd, ex});
  h.ok(h.init, op::Kill{b, Sig::usr1});
  EXPECT_EQ(h.again(b).err, Errno::eintr);
  EXPECT_TRUE(h.k.ready(d));                          // woken by locks_delete_block
  EXPECT_EQ(h.again(d).status, StepStatus::blocked);  // and waits on the lock itself now
  h.ok(h.init, op::Flock{a, un});
  EXPECT_EQ(h.again(d).err, Errno::ok);
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
