// Independence over Os operations (sim/independence.hpp): each rule docs/explore.md states,
// checked on the effects computed from a real kernel state.
#include "sim/independence.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "model/kernel.hpp"

namespace papaya::sim {
namespace {

struct NoChoices final : model::Choices {
  std::uint32_t choose(std::uint32_t, model::DecisionKind) override { return 0; }
};

struct Two {
  NoChoices ch;
  model::Kernel k{ch};
  Pid a = 0, b = 0;
  Fd fd = -1;
  Two() {
    a = k.create_init();
    k.submit(a, model::op::Open{"x", OpenFlags::rdwr | OpenFlags::creat});
    fd = static_cast<Fd>(k.step(a).ret);
    k.submit(a, model::op::Fork{});
    b = static_cast<Pid>(k.step(a).ret);
    EXPECT_EQ(fd, 3);
    EXPECT_EQ(b, 2);
  }
};

// The effect of `op` as the next call of process a (first) or b (its forked child), each in a
// fresh kernel of the same history (a process has one pending call at a time).
constexpr Fd fd = 3;  // pid 1's first open: 0-2 are the null device
constexpr Pid b = 2;  // its first child

Effect of(bool child, const model::Op& op) {
  Two t;
  const Pid p = child ? t.b : t.a;
  t.k.submit(p, op);
  return effect_of(t.k, p);
}

TEST(Independence, PreadsOfOneFileCommute) {
  char c;
  Effect x = of(false, model::op::Pread{fd, std::span<char>(&c, 1), 0});
  Effect y = of(true, model::op::Pread{fd, std::span<char>(&c, 1), 0});
  EXPECT_FALSE(dependent(x, y));
}

TEST(Independence, APwriteAndAPreadOfOneFileAreDependent) {
  char c;
  Effect x = of(false, model::op::Pwrite{fd, "1", 0});
  Effect y = of(true, model::op::Pread{fd, std::span<char>(&c, 1), 0});
  EXPECT_TRUE(dependent(x, y));
}

TEST(Independence, ReadsThroughASharedDescriptionMoveOneOffsetSoTheyAreDependent) {
  char c;
  Effect x = of(false, model::op::Read{fd, std::span<char>(&c, 1)});
  Effect y = of(true, model::op::Read{fd, std::span<char>(&c, 1)});
  EXPECT_TRUE(dependent(x, y));
}

TEST(Independence, FlockAndPreadCommuteButTwoFlocksDoNot) {
  char c;
  Effect x = of(false, model::op::Flock{fd, {LockOp::ex, false}});
  Effect y = of(true, model::op::Pread{fd, std::span<char>(&c, 1), 0});
  EXPECT_FALSE(dependent(x, y));
  Effect z = of(true, model::op::Flock{fd, {LockOp::sh, false}});
  EXPECT_TRUE(dependent(x, z));
}

TEST(Independence, AKillIsDependentOnEveryStepOfItsTarget) {
  Effect k = of(false, model::op::Kill{b, Sig::usr1});
  EXPECT_TRUE(dependent(k, of(true, model::op::Getpid{})));
  EXPECT_TRUE(dependent(k, of(true, model::op::Sigprocmask{SigHow::block, {Sig::usr1}})));
}

TEST(Independence, AGroupKillIsDependentOnTheGroupsMembersSteps) {
  Effect k = of(false, model::op::Kill{0, Sig::usr1});
  EXPECT_TRUE(dependent(k, of(true, model::op::Getpid{})));
}

TEST(Independence, TwoForksAreDependentThePidTableOrdersThem) {
  EXPECT_TRUE(dependent(of(false, model::op::Fork{}), of(true, model::op::Fork{})));
}

TEST(Independence, OpensOfANameNotYetCreatedAreDependent) {
  Effect x = of(false, model::op::Open{"new", OpenFlags::rdwr | OpenFlags::creat});
  Effect y = of(true, model::op::Open{"new", OpenFlags::rdonly});
  EXPECT_TRUE(dependent(x, y));
  Effect z = of(true, model::op::Open{"other", OpenFlags::rdwr | OpenFlags::creat});
  EXPECT_FALSE(dependent(x, z));
}

// The effect of `op` as b's next call after b set SIGUSR1 to be caught.
Effect of_catching(const model::Op& op) {
  Two t;
  t.k.submit(t.b, model::op::Sigaction{Sig::usr1, SigAction::catch_flag()});
  t.k.step(t.b);
  t.k.submit(t.b, op);
  return effect_of(t.k, t.b);
}

TEST(Independence, ACaughtSignalCommutesWithTheTargetsStepsThatCannotTellWhenItCame) {
  Effect k = of(false, model::op::Kill{b, Sig::usr1});
  char c;
  EXPECT_FALSE(dependent(k, of_catching(model::op::Getpid{})));
  EXPECT_FALSE(dependent(k, of_catching(model::op::Pread{fd, std::span<char>(&c, 1), 0})));
  EXPECT_FALSE(dependent(k, of_catching(model::op::Log{})));
}

TEST(Independence, ACaughtSignalIsDependentOnTheTargetsStepsThatCanBlockOrReadSignals) {
  Effect k = of(false, model::op::Kill{b, Sig::usr1});
  char c;
  EXPECT_TRUE(dependent(k, of_catching(model::op::TakeCaught{Sig::usr1})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::Pause{})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::Read{fd, std::span<char>(&c, 1)})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::Pwrite{fd, "1", 0})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::Fork{})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::Exit{0})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::Sigprocmask{SigHow::block, {Sig::usr1}})));
}

