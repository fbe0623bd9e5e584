// PCT strategy: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// "A Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010). Each
// process gets a random priority when first seen (above d); d - 1 change points are drawn among
// the first k steps; at the i-th change point the process about to run drops to priority i. The
// highest-priority ready process always runs. A bug of depth d in a program of at most n
// processes and k steps is found by one execution with probability at least 1 / (n k^(d-1))
// (the paper's Theorem). Non-scheduling decisions are uniform. One execution per seed.
#pragma once

#include <algorithm>
#include <map>
#include <vector>

#include "sim/prng.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

class PctStrategy final : public Strategy {
 public:
  // `steps`: k, the step count the change points are drawn from (an estimate: a run's length).
  PctStrategy(std::uint64_t seed, int depth, std::uint64_t steps)
      : prng_(seed), depth_(depth), steps_(std::max<std::uint64_t>(steps, 1)) {}
  std::string_view name() const override { return "pct"; }
  bool begin_execution() override {
    prio_.clear();
    change_.clear();
    for (int i = 1; i < depth_; ++i)
      change_.push_back(1 + prng_.uniform(static_cast<std::uint32_t>(steps_)));
    step_ = 0;
    return true;
  }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t) override {
    if (kind != model::DecisionKind::schedule) return prng_.uniform(n);
    std::uint32_t best = 0;
    for (std::uint32_t i = 1; i < n && i < list_.size(); ++i)
      if (prio_[list_[i]] > prio_[list_[best]]) best = i;
    return best;
  }
  bool observes() const override { return true; }
  void ready(const model::Kernel&, std::span<const Pid> ready) override {
    list_.assign(ready.begin(), ready.end());
    for (Pid p : list_)
      if (!prio_.count(p)) prio_[p] = static_cast<std::uint64_t>(depth_) + 1 + prng_.next() / 2;
    ++step_;
    for (std::size_t i = 0; i < change_.size(); ++i)
      if (change_[i] == step_) {
        Pid top = *std::max_element(list_.begin(), list_.end(),
                                    [&](Pid a, Pid b) { return prio_[a] < prio_[b]; });
        prio_[top] = i + 1;
      }
  }

 private:
  Prng prng_;
  int depth_;
  std::uint64_t steps_;
  std::map<Pid, std::uint64_t> prio_;
  std::vector<std::uint64_t> change_;
  std::vector<Pid> list_;
  std::uint64_t step_ = 0;
};

}  // namespace papaya::sim
