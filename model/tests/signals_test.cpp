// Signal rules: generation, pending set, mask, delivery points, default actions, EINTR/SA_RESTART,
// pause, sigsuspend.
#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using testing::Harness;

// A child with a catch_flag handler for `sig`.
Pid catching_child(Harness& h, Sig sig, bool restart = false) {
  Pid c = h.fork(h.init);
  h.ok(c, op::Sigaction{sig, SigAction::catch_flag(restart)});
  return c;
}

TEST(Signals, ACaughtSignalSetsTheFlagAtTheTargetsNextSchedulingPoint) {
  Harness h;
  Pid c = catching_child(h, Sig::usr1);
  h.ok(h.init, op::Kill{c, Sig::usr1});
  EXPECT_TRUE(h.k.process(c).pending_signals.has(Sig::usr1));
  EXPECT_EQ(h.ok(c, op::TakeCaught{Sig::usr1}), 1);
  EXPECT_EQ(h.ok(c, op::TakeCaught{Sig::usr1}), 0);
}

TEST(Signals, FiveSignalsSentWhileBlockedInPauseRunTheHandlerOnce) {
  Harness h;
  Pid c = catching_child(h, Sig::usr1);
  EXPECT_EQ(h.call(c, op::Pause{}).status, StepStatus::blocked);
  for (int i = 0; i < 5; ++i) h.ok(h.init, op::Kill{c, Sig::usr1});
  EXPECT_EQ(h.again(c).err, Errno::eintr);
  EXPECT_EQ(h.ok(c, op::TakeCaught{Sig::usr1}), 1);
  EXPECT_EQ(h.call(c, op::Pause{}).status, StepStatus::blocked);  // nothing left pending
}

TEST(Signals, ASignalDeliveredJustBeforePauseIsLost) {
  Harness h;
  Pid c = catching_child(h, Sig::usr1);
  EXPECT_EQ(h.ok(c, op::TakeCaught{Sig::usr1}), 0);   // `if (!flag)` ...
  h.k.submit(c, op::Pause{});                         // ... pause() is about to run
  h.ok(h.init, op::Kill{c, Sig::usr1});               // the signal arrives in between
  EXPECT_EQ(h.again(c).status, StepStatus::blocked);  // the handler ran, then pause waits
  EXPECT_TRUE(h.k.process(c).caught.has(Sig::usr1));
  EXPECT_FALSE(h.k.ready(c));
}

TEST(Signals, PauseReturnsEintrEvenWithSaRestart) {
  Harness h;
  Pid c = catching_child(h, Sig::usr1, true);
  h.call(c, op::Pause{});
  h.ok(h.init, op::Kill{c, Sig::usr1});
  EXPECT_EQ(h.again(c).err, Errno::eintr);
}

TEST(Signals, SigsuspendSwapsTheMaskAtomicallySoAPendingSignalIsNotLost) {
  Harness h;
  Pid c = catching_child(h, Sig::usr1);
  h.ok(c, op::Sigprocmask{SigHow::block, SigSet{Sig::usr1}});
  h.ok(h.init, op::Kill{c, Sig::usr1});  // pending, blocked
  EXPECT_EQ(h.done(c, op::Sigsuspend{SigSet{}}).err, Errno::eintr);
  EXPECT_EQ(h.ok(c, op::TakeCaught{Sig::usr1}), 1);
  EXPECT_TRUE(h.k.process(c).mask.has(Sig::usr1));  // restored
}

TEST(Signals, SigsuspendWaitsForASignalItsMaskLetsThrough) {
  Harness h;
  Pid c = catching_child(h, Sig::usr1);
  h.ok(c, op::Sigaction{Sig::usr2, SigAction::catch_flag()});
  EXPECT_EQ(h.call(c, op::Sigsuspend{SigSet{Sig::usr2}}).status, StepStatus::blocked);
  h.ok(h.init, op::Kill{c, Sig::usr2});
  EXPECT_FALSE(h.k.ready(c));
  h.ok(h.init, op::Kill{c, Sig::usr1});
  EXPECT_TRUE(h.k.ready(c));
  EXPECT_EQ(h.again(c).err, Errno::eintr);
  EXPECT_TRUE(h.k.process(c).pending_signals.has(Sig::usr2));  // masked again once restored
}

