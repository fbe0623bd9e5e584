// Random walks down dfs's tree, to estimate its size before searching it (papaya explore
// --estimate; docs/explore.md "How big is a search: --estimate").
//
// Knuth ("Estimating the efficiency of backtrack programs", Math. Comp. 29, 1975): a walk from the
// root that takes branch b of a node with probability p(b) reaches leaf L with probability P(L),
// the product along its path; 1 / P(L) is then an unbiased estimate of the number of leaves,
// whatever the p's, as long as none is 0. Uniform p's (Knuth's own) fail on a bounded tree: a walk
// spends its preemptions or delays at the first few decisions where it may (at each, half its
// branches or more spend), while most schedules spend them late, among the run's hundreds of
// decisions; those are almost never reached, and the mean of a few thousand walks comes out
// hundreds of times too small (the chat 2 x 2 within two delays: 148 against the 55,896 schedules
// the search runs). So under a bound a branch is taken in proportion to the schedules its remaining
// budget leaves room for (importance sampling, still unbiased): with b left and about D decisions
// of about r branches still to come, roughly g(b) = sum over i <= b of C(D, i) (r - 1)^i (the ways
// to spend at most b of them one at a time). D and r come from earlier walks (walk_shape).
#include <algorithm>
#include <cmath>

#include "model/check.hpp"
#include "sim/dfs_strategy.hpp"

namespace papaya::sim {

namespace {

// Schedules below a decision with `left` of the budget and `rest` decisions of `options` branches
// still to come, roughly (one unit spent per decision).
long double room(int left, double rest, double options) {
  long double sum = 0;
  long double choose = 1;  // C(rest, i)
  long double spend = 1;   // (options - 1)^i
  for (int i = 0; i <= left; ++i) {
    sum += choose * spend;
    choose *= std::max(0.0, rest - i) / (i + 1);
    spend *= std::max(1.0, options - 1);
  }
  return sum;
}

}  // namespace

void DfsStrategy::walk(std::uint64_t seed) {
  PAPAYA_ASSERT(!visited_, "dfs: random walks do not key states");
  walk_ = std::make_unique<Prng>(seed);
}

// What taking branch `chosen` of the coming schedule decision costs against the bound.
int DfsStrategy::walk_cost(std::uint32_t chosen) const {
  if (kind_ == BoundKind::delay) return static_cast<int>(chosen);
  return last_ready_ && chosen != 0 ? 1 : 0;
}

std::uint32_t DfsStrategy::walk_choice(std::uint32_t limit, std::uint32_t n,
                                       model::DecisionKind kind) {
  // The run's shape counts the decisions where the bound could be spent (with a preemption
  // bound, those where the process that ran last may go on), budget left or not.
  const bool schedule = kind == model::DecisionKind::schedule;
  if (schedule && (kind_ == BoundKind::delay || last_ready_)) {
    ++walk_decisions_;
    walk_options_ += n;
  }
  if (limit == 1) return 0;
  if (!schedule || bound_ < 0 || shape_decisions_ <= 0 ||
      (kind_ == BoundKind::preemption && !last_ready_)) {
    weight_ *= limit;
    return walk_->uniform(limit);
  }
  const double rest = std::max(0.0, shape_decisions_ - static_cast<double>(walk_decisions_));
  const int left = bound_ - preemptions_;
  long double total = 0;
  for (std::uint32_t j = 0; j < limit; ++j)
    total += room(left - walk_cost(j), rest, shape_options_);
  // A uniform draw in [0, total), then the branch it falls in.
  long double x = static_cast<long double>(walk_->next() >> 11) * 0x1.0p-53L * total;
  std::uint32_t j = 0;
  long double w = room(left - walk_cost(0), rest, shape_options_);
  while (x >= w && j + 1 < limit) {
    x -= w;
    ++j;
    w = room(left - walk_cost(j), rest, shape_options_);
  }
  weight_ *= total / w;
  return j;
}

}  // namespace papaya::sim
