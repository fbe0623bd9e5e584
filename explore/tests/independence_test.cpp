// Independence over Os operations (sim/independence.hpp): each rule docs/explore.md states,
// checked on the effects computed from a real kernel state.
#include "sim/independence.hpp"

#include <gtest/gtest.h>

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

TEST(Independence, ClockReadsCommute) {
  EXPECT_FALSE(dependent(of(false, model::op::Now{}), of(true, model::op::Sleep{Duration{5}})));
}

}  // namespace
}  // namespace papaya::sim