TEST(Independence, TakeCaughtObservesOnlyItsOwnSignal) {
  Effect k = of(false, model::op::Kill{b, Sig::usr1});
  EXPECT_FALSE(dependent(k, of_catching(model::op::TakeCaught{Sig::term})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::TakeCaught{Sig::usr1})));
}

TEST(Independence, ASigprocmaskCommutesWithTheSignalsWhoseBlockedStateItLeavesAlone) {
  Effect k = of(false, model::op::Kill{b, Sig::usr1});
  EXPECT_FALSE(dependent(k, of_catching(model::op::Sigprocmask{SigHow::block, {Sig::term}})));
  EXPECT_FALSE(dependent(k, of_catching(model::op::Sigprocmask{SigHow::unblock, {Sig::term}})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::Sigprocmask{SigHow::block, {Sig::usr1}})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::Sigprocmask{SigHow::setmask, {Sig::usr1}})));
  // A default-fatal signal: every step of the target may be where it dies.
  EXPECT_TRUE(dependent(of(false, model::op::Kill{b, Sig::term}),
                        of(true, model::op::Sigprocmask{SigHow::block, {Sig::usr1}})));
}

// Pid 1 makes a pipe and forks pid 2: both hold both ends (fds 3 and 4). `closed_first`: pid 1
// has already closed its read end, so pid 2's reference is the last one.
Effect of_pipe(bool child, const model::Op& op, bool closed_first = false) {
  NoChoices ch;
  model::Kernel k{ch};
  const Pid a = k.create_init();
  k.submit(a, model::op::Pipe{});
  EXPECT_EQ(k.step(a).ret, 3);
  k.submit(a, model::op::Fork{});
  const Pid c = static_cast<Pid>(k.step(a).ret);
  if (closed_first) {
    k.submit(a, model::op::Close{3});
    k.step(a);
  }
  const Pid p = child ? c : a;
  k.submit(p, op);
  return effect_of(k, p);
}

