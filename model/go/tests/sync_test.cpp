// sync.Mutex (normal and starvation mode, barging, LIFO requeue, TryLock), sync.RWMutex writer
// preference, sync.Cond tickets.
#include "harness.hpp"

namespace papaya::model::go::testing {
namespace {

using namespace std::chrono_literals;

// main holds m; goroutine a queues on it; main is back on the P (a Gosched put it behind a).
struct Contended : Hand {
  Contended() {
    m = rt.new_mutex();
    run(0, gop::Lock{m});
    a = spawn();
    run(0, gop::Gosched{});  // a runs (runnext) and parks on m; main comes back from the global
    EXPECT_EQ(on(0), a);
    EXPECT_EQ(run(0, gop::Lock{m}).status, GoStatus::parked);
    EXPECT_EQ(rt.g(a).wait, WaitReason::semacquire);
    EXPECT_EQ(on(0), main);
  }
  ObjId m = 0;
  Gid a = 0;
};

TEST(GoMutex, UnlockWakesTheFirstWaiterIntoRunnextAndTheRunningGoroutineMayBargeIn) {
  Contended h;
  h.run(0, gop::Unlock{h.m});
  EXPECT_EQ(h.rt.p(0).runnext, h.a);  // woken, not yet owner
  EXPECT_TRUE(h.rt.mutex(h.m).woken);
  EXPECT_EQ(h.run(0, gop::Lock{h.m}).status, GoStatus::done);  // main barges in
  h.run(0, gop::Gosched{});
  EXPECT_EQ(h.on(0), h.a);
  EXPECT_EQ(h.again(0).status, GoStatus::parked);  // a runs, loses, requeues
  EXPECT_EQ(h.rt.g(h.a).status, GStatus::waiting);
  EXPECT_EQ(h.rt.mutex(h.m).sema.waiters, (Queue<Gid>{h.a}));
  EXPECT_FALSE(h.rt.mutex(h.m).woken);
}

TEST(GoMutex, AWokenWaiterThatLosesIsRequeuedAtTheFrontAheadOfNewerWaiters) {
  Contended h;
  Gid b = h.spawn();
  h.run(0, gop::Gosched{});
  h.run(0, gop::Lock{h.m});  // b parks on m behind a
  EXPECT_EQ(h.rt.mutex(h.m).sema.waiters, (Queue<Gid>{h.a, b}));
  h.run(0, gop::Unlock{h.m});  // wakes a
  h.run(0, gop::Lock{h.m});    // barges
  h.run(0, gop::Gosched{});
  h.again(0);  // a loses: queueLifo
  EXPECT_EQ(h.rt.mutex(h.m).sema.waiters, (Queue<Gid>{h.a, b}));
}

TEST(GoMutex, AWaiterThatWaitedOverOneMillisecondStarvesTheMutexAndGetsItHandedOff) {
  Contended h;
  h.run(0, gop::Unlock{h.m});
  h.run(0, gop::Lock{h.m});  // barge again
  h.rt.advance_to(2ms);      // a has now waited 2 ms
  h.run(0, gop::Gosched{});
  h.again(0);  // a wakes, loses, and switches the mutex to starvation mode
  EXPECT_TRUE(h.rt.mutex(h.m).starving);
  EXPECT_EQ(h.run(0, gop::TryLock{h.m}).value, 0);  // nobody barges a starving mutex
  h.run(0, gop::Unlock{h.m});  // direct handoff: a runs at once, main yields to the local queue
  EXPECT_EQ(h.on(0), h.a);
  EXPECT_EQ(h.rt.p(0).runq, (Queue<Gid>{h.main}));
  EXPECT_EQ(h.again(0).status, GoStatus::done);  // a owns it; last waiter: back to normal mode
  EXPECT_TRUE(h.rt.mutex(h.m).locked);
  EXPECT_FALSE(h.rt.mutex(h.m).starving);
  EXPECT_EQ(h.rt.mutex(h.m).waiters, 0);
}

TEST(GoMutex, TryLockTakesAnUnlockedMutexAndFailsOnALockedOne) {
  Hand h;
  const ObjId m = h.rt.new_mutex();
  EXPECT_EQ(h.run(0, gop::TryLock{m}).value, 1);
  EXPECT_EQ(h.run(0, gop::TryLock{m}).value, 0);
  h.run(0, gop::Unlock{m});
  EXPECT_EQ(h.run(0, gop::TryLock{m}).value, 1);
}

TEST(GoMutex, UnlockOfAnUnlockedMutexIsAFatalError) {
  Hand h;
  const ObjId m = h.rt.new_mutex();
  EXPECT_EQ(h.run(0, gop::Unlock{m}).status, GoStatus::ended);
  EXPECT_EQ(h.rt.ending(), Ending::fatal);
  EXPECT_EQ(h.rt.message(), "fatal error: sync: unlock of unlocked mutex");
  EXPECT_EQ(h.rt.exit_code(), 2);
}

TEST(GoRWMutex, ABlockedWriterExcludesNewReaders) {
  Hand h;
  const ObjId rw = h.rt.new_rwmutex();
  h.run(0, gop::RLock{rw});
  Gid r = h.spawn();
  Gid w = h.spawn();         // runnext w, queue [r]
  h.run(0, gop::Gosched{});  // w runs: Lock waits for main's read lock
  EXPECT_EQ(h.on(0), w);
  EXPECT_EQ(h.run(0, gop::WLock{rw}).status, GoStatus::parked);
  EXPECT_EQ(h.on(0), r);
  EXPECT_EQ(h.run(0, gop::RLock{rw}).status, GoStatus::parked);  // a new reader waits
  EXPECT_EQ(h.on(0), h.main);
  h.run(0, gop::RUnlock{rw});  // the last reader out lets the writer in
  EXPECT_EQ(h.rt.p(0).runnext, w);
  EXPECT_EQ(h.rt.g(r).status, GStatus::waiting);
  h.run(0, gop::Exit{});
}

TEST(GoRWMutex, WriterUnlockAdmitsEveryWaitingReader) {
  Hand h;
  const ObjId rw = h.rt.new_rwmutex();
  h.run(0, gop::WLock{rw});
  Gid r1 = h.spawn(), r2 = h.spawn();
  h.run(0, gop::Gosched{});
  h.run(0, gop::RLock{rw});
  h.run(0, gop::RLock{rw});
  EXPECT_EQ(h.rt.g(r1).status, GStatus::waiting);
  EXPECT_EQ(h.rt.g(r2).status, GStatus::waiting);
  EXPECT_EQ(h.on(0), h.main);
  h.run(0, gop::WUnlock{rw});
  EXPECT_EQ(h.rt.g(r1).status, GStatus::runnable);
  EXPECT_EQ(h.rt.g(r2).status, GStatus::runnable);
  EXPECT_EQ(h.rt.rwmutex(rw).reader_count, 2);
}

TEST(GoCond, ASignalBetweenWaitsUnlockAndItsParkIsNotLost) {
  Hand h(2);
  const ObjId m = h.rt.new_mutex();
  const ObjId c = h.rt.new_cond(m);
  Gid a = h.spawn();
  h.again(1);  // P1 steals a
  ASSERT_EQ(h.on(1), a);
  h.run(1, gop::Lock{m});
  EXPECT_EQ(h.run(1, gop::Wait{c}).status, GoStatus::progress);  // ticket taken, m unlocked
  h.run(0, gop::Signal{c});                                      // a is not on the list yet
  EXPECT_EQ(h.again(1).status, GoStatus::done);  // its ticket was notified: it does not park
  EXPECT_TRUE(h.rt.mutex(m).locked);
}

TEST(GoCond, SignalWakesTheWaiterHoldingTheOldestTicket) {
  Hand h;
  const ObjId m = h.rt.new_mutex();
  const ObjId c = h.rt.new_cond(m);
  Gid g3 = h.spawn(), g2 = h.spawn();  // g2 in runnext runs first
  h.run(0, gop::Gosched{});
  for (Gid g : {g2, g3}) {
    EXPECT_EQ(h.on(0), g);
    h.run(0, gop::Lock{m});
    h.run(0, gop::Wait{c});
    EXPECT_EQ(h.again(0).status, GoStatus::parked);
  }
  EXPECT_EQ(h.on(0), h.main);
  h.run(0, gop::Signal{c});
  EXPECT_EQ(h.rt.p(0).runnext, g2);
  EXPECT_EQ(h.rt.g(g3).status, GStatus::waiting);
}

TEST(GoCond, AWaiterNobodySignalsNeverWakes) {
  Program prog;
  prog.mutexes = 1;
  prog.conds = {1};
  prog.bodies = {{op(gop::Lock{1}), op(gop::Wait{1}), say("woke")}};
  ListChoices ch;
  ScriptResult r = run_script(prog, ch, GoConfig{1, false});
  EXPECT_EQ(r.ending, Ending::deadlock);
  EXPECT_TRUE(r.lines.empty());
}

TEST(GoCond, BroadcastRunsTheLastWaiterFirstThenTheOthersInOrder) {
  // Each goready takes runnext and kicks the previous one to the queue's tail.
  Program prog;
  prog.mutexes = 1;
  prog.conds = {1};
  prog.chans = {3};
  std::vector<Instr> waiter = {op(gop::Lock{1}), op(gop::Send{1, 0}), op(gop::Wait{1})};
  prog.bodies = {{op(gop::Go{1}), op(gop::Go{2}), op(gop::Go{3}), op(gop::Recv{1}),
                  op(gop::Recv{1}), op(gop::Recv{1}), op(gop::Lock{1}), op(gop::Broadcast{1}),
                  op(gop::Unlock{1}), op(gop::Recv{2}), op(gop::Recv{2}), op(gop::Recv{2})}};
  for (const char* name : {"w1", "w2", "w3"}) {
    std::vector<Instr> body = waiter;
    body.push_back(say(name));
    body.push_back(op(gop::Unlock{1}));
    body.push_back(op(gop::Send{2, 0}));
    prog.bodies.push_back(body);
  }
  prog.chans = {3, 3};
  ListChoices ch;
  ScriptResult r = run_script(prog, ch, GoConfig{1, false});
  EXPECT_EQ(r.ending, Ending::exited) << r.message;
  // Waiters queue in the order they ran: w3 (runnext), w1, w2.
  EXPECT_EQ(r.lines, lines({"w2", "w3", "w1"}));
}

}  // namespace
}  // namespace papaya::model::go::testing
