// Virtual time on the executor.
#include <gtest/gtest.h>

#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

using std::chrono::seconds;

TEST(SimTime, TimeJumpsToTheNextTimerWhenNothingCanRun) {
  Duration before{-1}, after{-1};
  RunReport r = testing::run([&](Os& os) {
    before = os.now();
    (void)os.sleep(seconds(5));
    after = os.now();
  });
  EXPECT_EQ(r.verdict, Verdict::ok);
  EXPECT_EQ(before, Duration(0));
  EXPECT_EQ(after, Duration(seconds(5)));
  EXPECT_EQ(r.virtual_time, Duration(seconds(5)));
}

TEST(SimTime, TheEarliestTimerFiresFirst) {
  std::vector<int> order;
  testing::run([&](Os& os) {
    Pid a = *os.fork([&](Os& k) {
      (void)k.sleep(seconds(3));
      order.push_back(3);
    });
    Pid b = *os.fork([&](Os& k) {
      (void)k.sleep(seconds(1));
      order.push_back(1);
    });
    (void)os.waitpid(a, false);
    (void)os.waitpid(b, false);
  });
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
}

TEST(SimTime, AnAlarmEndsAProcessBlockedForever) {
  Result<WaitStatus> ws = Errno::other;
  RunReport r = testing::run([&](Os& os) {
    auto [rd, wr] = *os.pipe();
    Pid c = *os.fork([rd = rd](Os& k) {
      (void)k.alarm(seconds(1));
      char b;
      (void)k.read(rd, std::span<char>(&b, 1));  // nobody writes
    });
    ws = os.waitpid(c, false);
    (void)os.close(wr);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_TRUE(ws->signaled);
  EXPECT_EQ(ws->term_sig, Sig::alrm);
}

}  // namespace
}  // namespace papaya::sim
