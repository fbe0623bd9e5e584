// Estimating a search's size (explore/explorer.hpp TreeEstimate, sim/dfs_walk.cpp): random walks
// down dfs's tree give, per pass of iterative bounding, an estimate close to the number of
// schedules the search then runs; a tree of one path is estimated exactly; and uniform walks
// (Knuth's own) miss a bounded tree's late-spending schedules by far, which is why the walks
// follow the budget.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "chat/variant.hpp"
#include "explore/programs.hpp"
#include "explore/tests/exploration_chat.hpp"
#include "sim/simulation.hpp"

namespace papaya::explore {
namespace {

Program estimate_program(std::function<void(Os&)> init) {
  Program p;
  p.init = std::move(init);
  p.header.path_pids = true;
  return p;
}

Program estimate_chat(int clients, int messages) {
  return exploration_chat(chat::Variant::correct, clients, messages);
}

Result estimate_run(const Program& p, int bound, sim::BoundKind kind, std::uint64_t walks) {
  Config c;
  c.strategy = StrategyName::dfs;
  c.bound = bound;
  c.bound_kind = kind;
  c.data_options = 1;
  c.max_executions = 100'000'000;
  c.estimate_walks = walks;
  return explore(p, c);
}

// What the search runs in pass k: the schedules with at most k.
std::vector<double> searched_passes(const Program& p, int bound, sim::BoundKind kind) {
  const Result r = estimate_run(p, bound, kind, 0);
  EXPECT_TRUE(r.exhausted);
  std::vector<double> within;
  double sum = 0;
  for (std::uint64_t n : r.per_bound) within.push_back(sum += static_cast<double>(n));
  return within;
}

void expect_estimate_near(const Program& p, const std::string& name, int bound, sim::BoundKind kind,
                          double tolerance) {
  const std::vector<double> exact = searched_passes(p, bound, kind);
  const Result r = estimate_run(p, bound, kind, 4000);
  ASSERT_TRUE(r.estimate) << name;
  ASSERT_EQ(r.estimate->schedules.size(), exact.size()) << name;
  for (std::size_t k = 0; k < exact.size(); ++k) {
    const double got = static_cast<double>(r.estimate->schedules[k]);
    EXPECT_NEAR(got / exact[k], 1.0, tolerance)
        << name << " pass " << k << ": estimated " << got << ", searched " << exact[k];
  }
}

TEST(TreeEstimate, IsExactOnATreeOfOnePath) {
  const Result r = estimate_run(estimate_chat(2, 1), 0, sim::BoundKind::delay, 50);
  ASSERT_TRUE(r.estimate);
  EXPECT_EQ(r.estimate->schedules.at(0), 1.0L);
  EXPECT_EQ(r.estimate->relative_standard_error.at(0), 0.0L);
  EXPECT_FALSE(r.violation);
}

TEST(TreeEstimate, AgreesWithTheSearchOnTheBenchmarks) {
  expect_estimate_near(estimate_program(readers_program(2)), "readers(2)", 2,
                       sim::BoundKind::preemption, 0.06);
  expect_estimate_near(estimate_program(lastzero_program(2)), "lastzero(2)", 2,
                       sim::BoundKind::preemption, 0.06);
  expect_estimate_near(estimate_program(readers_program(2)), "readers(2) delays", 2,
                       sim::BoundKind::delay, 0.06);
  // Unbounded: 6,772 schedules.
  const Result r =
      estimate_run(estimate_program(readers_program(2)), -1, sim::BoundKind::preemption, 4000);
  ASSERT_TRUE(r.estimate);
  EXPECT_NEAR(static_cast<double>(r.estimate->schedules.at(0)) / 6772.0, 1.0, 0.06);
}

TEST(TreeEstimate, AgreesWithTheSearchOnTheChat) {
  // 1 x 1 within two delays: 1, 83 and 3,862 schedules per pass.
  expect_estimate_near(estimate_chat(1, 1), "chat 1 x 1 delays", 2, sim::BoundKind::delay, 0.15);
}

// Knuth's uniform walks on the same chat tree: the mean weight of 4,000 walks is far below the
// schedules the search runs (a walk spends its delays at the first decisions that allow it, most
// schedules spend them late).
TEST(TreeEstimate, UniformWalksMissMostOfABoundedTree) {
  const std::vector<double> exact = searched_passes(estimate_chat(1, 1), 2, sim::BoundKind::delay);
  sim::DfsStrategy s(2, 1, sim::BoundKind::delay);
  s.walk(3);
  long double sum = 0;
  const int walks = 4000;
  for (int i = 0; i < walks; ++i) {
    s.next_execution();
    sim::Options o;
    o.strategy = sim::StrategyKind::external;
    o.external = &s;
    o.path_pids = true;
    sim::Simulation sim(o);
    (void)sim.run(estimate_chat(1, 1).init);
    sum += s.walk_weight();
  }
  const double uniform = static_cast<double>(sum / walks);
  EXPECT_LT(uniform, exact.back() / 3) << "uniform " << uniform << ", searched " << exact.back();
}

}  // namespace
}  // namespace papaya::explore