TEST(Independence, APipeEndsDropsCommuteWithEachOtherAndWithReadsThatGetBytes) {
  char ch;
  Effect read = of_pipe(false, model::op::Read{3, std::span<char>(&ch, 1)});
  Effect write = of_pipe(false, model::op::Write{4, "x"});
  Effect close_read = of_pipe(true, model::op::Close{3});
  Effect close_write = of_pipe(true, model::op::Close{4});
  // Drops of one end by different processes commute, whichever turns out to be the last: each
  // writes only its own process's references (pipe_end).
  EXPECT_FALSE(dependent(close_read, of_pipe(false, model::op::Close{3})));
  EXPECT_FALSE(dependent(of_pipe(true, model::op::Exit{0}), of_pipe(false, model::op::Close{3})));
  EXPECT_FALSE(dependent(close_write, of_pipe(false, model::op::Close{4})));
  // A write looks at every process's references to the read end (SIGPIPE, EPIPE once all are
  // gone), so it is dependent on each drop of it, the last one included.
  EXPECT_TRUE(dependent(close_read, write));
  EXPECT_TRUE(dependent(of_pipe(true, model::op::Close{3}, /*closed_first=*/true), write));
  // A read that finds the pipe empty looks at the write end (end-of-file, or it waits); the
  // read end's drops it does not see.
  EXPECT_TRUE(dependent(close_write, read));
  EXPECT_FALSE(dependent(close_read, read));
}

// Pid 1 and its child pid 2 each open "x" once more (fd 4, a description of their own; fd 3 is
// pid 1's, shared by fork). Each runs `a_before` / `b_before` in turn, then the effects of the
// next calls `a_next` and `b_next` are taken in that state.
std::pair<Effect, Effect> of_own_descriptions(const std::vector<model::Op>& a_before,
                                              const std::vector<model::Op>& b_before,
                                              const model::Op& a_next, const model::Op& b_next) {
  Two t;
  for (Pid p : {t.a, t.b}) {
    t.k.submit(p, model::op::Open{"x", OpenFlags::rdwr});
    EXPECT_EQ(t.k.step(p).ret, 4);
  }
  for (const model::Op& op : a_before) {
    t.k.submit(t.a, op);
    t.k.step(t.a);
  }
  for (const model::Op& op : b_before) {
    t.k.submit(t.b, op);
    t.k.step(t.b);
  }
  t.k.submit(t.a, a_next);
  t.k.submit(t.b, b_next);
  return {effect_of(t.k, t.a), effect_of(t.k, t.b)};
}

TEST(Independence, TwoSharedLocksAreOrderedButASharedReleaseCommutesWithASharedLock) {
  const model::Op sh = model::op::Flock{4, {LockOp::sh, false}};
  const model::Op ex = model::op::Flock{4, {LockOp::ex, false}};
  const model::Op un = model::op::Flock{4, {LockOp::un, false}};
  // Two grants of LOCK_SH: the holder list's order is what a later LOCK_EX blocks on.
  auto [sh_a, sh_b] = of_own_descriptions({}, {}, sh, sh);
  EXPECT_TRUE(dependent(sh_a, sh_b));
  // a holds LOCK_SH: its release commutes with b's LOCK_SH and with b's release of its own...
  auto [un_a, sh_b2] = of_own_descriptions({sh}, {}, un, sh);
  EXPECT_FALSE(dependent(un_a, sh_b2));
  auto [un_a2, un_b] = of_own_descriptions({sh}, {sh}, un, un);
  EXPECT_FALSE(dependent(un_a2, un_b));
  // ... but not with a LOCK_EX, which it may wake.
  auto [un_a3, ex_b] = of_own_descriptions({sh}, {}, un, ex);
  EXPECT_TRUE(dependent(un_a3, ex_b));
  // a holds LOCK_EX: its release is dependent on every request.
  auto [unx_a, sh_b3] = of_own_descriptions({ex}, {}, un, sh);
  EXPECT_TRUE(dependent(unx_a, sh_b3));
  // Through one description (pid 1's fd 3, shared by fork) a release and a lock conflict.
  auto [un_3, sh_3] = of_own_descriptions({model::op::Flock{3, {LockOp::sh, false}}}, {},
                                          model::op::Flock{3, {LockOp::un, false}},
                                          model::op::Flock{3, {LockOp::sh, false}});
  EXPECT_TRUE(dependent(un_3, sh_3));
}

