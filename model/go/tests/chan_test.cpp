// Channels and select: handoff, buffering, close, nil channels, the default case, and select's
// uniformly random choice.
#include "harness.hpp"

namespace papaya::model::go::testing {
namespace {

TEST(GoChan, AnUnbufferedSendHandsTheValueToTheWaitingReceiverWhoRunsNext) {
  Hand h;
  const ObjId c = h.rt.new_chan(0);
  Gid r = h.spawn();
  h.run(0, gop::Gosched{});
  EXPECT_EQ(h.run(0, gop::Recv{c}).status, GoStatus::parked);
  EXPECT_EQ(h.on(0), h.main);
  EXPECT_EQ(h.run(0, gop::Send{c, 42}).status, GoStatus::done);
  EXPECT_EQ(h.rt.p(0).runnext, r);
  h.run(0, gop::Gosched{});
  GoOutcome o = h.again(0);
  EXPECT_EQ(o.value, 42);
  EXPECT_TRUE(o.ok);
}

TEST(GoChan, AReceiverFromAFullBufferTakesTheHeadAndTheBlockedSendersValueGoesToTheTail) {
  Hand h;
  const ObjId c = h.rt.new_chan(1);
  h.run(0, gop::Send{c, 1});
  Gid s = h.spawn();
  h.run(0, gop::Gosched{});
  EXPECT_EQ(h.run(0, gop::Send{c, 2}).status, GoStatus::parked);  // full
  EXPECT_EQ(h.on(0), h.main);
  EXPECT_EQ(h.run(0, gop::Recv{c}).value, 1);
  EXPECT_EQ(h.rt.chan(c).buf, (Queue<std::int64_t>{2}));
  EXPECT_EQ(h.rt.p(0).runnext, s);
}

TEST(GoChan, AClosedChannelDeliversItsBufferThenZeroAndFalse) {
  Hand h;
  const ObjId c = h.rt.new_chan(2);
  h.run(0, gop::Send{c, 7});
  h.run(0, gop::Close{c});
  GoOutcome a = h.run(0, gop::Recv{c});
  EXPECT_EQ(a.value, 7);
  EXPECT_TRUE(a.ok);
  GoOutcome b = h.run(0, gop::Recv{c});
  EXPECT_EQ(b.value, 0);
  EXPECT_FALSE(b.ok);
}

TEST(GoChan, SendOnAClosedChannelPanics) {
  Hand h;
  const ObjId c = h.rt.new_chan(1);
  h.run(0, gop::Close{c});
  EXPECT_EQ(h.run(0, gop::Send{c, 1}).status, GoStatus::ended);
  EXPECT_EQ(h.rt.ending(), Ending::panic);
  EXPECT_EQ(h.rt.message(), "panic: send on closed channel");
  EXPECT_EQ(h.rt.exit_code(), 2);
}

TEST(GoChan, CloseOfAClosedOrNilChannelPanics) {
  Hand h;
  const ObjId c = h.rt.new_chan(0);
  h.run(0, gop::Close{c});
  h.run(0, gop::Close{c});
  EXPECT_EQ(h.rt.message(), "panic: close of closed channel");
  Hand h2;
  h2.run(0, gop::Close{0});
  EXPECT_EQ(h2.rt.message(), "panic: close of nil channel");
}

TEST(GoChan, CloseWakesABlockedSenderWhichThenPanics) {
  Hand h;
  const ObjId c = h.rt.new_chan(0);
  h.spawn();
  h.run(0, gop::Gosched{});
  h.run(0, gop::Send{c, 1});
  EXPECT_EQ(h.run(0, gop::Close{c}).status, GoStatus::done);
  h.run(0, gop::Gosched{});
  EXPECT_EQ(h.again(0).status, GoStatus::ended);
  EXPECT_EQ(h.rt.message(), "panic: send on closed channel");
}

TEST(GoChan, ANilChannelBlocksForever) {
  Program prog;
  prog.bodies = {{op(gop::Recv{0})}};
  ListChoices ch;
  ScriptResult r = run_script(prog, ch, GoConfig{1, false});
  EXPECT_EQ(r.ending, Ending::deadlock);
  EXPECT_EQ(r.exit_code, 2);
}

TEST(GoSelect, TheDefaultCaseRunsWhenNoCaseIsReady) {
  Hand h;
  const ObjId a = h.rt.new_chan(0), b = h.rt.new_chan(0);
  gop::Select s{{{false, a, 0}, {false, b, 0}}, true};
  GoOutcome o = h.run(0, s);
  EXPECT_EQ(o.status, GoStatus::done);
  EXPECT_EQ(o.chosen, -1);
}

TEST(GoSelect, ABlockedSelectIsWokenByEitherCaseAndLeavesTheOtherQueue) {
  Hand h;
  const ObjId a = h.rt.new_chan(0), b = h.rt.new_chan(0);
  Gid g = h.spawn();
  h.run(0, gop::Gosched{});
  EXPECT_EQ(h.on(0), g);
  EXPECT_EQ(h.run(0, gop::Select{{{false, a, 0}, {false, b, 0}}, false}).status, GoStatus::parked);
  EXPECT_EQ(h.rt.chan(a).recvq.size(), 1u);
  EXPECT_EQ(h.rt.chan(b).recvq.size(), 1u);
  h.run(0, gop::Send{b, 5});
  EXPECT_TRUE(h.rt.chan(a).recvq.empty());
  h.run(0, gop::Gosched{});
  GoOutcome o = h.again(0);
  EXPECT_EQ(o.chosen, 1);
  EXPECT_EQ(o.value, 5);
}

TEST(GoSelect, WhenBothCasesAreReadyTheChoiceIsUniform) {
  // Two buffered channels, both holding a value; select picks by its random poll order.
  int first = 0;
  const int trials = 4000;
  for (int seed = 0; seed < trials; ++seed) {
    SeededChoices ch(static_cast<std::uint64_t>(seed));
    Runtime rt(ch, GoConfig{1, false});
    const ObjId a = rt.new_chan(1), b = rt.new_chan(1);
    Gid m = rt.start();
    for (ObjId c : {a, b}) {
      rt.submit(m, gop::Send{c, 1});
      rt.step({Actor::Kind::p, 0});
    }
    rt.submit(m, gop::Select{{{false, a, 0}, {false, b, 0}}, false});
    GoOutcome o = rt.step({Actor::Kind::p, 0});
    ASSERT_EQ(o.status, GoStatus::done);
    ASSERT_EQ(rt.decisions().size(), 1u);
    first += o.chosen == 0 ? 1 : 0;
  }
  // Binomial(4000, 0.5): sd ~ 32; 5 sd is 160.
  EXPECT_NEAR(first, trials / 2, 160);
}

}  // namespace
}  // namespace papaya::model::go::testing
