// G and P state changes as events (model/go/events.hpp): what the runtime records, with why.
#include "model/go/events.hpp"

#include "harness.hpp"

namespace papaya::model::go::testing {
namespace {

using namespace std::chrono_literals;
using K = GoEvent::Kind;

GoEvent gev(Gid g, GStatus from, GStatus to, GoWhy why, int p, WaitReason w = WaitReason::none) {
  return GoEvent{K::g, static_cast<std::uint8_t>(from), static_cast<std::uint8_t>(to), why, w, g,
                 p};
}
GoEvent pev(int p, PStatus from, PStatus to, GoWhy why) {
  return GoEvent{K::p,
                 static_cast<std::uint8_t>(from),
                 static_cast<std::uint8_t>(to),
                 why,
                 WaitReason::none,
                 static_cast<std::uint32_t>(p),
                 p};
}

TEST(GoEvents, AChannelPingRecordsEveryStateChangeWithItsReasonAndP) {
  ListChoices choices;
  Runtime rt(choices, GoConfig{1, false});
  rt.record_events(true);
  const Gid main = rt.start();
  EXPECT_EQ(rt.events(), (std::vector<GoEvent>{
                             gev(main, GStatus::dead, GStatus::runnable, GoWhy::start, -1),
                             pev(0, PStatus::idle, PStatus::running, GoWhy::start),
                             gev(main, GStatus::runnable, GStatus::running, GoWhy::schedule, 0)}));
  rt.events().clear();
  const ObjId c = rt.new_chan(0);
  rt.submit(main, gop::Go{});
  const auto g = static_cast<Gid>(rt.step({Actor::Kind::p, 0}).value);
  EXPECT_EQ(rt.events(),
            (std::vector<GoEvent>{gev(g, GStatus::dead, GStatus::runnable, GoWhy::created, -1)}));
  rt.events().clear();
  rt.submit(main, gop::Recv{c});
  EXPECT_EQ(rt.step({Actor::Kind::p, 0}).status, GoStatus::parked);
  EXPECT_EQ(rt.events(),
            (std::vector<GoEvent>{gev(main, GStatus::running, GStatus::waiting, GoWhy::park, 0,
                                      WaitReason::chan_receive),
                                  gev(g, GStatus::runnable, GStatus::running, GoWhy::runnext, 0)}));
  rt.events().clear();
  rt.submit(g, gop::Send{c, 7});
  rt.step({Actor::Kind::p, 0});
  EXPECT_EQ(
      rt.events(),
      (std::vector<GoEvent>{gev(main, GStatus::waiting, GStatus::runnable, GoWhy::ready, -1)}));
}

TEST(GoEvents, NothingIsRecordedUnlessAsked) {
  Hand h;
  const ObjId c = h.rt.new_chan(0);
  h.spawn();
  h.run(0, gop::Recv{c});
  h.run(0, gop::Send{c, 1});
  EXPECT_TRUE(h.rt.events().empty());
}

TEST(GoEvents, ASyscallTakesItsPAlongAndSysmonsRetakeIsRecordedAsSuch) {
  Hand h;
  h.run(0, gop::Syscall{});  // a first round trip: P0's syscalltick becomes 1
  h.rt.syscall_returned(h.main);
  h.rt.step({Actor::Kind::syscall_exit, h.main});
  h.spawn();
  h.rt.record_events(true);
  h.run(0, gop::Syscall{});
  EXPECT_EQ(h.rt.events(), (std::vector<GoEvent>{
                               gev(h.main, GStatus::running, GStatus::syscall, GoWhy::syscall, 0),
                               pev(0, PStatus::running, PStatus::syscall, GoWhy::syscall)}));
  h.rt.events().clear();
  h.rt.sysmon();
  EXPECT_TRUE(h.rt.events().empty());  // first look: only records
  h.rt.advance_to(h.rt.now() + 20us);
  h.rt.sysmon();
  EXPECT_EQ(h.rt.events(),
            (std::vector<GoEvent>{pev(0, PStatus::syscall, PStatus::running, GoWhy::retake)}));
}

TEST(GoEvents, APreemptionThatLandsIsRecordedAsPreemptedNotAsGosched) {
  Hand h;
  h.spawn();
  h.rt.record_events(true);
  h.rt.submit(h.main, gop::Gosched{});
  h.rt.preempt(0);
  h.rt.step({Actor::Kind::p, 0});
  ASSERT_FALSE(h.rt.events().empty());
  EXPECT_EQ(h.rt.events().front(),
            gev(h.main, GStatus::running, GStatus::runnable, GoWhy::preempted, 0));
}

TEST(GoEvents, NamesReadBack) {
  for (int w = 0; w <= static_cast<int>(GoWhy::poller); ++w)
    EXPECT_EQ(parse_go_why(go_why_name(static_cast<GoWhy>(w))), static_cast<GoWhy>(w));
  for (int s = 0; s <= static_cast<int>(GStatus::dead); ++s)
    EXPECT_EQ(parse_g_state(g_state_name(static_cast<GStatus>(s))), static_cast<GStatus>(s));
  EXPECT_EQ(parse_wait_reason("semacquire"), WaitReason::semacquire);
  EXPECT_FALSE(parse_wait_reason(""));
  EXPECT_FALSE(parse_go_why("napping"));
}

}  // namespace
}  // namespace papaya::model::go::testing
