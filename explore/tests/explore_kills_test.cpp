// Exploration's kills (papaya explore --kills K; sim::Options::explore_kills): before every step
// dfs may kill -9 any live server process, at most K times per run; each offer is a decision
// whose every option runs once; a kill taken lands in the trace as a KillFault at its step, and
// the trace replays to the same verdict; the crash variants are found, the correct design not.
#include "explore/tests/explore_kills.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "sim/dfs_strategy.hpp"

namespace papaya::explore {
namespace {

// Counts the kill decisions of one run and the options they offered, answering "no kill".
class KillOffers final : public sim::Strategy {
 public:
  explicit KillOffers(sim::DfsStrategy& s) : s_(s) {}
  std::string_view name() const override { return "kill-offers"; }
  bool begin_execution() override { return s_.begin_execution(); }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t step) override {
    if (kind != model::DecisionKind::kill) return s_.choose(n, kind, step);
    ++offers;
    victims += n - 1;
    return 0;
  }
  bool observes() const override { return true; }
  void ready(const model::Kernel& k, std::span<const Pid> r) override { s_.ready(k, r); }
  void stepping(const model::Kernel& k, Pid pid) override { s_.stepping(k, pid); }
  void stepped(Pid pid, model::StepStatus st) override { s_.stepped(pid, st); }
  std::uint64_t offers = 0;
  std::uint64_t victims = 0;

 private:
  sim::DfsStrategy& s_;
};

// Within delay bound 0 the schedule is the round robin's one: one run without a kill, and one for
// every victim of every offer along it (one kill allowed, so none after it).
TEST(ExploreKills, EveryOfferedKillRunsOnce) {
  const Program p = exploration_chat(chat::Variant::correct, 1, 1);
  sim::DfsStrategy dfs(0, 1, sim::BoundKind::delay);
  KillOffers offers(dfs);
  dfs.next_execution();
  sim::Options o;
  o.strategy = sim::StrategyKind::external;
  o.external = &offers;
  o.path_pids = true;
  o.explore_kills = 1;
  sim::Simulation sim(o);
  ASSERT_EQ(sim.run(p.init).verdict, Verdict::ok);
  EXPECT_GT(offers.offers, 50u) << "a kill is offered before every step";
  EXPECT_GT(offers.victims, offers.offers) << "with more than one server process to kill";

  const Result r = kills_explore(p, 0, 1);
  EXPECT_TRUE(r.exhausted);
  EXPECT_FALSE(r.violation) << r.violation->detail;
  EXPECT_EQ(r.executions, 1 + offers.victims);
  // Without --kills, the same bound is one run.
  EXPECT_EQ(kills_explore(p, 0, 0).executions, 1u);
}

// half-cluster keeps a client's connection open when half its cluster dies: a kill finds it, its
// trace carries the kill and replays to the same failure; without kills nothing is found.
TEST(ExploreKills, FindsHalfClusterAndItsTraceReplays) {
  const Program p = exploration_chat(chat::Variant::half_cluster, 1, 1);
  EXPECT_FALSE(kills_explore(p, 1, 0).violation) << "found without a kill";
  expect_found_with_one_kill(p, 0);
}

}  // namespace
}  // namespace papaya::explore