TEST(Signals, SigIgnDiscardsTheSignalAtGeneration) {
  Harness h;
  Pid c = h.fork(h.init);
  h.ok(c, op::Sigaction{Sig::usr1, SigAction::ign()});
  h.ok(h.init, op::Kill{c, Sig::usr1});
  EXPECT_TRUE(h.k.process(c).pending_signals.empty());
}

TEST(Signals, ABlockedIgnoredSignalStaysPendingAsOnLinux) {
  Harness h;
  Pid c = h.fork(h.init);
  h.ok(c, op::Sigaction{Sig::usr1, SigAction::ign()});
  h.ok(c, op::Sigprocmask{SigHow::block, SigSet{Sig::usr1}});
  h.ok(h.init, op::Kill{c, Sig::usr1});
  EXPECT_TRUE(h.k.process(c).pending_signals.has(Sig::usr1));
}

TEST(Signals, SettingSigIgnDiscardsAPendingSignal) {
  Harness h;
  Pid c = catching_child(h, Sig::usr1);
  h.ok(c, op::Sigprocmask{SigHow::block, SigSet{Sig::usr1}});
  h.ok(h.init, op::Kill{c, Sig::usr1});
  h.ok(c, op::Sigaction{Sig::usr1, SigAction::ign()});
  EXPECT_TRUE(h.k.process(c).pending_signals.empty());
}

TEST(Signals, TheDefaultActionOfSigtermTerminatesAtTheNextSchedulingPoint) {
  Harness h;
  Pid c = h.fork(h.init);
  h.ok(h.init, op::Kill{c, Sig::term});
  EXPECT_TRUE(h.k.live(c));
  Outcome o = h.call(c, op::Getpid{});
  EXPECT_EQ(o.status, StepStatus::exited);
  Outcome w = h.done(h.init, op::Waitpid{c, false});
  EXPECT_TRUE(w.wait.signaled);
  EXPECT_EQ(w.wait.term_sig, Sig::term);
}

TEST(Signals, SigchldIsIgnoredByDefaultButSentToTheParent) {
  Harness h;
  Pid c = h.fork(h.init);
  h.call(c, op::Exit{0});
  EXPECT_TRUE(h.k.process(h.init).pending_signals.empty());  // default: discarded
  Harness h2;
  h2.ok(h2.init, op::Sigaction{Sig::chld, SigAction::catch_flag()});
  Pid c2 = h2.fork(h2.init);
  h2.call(c2, op::Exit{0});
  EXPECT_EQ(h2.ok(h2.init, op::TakeCaught{Sig::chld}), 1);
}

TEST(Signals, SigkillCannotBeCaughtOrBlocked) {
  Harness h;
  EXPECT_EQ(h.done(h.init, op::Sigaction{Sig::kill, SigAction::catch_flag()}).err, Errno::einval);
  h.ok(h.init, op::Sigprocmask{SigHow::block, SigSet{Sig::kill, Sig::usr1}});
  EXPECT_FALSE(h.k.process(h.init).mask.has(Sig::kill));
  EXPECT_TRUE(h.k.process(h.init).mask.has(Sig::usr1));
}

TEST(Signals, KillZeroSignalsTheCallersGroupIncludingTheCaller) {
  Harness h;
  h.ok(h.init, op::Sigaction{Sig::usr1, SigAction::catch_flag()});
  Pid c = h.fork(h.init);
  Pid other = h.fork(h.init);
  h.ok(other, op::Setpgid{0, 0});
  h.ok(h.init, op::Kill{0, Sig::usr1});
  EXPECT_TRUE(h.k.process(h.init).pending_signals.has(Sig::usr1));
  EXPECT_TRUE(h.k.process(c).pending_signals.has(Sig::usr1));
  EXPECT_FALSE(h.k.process(other).pending_signals.has(Sig::usr1));
}

