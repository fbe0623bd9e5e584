// The scheduler's rules: runnext, the local and global queues, the 1-in-61 fairness check,
// stealing, Gosched.
#include "harness.hpp"

namespace papaya::model::go::testing {
namespace {

TEST(GoSched, GoStatementPutsTheNewGoroutineInRunnextAndKicksTheOldOneToTheQueue) {
  Hand h;
  Gid a = h.spawn();
  EXPECT_EQ(h.rt.p(0).runnext, a);
  Gid b = h.spawn();
  EXPECT_EQ(h.rt.p(0).runnext, b);
  ASSERT_EQ(h.rt.p(0).runq.size(), 1u);
  EXPECT_EQ(h.rt.p(0).runq.front(), a);
  EXPECT_EQ(h.rt.g(a).status, GStatus::runnable);
}

TEST(GoSched, AFullLocalQueueMovesHalfPlusOneToTheGlobalQueue) {
  Hand h;
  for (int i = 0; i < 257; ++i) h.spawn();  // runnext + 256 queued: full
  EXPECT_EQ(h.rt.p(0).runq.size(), 256u);
  EXPECT_TRUE(h.rt.global_runq().empty());
  Gid oldest = h.rt.p(0).runq.front();
  h.spawn();  // kicks runnext into a full queue: runqputslow
  EXPECT_EQ(h.rt.p(0).runq.size(), 128u);
  ASSERT_EQ(h.rt.global_runq().size(), 129u);
  EXPECT_EQ(h.rt.global_runq().front(), oldest);  // the queue's head half, in order
}

TEST(GoSched, ARunnextGoroutineInheritsTheTimeSliceAndAQueuedOneStartsANewOne) {
  Hand h;
  const ObjId c = h.rt.new_chan(0);
  Gid a = h.spawn();
  Gid b = h.spawn();  // runnext = b, runq = [a]
  const auto tick = h.rt.p(0).schedtick;
  EXPECT_EQ(h.run(0, gop::Recv{c}).status, GoStatus::parked);
  EXPECT_EQ(h.on(0), b);
  EXPECT_EQ(h.rt.p(0).schedtick, tick);  // inherited
  EXPECT_EQ(h.run(0, gop::Exit{}).status, GoStatus::exited);
  EXPECT_EQ(h.on(0), a);
  EXPECT_EQ(h.rt.p(0).schedtick, tick + 1);  // a new time slice
}

TEST(GoSched, EverySixtyFirstScheduleTakesOneFromTheGlobalQueueFirst) {
  Hand h;
  for (int i = 0; i < 300; ++i) h.spawn();  // global queue 129+, local queue, runnext
  const ObjId c = h.rt.new_chan(0);
  h.run(0, gop::Recv{c});  // main parks forever
  int from_global = 0, from_local = 0;
  while (h.on(0) != 0 && !h.rt.global_runq().empty()) {
    const P& p = h.rt.p(0);
    const bool fairness_tick = p.schedtick % 61 == 0;
    const Gid global_head = h.rt.global_runq().front();
    const Gid local_next = p.runnext != 0 ? p.runnext : (p.runq.empty() ? 0 : p.runq.front());
    h.run(0, gop::Exit{});
    if (fairness_tick) {
      EXPECT_EQ(h.on(0), global_head) << "schedtick " << p.schedtick;
      ++from_global;
    } else if (local_next != 0) {
      EXPECT_EQ(h.on(0), local_next);
      ++from_local;
    }
  }
  EXPECT_GE(from_global, 2);
  EXPECT_GT(from_local, 100);
}

TEST(GoSched, AnIdlePStealsHalfRoundedUpAndRunsTheLastItTook) {
  Hand h(2);
  Gid g2 = h.spawn();  // wakep: P1 spins
  EXPECT_TRUE(h.rt.p(1).spinning);
  Gid g3 = h.spawn(), g4 = h.spawn(), g5 = h.spawn(), g6 = h.spawn();
  EXPECT_EQ(h.rt.p(0).runq, (Queue<Gid>{g2, g3, g4, g5}));
  EXPECT_EQ(h.rt.p(0).runnext, g6);
  h.again(1);  // P1 finds nothing local or global: steals 4 - 4/2 = 2
  EXPECT_EQ(h.on(1), g3);
  EXPECT_EQ(h.rt.p(1).runq, (Queue<Gid>{g2}));
  EXPECT_EQ(h.rt.p(0).runq, (Queue<Gid>{g4, g5}));
  EXPECT_FALSE(h.rt.p(1).spinning);
}

TEST(GoSched, AnotherPsRunnextIsStolenOnlyInTheFourthRound) {
  Hand h(2);
  Gid g = h.spawn();  // P0: runnext = g, empty queue; P1 spinning
  h.again(1);
  EXPECT_EQ(h.on(1), g);
  EXPECT_EQ(h.rt.p(0).runnext, 0u);
  EXPECT_EQ(h.asked(GoChoice::steal_order), 4u);  // one random order per round
}

TEST(GoSched, ASpinningPThatFindsNothingGoesIdle) {
  Hand h(3);
  const ObjId c = h.rt.new_chan(0);
  h.run(0, gop::Recv{c});  // main parks; P0 goes idle
  EXPECT_EQ(h.rt.p(0).status, PStatus::idle);
  EXPECT_TRUE(h.rt.actors().empty());
}

TEST(GoSched, TheStealVictimOrderIsAChoiceOverStartAndCoprimeStride) {
  // GOMAXPROCS=3: coprimes {1, 2}, so fastrand picks among 3 * 2 = 6 orders.
  Hand h(3);
  h.spawn();
  h.again(1);
  ASSERT_FALSE(h.rt.decisions().empty());
  EXPECT_EQ(h.rt.decisions().front().choice, GoChoice::steal_order);
  EXPECT_EQ(h.rt.decisions().front().n, 6u);
}

TEST(GoSched, GoschedPutsTheGoroutineOnTheGlobalQueueBehindOthers) {
  Hand h;
  Gid a = h.spawn();
  EXPECT_EQ(h.run(0, gop::Gosched{}).status, GoStatus::scheduled);
  EXPECT_EQ(h.on(0), a);
  EXPECT_EQ(h.rt.global_runq(), (Queue<Gid>{h.main}));
  EXPECT_EQ(h.rt.g(h.main).status, GStatus::runnable);
}

TEST(GoSched, RunnextPingPongOnOneP) {
  // main and a goroutine hand a token back and forth over unbuffered channels on GOMAXPROCS=1:
  // each handoff readies the partner into runnext, so "other", queued behind, never runs before
  // main returns (the last `go` took runnext, so "third" ran first).
  Program prog;
  prog.chans = {0, 0};
  prog.bodies = {
      {op(gop::Go{1}), op(gop::Go{2}), op(gop::Go{3}), op(gop::Send{1, 0}), op(gop::Recv{2}),
       say("main done")},
      {say("ping 1"), op(gop::Recv{1}), op(gop::Send{2, 0})},
      {say("other")},
      {say("third")},
  };
  ListChoices ch;
  ScriptResult r = run_script(prog, ch, GoConfig{1, false});
  EXPECT_EQ(r.ending, Ending::exited);
  EXPECT_EQ(r.lines, lines({"third", "ping 1", "main done"}));
  EXPECT_EQ(r.leaked,
            (std::vector<std::string>{"goroutine 2 [_Grunnable]", "goroutine 3 [_Grunnable]"}));
}

}  // namespace
}  // namespace papaya::model::go::testing