TEST(Independence, OpensOfAnExistingNameCommuteWithEachOtherAndWithWritesUnlessTheyTruncate) {
  // "x" exists (pid 1 created it): O_CREAT creates nothing.
  Effect create_again = of(false, model::op::Open{"x", OpenFlags::rdwr | OpenFlags::creat});
  EXPECT_FALSE(
      dependent(create_again, of(true, model::op::Open{"x", OpenFlags::rdwr | OpenFlags::creat})));
  EXPECT_FALSE(dependent(create_again, of(true, model::op::Pwrite{fd, "1", 0})));
  EXPECT_FALSE(dependent(create_again, of(true, model::op::Write{fd, "1"})));
  // O_TRUNC empties it; an unlink takes the name away.
  Effect trunc = of(false, model::op::Open{"x", OpenFlags::rdwr | OpenFlags::trunc});
  EXPECT_TRUE(dependent(trunc, of(true, model::op::Pwrite{fd, "1", 0})));
  EXPECT_TRUE(dependent(create_again, of(true, model::op::Unlink{"x"})));
}

TEST(Independence, ASigactionTouchesOnlyItsOwnSignal) {
  // b catches SIGUSR1 and has it unblocked; a sends it SIGUSR1.
  Effect k = of(false, model::op::Kill{b, Sig::usr1});
  EXPECT_FALSE(dependent(k, of_catching(model::op::Sigaction{Sig::chld, SigAction::catch_flag()})));
  EXPECT_FALSE(dependent(k, of_catching(model::op::Sigaction{Sig::term, SigAction::dfl()})));
  EXPECT_TRUE(dependent(k, of_catching(model::op::Sigaction{Sig::usr1, SigAction::ign()})));
  // Ignored (the default disposition is kept for SIGTERM: fatal), a signal's sigaction decides
  // whether the kill is discarded.
  EXPECT_TRUE(dependent(k, of(true, model::op::Sigaction{Sig::usr1, SigAction::catch_flag()})));
  EXPECT_TRUE(dependent(of(false, model::op::Kill{b, Sig::term}),
                        of(true, model::op::Sigaction{Sig::chld, SigAction::catch_flag()})));
}

// Pid 1 makes a pipe (fd 4 the read end, 5 the write end; 3 is "x") and forks pids 3 and 4;
// with `writers_closed`, each of the three closes its write end. Then pids 3 and 4 read.
std::pair<Effect, Effect> of_two_pipe_readers(bool writers_closed) {
  Two t;
  t.k.submit(t.a, model::op::Pipe{});
  EXPECT_EQ(t.k.step(t.a).ret, 4);
  std::vector<Pid> kids;
  for (int i = 0; i < 2; ++i) {
    t.k.submit(t.a, model::op::Fork{});
    kids.push_back(static_cast<Pid>(t.k.step(t.a).ret));
  }
  if (writers_closed) {
    for (Pid p : {t.a, kids[0], kids[1]}) {
      t.k.submit(p, model::op::Close{5});
      t.k.step(p);
    }
  }
  static char c1, c2;
  t.k.submit(kids[0], model::op::Read{4, std::span<char>(&c1, 1)});
  t.k.submit(kids[1], model::op::Read{4, std::span<char>(&c2, 1)});
  return {effect_of(t.k, kids[0]), effect_of(t.k, kids[1])};
}

TEST(Independence, ReadsAtAPipesEndOfFileCommute) {
  // A write end is still open: each read would wait for bytes, and one may get them.
  auto [wait1, wait2] = of_two_pipe_readers(false);
  EXPECT_TRUE(dependent(wait1, wait2));
  // Every write end closed and nothing left: both return 0 and change nothing.
  auto [eof1, eof2] = of_two_pipe_readers(true);
  EXPECT_FALSE(dependent(eof1, eof2));
}

