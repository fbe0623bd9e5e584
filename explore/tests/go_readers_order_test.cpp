// Why go-readers:2 has 3 program-level traces at GOMAXPROCS 2, not the published 4
// (docs/explore.md, "Goroutine programs": the go-readers:2 order). main spawns the writer W
// (goroutine 2), then the readers R1 (3) and R2 (4). Each `go` puts the new goroutine in runnext
// and kicks the old one to the tail of P0's queue, so P0 holds runnext R2 and the queue [W, R1];
// a thief takes the queue's head (half, rounded up: W), and runnext only when the queue is empty.
// So with two Ps, R1 starts only once W (on the thief) or R2 (on P0, which keeps its P through
// its syscall) has left its syscall: R1 never accesses x first, and the order R1 < W < R2 (R1
// reads 0, R2 reads 1) is missing. A third P can take R1 while the other two are running.
#include "explore/tests/go_readers_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include "model/go/script.hpp"

namespace papaya::explore {
namespace {

using namespace goreaders;

// The same program as a Go runtime script: each goroutine prints when it starts and when it has
// left its syscall (the file access lies between its entersyscall and its exitsyscall).
model::go::Program readers_script() {
  namespace mg = model::go;
  namespace op = model::go::gop;
  mg::Program p;
  p.chans = {1, 1, 1};
  p.bodies.push_back({mg::GoOp{op::Go{1}}, mg::GoOp{op::Go{2}}, mg::GoOp{op::Go{3}},
                      mg::GoOp{op::Recv{1}}, mg::GoOp{op::Recv{2}}, mg::GoOp{op::Recv{3}}});
  const char* names[] = {"W", "R1", "R2"};
  for (mg::ObjId i = 0; i < 3; ++i)
    p.bodies.push_back({mg::Print{std::string(names[i]) + " starts"}, mg::GoOp{op::Syscall{}},
                        mg::Print{std::string(names[i]) + " left"}, mg::GoOp{op::Send{i + 1, 1}}});
  return p;
}

// Every answer to every choice of actor, depth first (the script is small). The steal order is
// answered 0: on two Ps every order visits the one other P, and on three one order suffices to
// show a schedule exists.
class ReadersOrderDfsChoices : public model::Choices {
 public:
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind) override {
    if (kind != model::DecisionKind::schedule) return 0;
    if (depth_ == path_.size()) path_.push_back({0, n});
    return path_[depth_++].first;
  }
  bool next() {
    depth_ = 0;
    while (!path_.empty()) {
      auto& [chosen, n] = path_.back();
      if (chosen + 1 < n) {
        ++chosen;
        return true;
      }
      path_.pop_back();
    }
    return false;
  }

 private:
  std::vector<std::pair<std::uint32_t, std::uint32_t>> path_;
  std::size_t depth_ = 0;
};

struct ScriptCensus {
  std::uint64_t runs = 0;
  std::uint64_t r1_first = 0;   // runs where R1 started before W and R2 had both left
  std::uint64_t undecided = 0;  // runs cut by the step bound before either was settled
  std::size_t longest = 0;      // the most steps a run took
};

// Runs the script under every schedule of its first `max_steps` steps (the runs are cut there:
// a schedule's outcome is settled once R1 started, or W and R2 both left); with `stop_at_first`,
// only until a run where R1 started first.
ScriptCensus census_readers_script(int gomaxprocs, std::size_t max_steps, bool stop_at_first) {
  const model::go::Program prog = readers_script();
  ReadersOrderDfsChoices choices;
  ScriptCensus out;
  do {
    const model::go::ScriptResult r =
        model::go::run_script(prog, choices, model::go::GoConfig{.gomaxprocs = gomaxprocs},
                              model::go::ScriptLimits{.max_steps = max_steps});
    ++out.runs;
    out.longest = std::max(out.longest, r.steps);
    auto at = [&](const std::string& line) {
      return std::find(r.lines.begin(), r.lines.end(), line) - r.lines.begin();
    };
    const auto end = static_cast<std::ptrdiff_t>(r.lines.size());
    if (r.ending != model::go::Ending::step_bound) {
      EXPECT_EQ(r.exit_code, 0) << r.message;
    }
    if (at("R1 starts") < std::min(at("W left"), at("R2 left")))
      ++out.r1_first;
    else if (at("R1 starts") == end && (at("W left") == end || at("R2 left") == end))
      ++out.undecided;
    if (stop_at_first && out.r1_first > 0) break;
  } while (choices.next());
  return out;
}

// The model's side of the argument, over every schedule of the script: on two Ps R1 never starts
// before W or R2 has left its syscall; on three it does.
constexpr std::size_t readers_script_steps = 14;

TEST(GoReadersOrder, OnTwoPsTheSecondSpawnedGoroutineStartsOnlyAfterAnotherLeftItsSyscall) {
  const ScriptCensus two = census_readers_script(2, readers_script_steps, false);
  EXPECT_EQ(two.r1_first, 0u);
  EXPECT_EQ(two.undecided, 0u);
  const ScriptCensus three = census_readers_script(3, readers_script_steps, true);
  EXPECT_EQ(three.r1_first, 1u);
  std::printf(
      "script, every schedule of %zu steps: GOMAXPROCS 2 %llu runs, R1 first in %llu, "
      "undecided %llu; GOMAXPROCS 3: R1 first at run %llu\n",
      readers_script_steps, static_cast<unsigned long long>(two.runs),
      static_cast<unsigned long long>(two.r1_first), static_cast<unsigned long long>(two.undecided),
      static_cast<unsigned long long>(three.runs));
}

// On the simulator: two Ps never reach the order (every schedule without a preemption, and
// random schedules), a third P reaches it within a few random schedules. The whole space on two
// Ps is GoFootprintSlow.GoReadersTwoOnTwoPsReachesEveryOrderButTheFirstQueuedReaderFirst.
TEST(GoReadersOrder, OnThreePsTheFirstQueuedReaderCanReadBeforeTheWriterAndTheOtherAfter) {
  const std::set<std::string> three_orders{"R1 0, R2 0", "R1 1, R2 0", "R1 1, R2 1"};
  const ReadersOrders bound0 = explore_readers_orders(StrategyName::dfs, 2, 0, 20'000, "");
  ASSERT_TRUE(bound0.result.exhausted);
  EXPECT_FALSE(bound0.result.violation);
  EXPECT_EQ(bound0.orders, three_orders);
  const ReadersOrders random2 = explore_readers_orders(StrategyName::random, 2, -1, 1'000, "");
  EXPECT_FALSE(random2.result.violation);
  EXPECT_EQ(random2.orders, three_orders);
  const ReadersOrders three =
      explore_readers_orders(StrategyName::random, 3, -1, 1'000, readers_missing_order);
  std::string seen;
  for (const std::string& o : three.orders) seen += " [" + o + "]";
  ASSERT_TRUE(three.result.violation)
      << "not reached in " << three.result.executions << " random executions, orders" << seen;
  EXPECT_EQ(three.result.violation->detail, std::string("reached ") + readers_missing_order);
  std::printf(
      "GOMAXPROCS 2: dfs --bound 0 %llu executions, 3 orders; 1000 random runs, 3 "
      "orders; GOMAXPROCS 3: the fourth at random run %llu\n",
      static_cast<unsigned long long>(bound0.result.executions),
      static_cast<unsigned long long>(three.result.violation->execution));
}

}  // namespace
}  // namespace papaya::explore
