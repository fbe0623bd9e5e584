// RealOs signals on the real kernel. Every test runs in a forked child (run_in_child): the test
// runner's dispositions, mask and timers stay untouched.
#include <gtest/gtest.h>

#include "real/real_os.hpp"
#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using namespace std::chrono_literals;
using testing::run_in_child;

TEST(RealOsSignals, CatchFlagSetsTheFlagAndTakeCaughtReadsAndClearsIt) {
  auto out = run_in_child([] {
    RealOs os;
    Result<SigAction> old = os.sigaction(Sig::usr1, SigAction::catch_flag());
    CHILD_CHECK(old.ok() && *old == SigAction::dfl());
    CHILD_CHECK(!os.take_caught(Sig::usr1));
    CHILD_CHECK(os.kill(os.getpid(), Sig::usr1).ok());  // kill(2) to self: delivered before return
    CHILD_CHECK(os.take_caught(Sig::usr1));
    CHILD_CHECK(!os.take_caught(Sig::usr1));
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, SigactionReturnsEachPreviousDisposition) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(*os.sigaction(Sig::usr2, SigAction::ign()) == SigAction::dfl());
    CHILD_CHECK(*os.sigaction(Sig::usr2, SigAction::catch_flag(true)) == SigAction::ign());
    CHILD_CHECK(*os.sigaction(Sig::usr2, SigAction::catch_flag(false)) ==
                SigAction::catch_flag(true));
    CHILD_CHECK(*os.sigaction(Sig::usr2, SigAction::dfl()) == SigAction::catch_flag(false));
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, SigkillCannotBeCaught) {
  RealOs os;  // fails before changing anything: safe in the runner itself
  EXPECT_EQ(os.sigaction(Sig::kill, SigAction::catch_flag()).error(), Errno::einval);
}

TEST(RealOsSignals, AnIgnoredSignalIsDiscarded) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.sigaction(Sig::term, SigAction::ign()).ok());
    CHILD_CHECK(os.kill(os.getpid(), Sig::term).ok());
    CHILD_CHECK(!os.take_caught(Sig::term));
    return 0;  // still alive
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, ADefaultSigtermEndsTheProcess) {
  auto out = run_in_child([] {
    RealOs os;
    (void)os.kill(os.getpid(), Sig::term);
    return 3;  // not reached
  });
  EXPECT_TRUE(out.signaled) << out.describe();
}

