// Signals on the executor: the lost wakeup of flag + pause, and the sigsuspend cure.
#include <gtest/gtest.h>

#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

// A waiter announces it is ready (through a pipe) and waits for one SIGUSR1; the parent sends it
// and reaps the waiter. The verdict is deadlock when the waiter slept through the signal.
Verdict notify(std::uint64_t seed, bool use_sigsuspend) {
  Simulation sim(testing::checked(seed));
  RunReport r = sim.run([&](Os& os) {
    auto [rd, wr] = *os.pipe();
    Pid waiter = *os.fork([&, rd = rd, wr = wr](Os& k) {
      (void)k.close(rd);
      (void)k.sigaction(Sig::usr1, SigAction::catch_flag());
      if (use_sigsuspend) (void)k.sigprocmask(SigHow::block, SigSet{Sig::usr1});
      (void)k.write(wr, "r");  // ready
      (void)k.close(wr);
      if (use_sigsuspend) {
        while (!k.take_caught(Sig::usr1)) (void)k.sigsuspend(SigSet{});
      } else {
        while (!k.take_caught(Sig::usr1)) (void)k.pause();  // the window: between test and pause
      }
    });
    (void)os.close(wr);
    char b;
    (void)os.read(rd, std::span<char>(&b, 1));
    (void)os.kill(waiter, Sig::usr1);
    (void)os.waitpid(waiter, false);
  });
  return r.verdict;
}

TEST(SimSignals, FlagAndPauseCanSleepThroughTheSignal) {
  int lost = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed)
    lost += notify(seed, false) == Verdict::deadlock ? 1 : 0;
  EXPECT_GT(lost, 0);
}

TEST(SimSignals, BlockedSignalAndSigsuspendNeverLoseIt) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed)
    EXPECT_EQ(notify(seed, true), Verdict::ok) << "seed " << seed;
}

TEST(SimSignals, ADefaultActionEndsTheProcessAndWaitpidReportsTheSignal) {
  Result<WaitStatus> ws = Errno::other;
  RunReport r = testing::run([&](Os& os) {
    Pid c = *os.fork([](Os& k) {
      for (;;) (void)k.pause();
    });
    (void)os.kill(c, Sig::term);
    ws = os.waitpid(c, false);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_TRUE(ws->signaled);
  EXPECT_EQ(ws->term_sig, Sig::term);
}

TEST(SimSignals, AKilledProcessUnwindsItsStack) {
  bool destroyed = false;
  struct Guard {
    bool& flag;
    ~Guard() { flag = true; }
  };
  testing::run([&](Os& os) {
    Pid c = *os.fork([&](Os& k) {
      Guard g{destroyed};
      for (;;) (void)k.pause();
    });
    (void)os.kill(c, Sig::kill);
    (void)os.waitpid(c, false);
  });
  EXPECT_TRUE(destroyed);
}

}  // namespace
}  // namespace papaya::sim