// Pid 1 (which with `catching` catches SIGUSR1 and SIGCHLD first) forks pids 2 and 3; `ob` and
// `oc` are their next calls, `oa` pid 1's. The three effects, computed in that one state.
struct ThreeEffects {
  Effect a, b, c;
};
ThreeEffects of_parent_and_two_children(bool catching, const model::Op& oa, const model::Op& ob,
                                        const model::Op& oc) {
  NoChoices ch;
  model::Kernel k{ch};
  const Pid a = k.create_init();
  if (catching) {
    for (Sig s : {Sig::usr1, Sig::chld}) {
      k.submit(a, model::op::Sigaction{s, SigAction::catch_flag()});
      k.step(a);
    }
  }
  std::vector<Pid> kids;
  for (int i = 0; i < 2; ++i) {
    k.submit(a, model::op::Fork{});
    kids.push_back(static_cast<Pid>(k.step(a).ret));
  }
  EXPECT_EQ(kids, (std::vector<Pid>{2, 3}));
  k.submit(a, oa);
  k.submit(kids[0], ob);
  k.submit(kids[1], oc);
  return {effect_of(k, a), effect_of(k, kids[0]), effect_of(k, kids[1])};
}

// signal(7): "Standard signals do not queue": two generations of one signal leave one pending
// instance in either order. Each still races the target's step that takes it.
TEST(Independence, TwoGenerationsOfOneSignalCommuteAndEachRacesItsDelivery) {
  const model::Op kill1 = model::op::Kill{1, Sig::usr1};
  auto [a, b, c] = of_parent_and_two_children(true, model::op::TakeCaught{Sig::usr1}, kill1, kill1);
  EXPECT_FALSE(dependent(b, c));
  EXPECT_TRUE(dependent(a, b));
  EXPECT_TRUE(dependent(a, c));
  // A group kill and a kill of one member: the same, on the member's signal.
  auto [a2, g, c2] = of_parent_and_two_children(true, model::op::TakeCaught{Sig::usr1},
                                                model::op::Kill{0, Sig::usr1}, kill1);
  EXPECT_FALSE(dependent(g, c2));
  EXPECT_TRUE(dependent(a2, g));
  // Two signals of one target were independent already; a kill of another target too.
  auto [a3, t, u] =
      of_parent_and_two_children(true, model::op::Getpid{}, model::op::Kill{1, Sig::term}, kill1);
  EXPECT_FALSE(dependent(t, u));
}

// The two children's exits are each a SIGCHLD for their parent (the chat's two cluster leaders'
// exits for the daemon): they commute, and each races the parent's take_caught(SIGCHLD).
TEST(Independence, SiblingsExitsCommuteWhenTheirParentCatchesSigchld) {
  auto [a, b, c] = of_parent_and_two_children(true, model::op::TakeCaught{Sig::chld},
                                              model::op::Exit{0}, model::op::Exit{0});
  EXPECT_FALSE(dependent(b, c));
  EXPECT_TRUE(dependent(a, b));
  EXPECT_TRUE(dependent(a, c));
}

// Whether the SIGCHLD is discarded (SIG_DFL, unblocked) or left pending is the parent's
// sigaction's business: the exit reads the parent's SIGCHLD whatever its disposition.
TEST(Independence, AnExitReadsItsParentsSigchldWhateverItsDisposition) {
  const model::Op catch_chld = model::op::Sigaction{Sig::chld, SigAction::catch_flag()};
  auto [a, b, c] =
      of_parent_and_two_children(false, catch_chld, model::op::Exit{0}, model::op::Getpid{});
  EXPECT_TRUE(dependent(a, b));
  EXPECT_FALSE(dependent(a, c));
  // Blocking or unblocking another signal leaves it alone.
  auto [m, e, f] =
      of_parent_and_two_children(false, model::op::Sigprocmask{SigHow::block, {Sig::usr1}},
                                 model::op::Exit{0}, model::op::Exit{0});
  EXPECT_FALSE(dependent(m, e));
  EXPECT_FALSE(dependent(e, f));
}

TEST(Independence, ClockReadsCommute) {
  EXPECT_FALSE(dependent(of(false, model::op::Now{}), of(true, model::op::Sleep{Duration{5}})));
}

}  // namespace
}  // namespace papaya::sim
