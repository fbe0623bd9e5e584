// Blocking syscalls and handoff, sysmon's retake and its 10 ms preemption, the netpoller.
#include "harness.hpp"

namespace papaya::model::go::testing {
namespace {

using namespace std::chrono_literals;

TEST(GoSyscall, ASyscallLeavesItsPInSyscallAndReturningReacquiresIt) {
  Hand h;
  EXPECT_EQ(h.run(0, gop::Syscall{}).status, GoStatus::parked);
  EXPECT_EQ(h.rt.p(0).status, PStatus::syscall);
  EXPECT_EQ(h.rt.g(h.main).status, GStatus::syscall);
  EXPECT_TRUE(h.rt.actors().empty());  // nothing steps until the kernel call returns
  h.rt.syscall_returned(h.main);
  ASSERT_EQ(h.rt.actors().size(), 1u);
  EXPECT_EQ(h.rt.step(h.rt.actors().front()).status, GoStatus::done);
  EXPECT_EQ(h.rt.p(0).status, PStatus::running);
  EXPECT_EQ(h.on(0), h.main);
}

TEST(GoSyscall, SysmonRetakesAPStuckInASyscallOnItsSecondLookAndHandsItOff) {
  Hand h;
  h.run(0, gop::Syscall{});  // a first syscall round trip: P0's syscalltick becomes 1
  h.rt.syscall_returned(h.main);
  h.rt.step({Actor::Kind::syscall_exit, h.main});
  Gid g = h.spawn();  // work waiting in P0's runnext
  h.run(0, gop::Syscall{});
  h.rt.sysmon();  // first look: records syscalltick
  EXPECT_EQ(h.rt.p(0).status, PStatus::syscall);
  h.rt.advance_to(h.rt.now() + 20us);
  h.rt.sysmon();  // second look: local work, so retake and handoffp starts an M
  EXPECT_EQ(h.rt.p(0).status, PStatus::running);
  h.again(0);
  EXPECT_EQ(h.on(0), g);
  // The syscall returns: its P is gone and none is idle, so main waits on the global queue.
  h.rt.syscall_returned(h.main);
  EXPECT_EQ(h.rt.step({Actor::Kind::syscall_exit, h.main}).status, GoStatus::scheduled);
  EXPECT_EQ(h.rt.global_runq(), (Queue<Gid>{h.main}));
}

TEST(GoSyscall, AnIdleSyscallPWithIdleHelpIsLeftAloneForTenMilliseconds) {
  Hand h(2);
  h.run(0, gop::Syscall{});  // a first round trip, so that sysmon's first look only records
  h.rt.syscall_returned(h.main);
  h.rt.step({Actor::Kind::syscall_exit, h.main});
  h.run(0, gop::Syscall{});  // no local work; P1 is idle
  h.rt.sysmon();
  h.rt.advance_to(h.rt.now() + 5ms);
  h.rt.sysmon();
  EXPECT_EQ(h.rt.p(0).status, PStatus::syscall);
  h.rt.advance_to(h.rt.now() + 6ms);
  h.rt.sysmon();
  EXPECT_NE(h.rt.p(0).status, PStatus::syscall);
}

TEST(GoSyscall, SysmonPreemptsAGoroutineRunningTenMillisecondsOnOneSchedtick) {
  Hand h;
  Gid g = h.spawn();
  h.rt.submit(h.main, gop::Gosched{});  // main is busy; its next call is where it stops
  h.rt.sysmon();
  h.rt.advance_to(h.rt.now() + 9ms);
  h.rt.sysmon();
  EXPECT_FALSE(h.rt.g(h.main).preempt);
  h.rt.advance_to(h.rt.now() + 1ms);
  h.rt.sysmon();
  EXPECT_TRUE(h.rt.g(h.main).preempt);
  EXPECT_EQ(h.again(0).status, GoStatus::scheduled);  // preempted before its op ran
  EXPECT_EQ(h.on(0), g);
  EXPECT_EQ(h.rt.global_runq(), (Queue<Gid>{h.main}));
  EXPECT_TRUE(h.rt.g(h.main).pending.has_value());  // the Gosched is still to come
}

TEST(GoSyscall, WhereAnAsynchronousPreemptionLandsIsAChoice) {
  Hand h(1, true);
  h.spawn();
  const ObjId m = h.rt.new_mutex();
  h.rt.submit(h.main, gop::Lock{m});
  h.rt.sysmon();
  h.rt.advance_to(h.rt.now() + 10ms);
  h.rt.sysmon();
  EXPECT_EQ(h.again(0).status, GoStatus::done);  // answer 0: the op runs first
  EXPECT_EQ(h.asked(GoChoice::preempt_lands), 1u);
  h.choices = ListChoices({1});
  EXPECT_EQ(h.run(0, gop::Unlock{m}).status, GoStatus::scheduled);  // answer 1: lands now
}

TEST(GoNetpoll, AGoroutineParkedOnADescriptorRunsOnceEpollReportsIt) {
  Hand h;
  const ObjId fd = h.rt.new_fd();
  EXPECT_EQ(h.run(0, gop::WaitRead{fd}).status, GoStatus::parked);
  EXPECT_EQ(h.rt.g(h.main).wait, WaitReason::io_wait);
  EXPECT_EQ(h.rt.check_dead(), Ending::running);  // an M sits in netpoll: not a deadlock
  EXPECT_TRUE(h.rt.actors().empty());
  h.rt.netpoll_event(fd);
  ASSERT_EQ(h.rt.actors(), (std::vector<Actor>{{Actor::Kind::poller, 0}}));
  h.rt.step({Actor::Kind::poller, 0});
  EXPECT_EQ(h.on(0), h.main);
  EXPECT_EQ(h.again(0).status, GoStatus::done);
}

// The runtime counts the descriptors with an event (actors() asks at every step): a second edge
// before netpoll takes the first is the same event, and netpoll leaves none behind.
TEST(GoNetpoll, AnEdgeReportedTwiceIsOneEventAndThePollerTakesThemAll) {
  Hand h;
  const ObjId fd = h.rt.new_fd();
  EXPECT_EQ(h.run(0, gop::WaitRead{fd}).status, GoStatus::parked);
  h.rt.netpoll_event(fd);
  h.rt.netpoll_event(fd);
  h.rt.check_invariants();  // one descriptor with an event, counted once
  ASSERT_EQ(h.rt.actors(), (std::vector<Actor>{{Actor::Kind::poller, 0}}));
  h.rt.step({Actor::Kind::poller, 0});
  h.rt.check_invariants();  // none left
  EXPECT_EQ(h.on(0), h.main);
  EXPECT_EQ(h.again(0).status, GoStatus::done);
  EXPECT_EQ(h.run(0, gop::WaitRead{fd}).status, GoStatus::parked);  // no edge left over: parks
  EXPECT_TRUE(h.rt.actors().empty());
}

TEST(GoNetpoll, SysmonPollsTheNetworkWhenNobodyHasForTenMilliseconds) {
  Hand h;
  const ObjId fd = h.rt.new_fd();
  Gid g = h.spawn();
  h.run(0, gop::WaitRead{fd});  // main parks; g keeps the only P busy, so no M sits in netpoll
  EXPECT_EQ(h.on(0), g);
  h.rt.netpoll_event(fd);
  EXPECT_TRUE(h.rt.actors().empty() || h.rt.actors().front().kind == Actor::Kind::p);
  h.rt.advance_to(5ms);
  h.rt.sysmon();
  EXPECT_EQ(h.rt.g(h.main).status, GStatus::waiting);
  h.rt.advance_to(11ms);
  h.rt.sysmon();  // lastpoll (0) + 10 ms < now: netpoll(0) and injectglist without a P
  EXPECT_EQ(h.rt.g(h.main).status, GStatus::runnable);
  EXPECT_EQ(h.rt.global_runq(), (Queue<Gid>{h.main}));
}

TEST(GoNetpoll, AnEdgeNobodyWaitedForIsRememberedOnceAndOnlyOnce) {
  Hand h;
  const ObjId f0 = h.rt.new_fd(), fd = h.rt.new_fd();
  const ObjId c = h.rt.new_chan(0);
  Gid g = h.spawn();
  h.run(0, gop::WaitRead{f0});  // main parks on f0; g runs
  EXPECT_EQ(h.on(0), g);
  h.rt.netpoll_event(f0);
  h.rt.netpoll_event(fd);  // nobody waits on fd: netpoll marks it pdReady
  h.run(0, gop::Recv{c});  // g parks; findRunnable's non-blocking netpoll readies main
  EXPECT_EQ(h.on(0), h.main);
  EXPECT_EQ(h.again(0).status, GoStatus::done);                     // its wait on f0 ends
  EXPECT_EQ(h.run(0, gop::WaitRead{fd}).status, GoStatus::done);    // consumes pdReady
  EXPECT_EQ(h.run(0, gop::WaitRead{fd}).status, GoStatus::parked);  // no new edge: parks
}

TEST(GoNetpoll, ThePollerRunsOneAndQueuesTheRestLocallyNeverInRunnext) {
  Hand h;
  const ObjId c = h.rt.new_chan(0);
  Gid g2 = h.spawn(), g3 = h.spawn(), g4 = h.spawn();
  for (Gid g : {g2, g3, g4}) EXPECT_EQ(h.rt.new_fd(), g - 1);  // fd i+1 for goroutine i+2
  h.run(0, gop::Recv{c});
  while (h.on(0) != 0) h.run(0, gop::WaitRead{h.on(0) - 1});
  EXPECT_EQ(h.rt.p(0).status, PStatus::idle);
  for (ObjId fd = 1; fd <= 3; ++fd) h.rt.netpoll_event(fd);
  h.rt.step({Actor::Kind::poller, 0});
  EXPECT_EQ(h.on(0), g4);  // netpoll's gList is a stack: the last ready descriptor's goroutine
  EXPECT_EQ(h.rt.p(0).runnext, 0u);
  EXPECT_EQ(h.rt.p(0).runq, (Queue<Gid>{g3, g2}));
}

TEST(GoNetpoll, InjectglistGivesEachIdlePOneGoroutineThroughTheGlobalQueue) {
  Hand h(2);
  const ObjId c = h.rt.new_chan(0);
  for (int i = 0; i < 3; ++i) h.spawn();
  for (int i = 0; i < 3; ++i) h.rt.new_fd();
  h.run(0, gop::Recv{c});
  for (int guard = 0; guard < 100 && !(h.rt.actors().empty() && h.rt.want_op().empty()); ++guard) {
    for (int p = 0; p < 2; ++p) {
      if (h.rt.p(p).status != PStatus::running) continue;
      if (h.on(p) == 0)
        h.again(p);
      else
        h.run(p, gop::WaitRead{h.on(p) - 1});
    }
  }
  ASSERT_EQ(h.rt.p(0).status, PStatus::idle);
  ASSERT_EQ(h.rt.p(1).status, PStatus::idle);
  for (ObjId fd = 1; fd <= 3; ++fd) h.rt.netpoll_event(fd);
  h.rt.step({Actor::Kind::poller, 0});
  // One P runs the first; one idle P left, so one goroutine goes to the global queue (and that P
  // is started); the last goes to the poller's P's local queue. No runnext anywhere.
  EXPECT_EQ(h.rt.global_runq().size(), 1u);
  EXPECT_EQ(h.rt.p(0).runq.size() + h.rt.p(1).runq.size(), 1u);
  EXPECT_EQ(h.rt.p(0).runnext + h.rt.p(1).runnext, 0u);
  EXPECT_EQ(h.rt.p(0).status, PStatus::running);
  EXPECT_EQ(h.rt.p(1).status, PStatus::running);
}

}  // namespace
}  // namespace papaya::model::go::testing
