// Time rules: virtual clock, sleeps and alarms as timers.
#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using std::chrono::seconds;
using testing::Harness;

TEST(Time, SleepBlocksUntilTheClockReachesItsDeadline) {
  Harness h;
  EXPECT_EQ(h.call(h.init, op::Sleep{seconds(2)}).status, StepStatus::blocked);
  EXPECT_EQ(h.k.next_timer(), Duration(seconds(2)));
  h.k.advance_to(seconds(1));
  EXPECT_FALSE(h.k.ready(h.init));
  h.k.advance_to(seconds(2));
  EXPECT_TRUE(h.k.ready(h.init));
  EXPECT_EQ(h.again(h.init).err, Errno::ok);
  EXPECT_EQ(h.ok(h.init, op::Now{}), Duration(seconds(2)).count());
}

TEST(Time, ACaughtSignalInterruptsSleepWithEintr) {
  Harness h;
  h.ok(h.init, op::Sigaction{Sig::usr1, SigAction::catch_flag(true)});
  Pid c = h.fork(h.init);
  h.call(h.init, op::Sleep{seconds(5)});
  h.ok(c, op::Kill{1, Sig::usr1});
  EXPECT_EQ(h.again(h.init).err, Errno::eintr);  // nanosleep is never restarted
}

TEST(Time, AlarmRaisesSigalrmWhenDue) {
  Harness h;
  Pid c = h.fork(h.init);
  h.ok(c, op::Alarm{seconds(1)});
  EXPECT_EQ(h.call(c, op::Pause{}).status, StepStatus::blocked);
  h.k.advance_to(seconds(1));
  EXPECT_TRUE(h.k.ready(c));
  EXPECT_EQ(h.again(c).status, StepStatus::exited);  // SIGALRM's default action
  EXPECT_EQ(h.k.process(c).status.term_sig, Sig::alrm);
}

TEST(Time, AlarmReturnsTheTimeLeftOnThePreviousOneAndZeroCancels) {
  Harness h;
  EXPECT_EQ(h.ok(h.init, op::Alarm{seconds(3)}), 0);
  h.call(h.init, op::Sleep{seconds(1)});
  h.k.advance_to(seconds(1));
  h.again(h.init);
  EXPECT_EQ(h.ok(h.init, op::Alarm{Duration(0)}), Duration(seconds(2)).count());
  EXPECT_EQ(h.k.next_timer(), std::nullopt);
}

TEST(Time, AlarmsAreNotInheritedByForkedChildren) {
  Harness h;
  h.ok(h.init, op::Alarm{seconds(3)});
  Pid c = h.fork(h.init);
  EXPECT_FALSE(h.k.process(c).alarm_at.has_value());
}

}  // namespace
}  // namespace papaya::model