TEST(RealOsSignals, FiveBlockedSignalsAreOnePendingSignal) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.sigaction(Sig::usr1, SigAction::catch_flag()).ok());
    Result<SigSet> before = os.sigprocmask(SigHow::block, SigSet{Sig::usr1});
    CHILD_CHECK(before.ok() && !before->has(Sig::usr1));
    for (int i = 0; i < 5; ++i) CHILD_CHECK(os.kill(os.getpid(), Sig::usr1).ok());
    CHILD_CHECK(!os.take_caught(Sig::usr1));  // blocked: pending, not delivered
    Result<SigSet> blocked = os.sigprocmask(SigHow::unblock, SigSet{Sig::usr1});
    CHILD_CHECK(blocked.ok() && blocked->has(Sig::usr1));
    // signal(7): standard signals do not queue; the five are one delivery.
    CHILD_CHECK(os.take_caught(Sig::usr1));
    CHILD_CHECK(!os.take_caught(Sig::usr1));
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, SetmaskReplacesTheNamedSignalsAndReturnsTheOldMask) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.sigprocmask(SigHow::setmask, SigSet{Sig::usr1, Sig::term}).ok());
    Result<SigSet> old = os.sigprocmask(SigHow::setmask, SigSet{Sig::usr2});
    CHILD_CHECK(old.ok() && *old == (SigSet{Sig::usr1, Sig::term}));
    Result<SigSet> now = os.sigprocmask(SigHow::block, SigSet{});
    CHILD_CHECK(now.ok() && *now == SigSet{Sig::usr2});
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, SigsuspendWaitsForACaughtSignalThenRestoresTheMask) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.sigaction(Sig::usr1, SigAction::catch_flag()).ok());
    CHILD_CHECK(os.sigprocmask(SigHow::block, SigSet{Sig::usr1}).ok());
    Pid me = os.getpid();
    Result<Pid> poker = os.fork([me](Os& c) {
      (void)c.sleep(50ms);
      (void)c.kill(me, Sig::usr1);
    });
    CHILD_CHECK(poker.ok());
    // sigsuspend(2): the mask is replaced for the wait only, and the call returns EINTR.
    CHILD_CHECK(os.sigsuspend(SigSet{}).error() == Errno::eintr);
    CHILD_CHECK(os.take_caught(Sig::usr1));
    CHILD_CHECK(os.sigprocmask(SigHow::block, SigSet{})->has(Sig::usr1));
    CHILD_CHECK(os.waitpid(*poker, false).ok());
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, PauseReturnsEintrOnceAnAlarmIsCaught) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.sigaction(Sig::alrm, SigAction::catch_flag()).ok());
    Duration start = os.now();
    CHILD_CHECK(os.alarm(100ms).ok());
    CHILD_CHECK(os.pause().error() == Errno::eintr);
    CHILD_CHECK(os.take_caught(Sig::alrm));
    CHILD_CHECK(os.now() - start >= 90ms);  // setitimer's microsecond rounding, with slack
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, AlarmReturnsWhatWasLeftOfThePreviousAlarm) {
  auto out = run_in_child([] {
    RealOs os;
    Result<Duration> none = os.alarm(10s);
    CHILD_CHECK(none.ok() && *none == Duration::zero());
    Result<Duration> left = os.alarm(Duration::zero());  // cancels
    CHILD_CHECK(left.ok() && *left > 9s && *left <= 10s);
    CHILD_CHECK(os.alarm(Duration::zero()).value_or(1s) == Duration::zero());
    CHILD_CHECK(os.alarm(-1s).error() == Errno::einval);
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, WithoutSaRestartACaughtSignalInterruptsABlockedRead) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.sigaction(Sig::alrm, SigAction::catch_flag(false)).ok());
    auto [r, w] = *os.pipe();
    CHILD_CHECK(os.alarm(100ms).ok());
    char c;
    CHILD_CHECK(os.read(r, std::span<char>(&c, 1)).error() == Errno::eintr);
    CHILD_CHECK(os.take_caught(Sig::alrm));
    (void)w;
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, WithSaRestartTheReadResumesAfterTheHandler) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.sigaction(Sig::alrm, SigAction::catch_flag(true)).ok());
    auto [r, w] = *os.pipe();
    Result<Pid> writer = os.fork([w = w](Os& c) {
      (void)c.sleep(300ms);
      (void)c.write(w, "x");
    });
    CHILD_CHECK(writer.ok());
    CHILD_CHECK(os.alarm(100ms).ok());
    char c = 0;
    // signal(7): read(2) on a pipe is restarted after a handler installed with SA_RESTART.
    Result<size_t> n = os.read(r, std::span<char>(&c, 1));
    CHILD_CHECK(n.ok() && *n == 1 && c == 'x');
    CHILD_CHECK(os.take_caught(Sig::alrm));
    CHILD_CHECK(os.waitpid(*writer, false).ok());
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSignals, ForkedChildInheritsDispositionsAndMaskButNotPendingSignals) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.sigaction(Sig::usr1, SigAction::ign()).ok());
    CHILD_CHECK(os.sigaction(Sig::usr2, SigAction::catch_flag()).ok());
    CHILD_CHECK(os.sigprocmask(SigHow::block, SigSet{Sig::usr2}).ok());
    CHILD_CHECK(os.kill(os.getpid(), Sig::usr2).ok());  // pending in the parent
    Result<Pid> kid = os.fork([](Os& c) {
      CHILD_CHECK(*c.sigaction(Sig::usr1, SigAction::ign()) == SigAction::ign());
      CHILD_CHECK(c.sigprocmask(SigHow::block, SigSet{})->has(Sig::usr2));
      (void)c.sigprocmask(SigHow::unblock, SigSet{Sig::usr2});
      // fork(2): "The child's set of pending signals is initially empty".
      CHILD_CHECK(!c.take_caught(Sig::usr2));
    });
    CHILD_CHECK(kid.ok());
    Result<WaitStatus> ws = os.waitpid(*kid, false);
    CHILD_CHECK(ws.ok() && ws->exited && ws->exit_code == 0);
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

}  // namespace
}  // namespace papaya::real
