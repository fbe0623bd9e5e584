// Goroutine programs and the strategies: the Go runtime's choices reach traces under kinds of their
// own, a recorded run replays from its decisions, and each runtime actor reaches the exploration
// hooks with an identity of its own, whose steps are dependent on everything unless the executor
// gives their footprint (explore/tests/go_explore_test.cpp explores goroutine programs).
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "sim/independence.hpp"
#include "sim/strategy.hpp"
#include "sim/tests/helpers.hpp"
#include "traces/jsonl.hpp"

namespace papaya::sim {
namespace {

// Two goroutines append their number under a Mutex; main collects both.
std::function<void(Os&)> two_appenders(std::vector<int>& order) {
  return [&order](Os& os) {
    GoMutex mu = os.new_mutex();
    GoChan done = os.new_chan(2);
    for (int w = 1; w <= 2; ++w)
      os.go([&order, w, mu, done](Os& g) {
        g.lock(mu);
        order.push_back(w);
        g.unlock(mu);
        g.chan_send(done, 1);
      });
    (void)os.chan_recv(done);
    (void)os.chan_recv(done);
  };
}

TEST(SimGoroutinesExplore, GoActorsHaveIdsOfTheirOwnAboveEveryPid) {
  const Pid a = go_actor_id(3, 0, 1);
  const Pid b = go_actor_id(3, 1, 1);
  EXPECT_TRUE(is_go_actor(a));
  EXPECT_NE(a, b);
  EXPECT_FALSE(is_go_actor(3));
  Effect e;
  go_actor_effect(a, e);
  EXPECT_TRUE(e.global);
}

TEST(SimGoroutinesExplore, SelectAndPreemptionChoicesAreRecordedUnderTheirOwnKinds) {
  Options o = testing::checked(4);
  o.go_preempt = true;
  Simulation sim(o);
  RunReport r = sim.run([](Os& os) {
    GoChan a = os.new_chan(1);
    GoChan b = os.new_chan(1);
    os.chan_send(a, 1);
    os.chan_send(b, 2);
    const GoCase cases[] = {GoCase::recv(a), GoCase::recv(b)};
    (void)os.select(cases, false);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  int select = 0;
  int preempt = 0;
  for (const traces::Decision& d : sim.trace().decisions) {
    select += d.kind == model::DecisionKind::go_select ? 1 : 0;
    preempt += d.kind == model::DecisionKind::go_preempt ? 1 : 0;
  }
  EXPECT_GE(select, 1);
  EXPECT_GE(preempt, 4);
  EXPECT_EQ(model::decision_kind_name(model::DecisionKind::go_select), "go_select");
  EXPECT_EQ(model::parse_decision_kind("go_steal"), model::DecisionKind::go_steal);
}

TEST(SimGoroutinesExplore, AGoRunReplaysFromItsDecisions) {
  Options o = testing::checked(9);
  o.go_preempt = true;
  std::vector<int> first;
  Simulation sim(o);
  RunReport r = sim.run(two_appenders(first));
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  Options again = o;
  again.strategy = StrategyKind::replay;
  again.replay = sim.trace().decisions;
  again.seed = 12345;  // the decisions, not the seed, make the run
  std::vector<int> second;
  Simulation replayed(again);
  RunReport r2 = replayed.run(two_appenders(second));
  EXPECT_EQ(r2.verdict, Verdict::ok) << r2.detail;
  EXPECT_EQ(first, second);
  EXPECT_EQ(r.steps, r2.steps);
}

// A goroutine's steps are not trace steps, but their choices are decisions: the JSON Lines file
// must keep them (its "decisions" lines), or a replay from the file takes other choices and
// diverges. Before the fix the file kept only the decisions of kernel steps.
TEST(SimGoroutinesExplore, AGoRunReplaysFromItsJsonLinesFile) {
  Options o = testing::checked(9);
  o.go_preempt = true;
  std::vector<int> first;
  Simulation sim(o);
  RunReport r = sim.run(two_appenders(first));
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  std::stringstream file;
  traces::write_jsonl(sim.trace(), file);
  traces::LoadedTrace loaded = traces::read_jsonl(file, "memory");
  ASSERT_EQ(loaded.decisions.size(), sim.trace().decisions.size());
  for (std::size_t i = 0; i < loaded.decisions.size(); ++i) {
    EXPECT_EQ(loaded.decisions[i].kind, sim.trace().decisions[i].kind) << i;
    EXPECT_EQ(loaded.decisions[i].chosen, sim.trace().decisions[i].chosen) << i;
  }
  Options again = o;
  again.strategy = StrategyKind::replay;
  again.replay = loaded.decisions;
  std::vector<int> second;
  Simulation replayed(again);
  RunReport r2 = replayed.run(two_appenders(second));
  EXPECT_EQ(r2.verdict, Verdict::ok) << r2.detail;
  EXPECT_EQ(first, second);
  EXPECT_EQ(r.steps, r2.steps);
}

}  // namespace
}  // namespace papaya::sim