TEST(Signals, KillToMinusPgidSignalsEveryProcessOfThatGroup) {
  Harness h;
  Pid a = h.fork(h.init);
  h.ok(a, op::Setpgid{0, 0});
  h.ok(a, op::Sigaction{Sig::usr1, SigAction::catch_flag()});
  Pid b = h.fork(a);
  h.ok(h.init, op::Kill{-a, Sig::usr1});
  EXPECT_TRUE(h.k.process(a).pending_signals.has(Sig::usr1));
  EXPECT_TRUE(h.k.process(b).pending_signals.has(Sig::usr1));
  EXPECT_FALSE(h.k.process(h.init).pending_signals.has(Sig::usr1));
}

TEST(Signals, KillOfNoSuchProcessIsEsrchButAZombieAcceptsIt) {
  Harness h;
  EXPECT_EQ(h.done(h.init, op::Kill{42, Sig::term}).err, Errno::esrch);
  EXPECT_EQ(h.done(h.init, op::Kill{-42, Sig::term}).err, Errno::esrch);
  Pid c = h.fork(h.init);
  h.call(c, op::Exit{0});
  EXPECT_EQ(h.done(h.init, op::Kill{c, Sig::term}).err, Errno::ok);
}

TEST(Signals, ForkInheritsDispositionsMaskAndCaughtFlagsButNotPendingSignals) {
  Harness h;
  h.ok(h.init, op::Sigaction{Sig::usr1, SigAction::catch_flag()});
  h.ok(h.init, op::Sigaction{Sig::usr2, SigAction::ign()});
  h.ok(h.init, op::Sigprocmask{SigHow::block, SigSet{Sig::term}});
  h.ok(h.init, op::Kill{1, Sig::term});  // pending, blocked
  h.ok(h.init, op::Kill{1, Sig::usr1});
  h.ok(h.init, op::Getpid{});  // delivers SIGUSR1: its flag is set
  Pid c = h.fork(h.init);
  const Process& p = h.k.process(c);
  EXPECT_EQ(p.actions[static_cast<int>(Sig::usr1)].kind, SigAction::Kind::catch_flag);
  EXPECT_EQ(p.actions[static_cast<int>(Sig::usr2)].kind, SigAction::Kind::ign);
  EXPECT_TRUE(p.mask.has(Sig::term));
  EXPECT_TRUE(p.caught.has(Sig::usr1));
  EXPECT_TRUE(p.pending_signals.empty());
}

TEST(Signals, BlockedWaitpidIsInterruptedWithoutSaRestartAndRestartedWithIt) {
  for (bool restart : {false, true}) {
    Harness h;
    Pid c = h.fork(h.init);
    h.ok(h.init, op::Sigaction{Sig::usr1, SigAction::catch_flag(restart)});
    EXPECT_EQ(h.call(h.init, op::Waitpid{c, false}).status, StepStatus::blocked);
    h.ok(c, op::Kill{1, Sig::usr1});
    Outcome o = h.again(h.init);
    if (restart)
      EXPECT_EQ(o.status, StepStatus::blocked);
    else
      EXPECT_EQ(o.err, Errno::eintr);
  }
}

TEST(Signals, WokenAndInterruptedAtOnceIsTheChoosersDecision) {
  // init blocked in waitpid; the child exits (a wakeup) and a caught signal arrives (an
  // interruption): 0 = the wait completes, 1 = EINTR.
  for (std::uint32_t answer : {0u, 1u}) {
    Harness h;
    h.ok(h.init, op::Sigaction{Sig::usr1, SigAction::catch_flag()});
    Pid c = h.fork(h.init);
    h.call(h.init, op::Waitpid{c, false});
    h.ok(c, op::Kill{1, Sig::usr1});
    h.call(c, op::Exit{0});
    h.answers.push_back(answer);
    Outcome o = h.again(h.init);
    EXPECT_EQ(h.asked.back(), DecisionKind::signal_race);
    if (answer == 0)
      EXPECT_EQ(o.ret, c);
    else
      EXPECT_EQ(o.err, Errno::eintr);
  }
}

}  // namespace
}  // namespace papaya::model
