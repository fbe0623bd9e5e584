// Verdicts: deadlock, step bound, uncaught exceptions; and unwinding what is left.
#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

TEST(Verdicts, EveryLiveProcessBlockedAndNoTimerIsADeadlockNamingWhere) {
  RunReport r = testing::run([](Os& os) {
    auto [rd, wr] = *os.pipe();
    (void)wr;
    char b;
    (void)os.read(rd, std::span<char>(&b, 1));  // our own write end keeps it open: never EOF
  });
  EXPECT_EQ(r.verdict, Verdict::deadlock);
  EXPECT_NE(r.detail.find("pid 1 blocked in read"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("verdicts_test.cpp"), std::string::npos) << r.detail;
}

TEST(Verdicts, TwoProcessesLockingTwoFilesInOppositeOrderCanDeadlock) {
  int deadlocks = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    RunReport r = testing::run(
        [](Os& os) {
          auto both = [](Os& k, const char* first, const char* second) {
            Fd a = *k.open(first, OpenFlags::rdwr | OpenFlags::creat);
            Fd b = *k.open(second, OpenFlags::rdwr | OpenFlags::creat);
            (void)k.flock(a, {LockOp::ex, false});
            (void)k.flock(b, {LockOp::ex, false});
          };
          Pid c = *os.fork([&](Os& k) { both(k, "/b", "/a"); });
          both(os, "/a", "/b");
          (void)os.waitpid(c, false);
        },
        seed);
    deadlocks += r.verdict == Verdict::deadlock ? 1 : 0;
    EXPECT_TRUE(r.verdict == Verdict::ok || r.verdict == Verdict::deadlock)
        << verdict_name(r.verdict);
  }
  EXPECT_GT(deadlocks, 0);
}

TEST(Verdicts, ARunLongerThanItsStepBoundEndsWithStepBoundExceeded) {
  Options o = testing::checked();
  o.max_steps = 1000;
  Simulation sim(o);
  RunReport r = sim.run([](Os& os) {
    for (;;) (void)os.getpid();
  });
  EXPECT_EQ(r.verdict, Verdict::step_bound_exceeded);
  EXPECT_EQ(r.steps, 1000u);
}

TEST(Verdicts, AnExceptionEscapingAProcessIsAnUncaughtExceptionVerdict) {
  RunReport r = testing::run([](Os& os) {
    (void)os.getpid();
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(r.verdict, Verdict::uncaught_exception);
  EXPECT_NE(r.detail.find("boom"), std::string::npos);
}

TEST(Verdicts, ProcessesLeftAtTheEndOfARunAreUnwound) {
  int destroyed = 0;
  struct Guard {
    int& n;
    ~Guard() { ++n; }
  };
  {
    Options o = testing::checked();
    o.max_steps = 100;
    Simulation sim(o);
    sim.run([&](Os& os) {
      Guard g{destroyed};
      (void)os.fork([&](Os& k) {
        Guard h{destroyed};
        for (;;) (void)k.getpid();
      });
      for (;;) (void)os.getpid();
    });
  }
  EXPECT_EQ(destroyed, 2);
}

TEST(Verdicts, VerdictNamesRoundTrip) {
  for (Verdict v :
       {Verdict::ok, Verdict::deadlock, Verdict::step_bound_exceeded, Verdict::uncaught_exception,
        Verdict::replay_divergence, Verdict::lost_delivery})
    EXPECT_EQ(parse_verdict(verdict_name(v)), v);
  EXPECT_EQ(verdict_name(Verdict::deadlock), "deadlock");
}

}  // namespace
}  // namespace papaya::sim
