// Replay strategy: answers each decision from a recorded list. A decision asked beyond the list,
// of another kind, or with another number of options is a divergence: the strategy answers 0 (to
// stay in range) and remembers the first divergence, naming the step.
#pragma once

#include <vector>

#include "sim/strategy.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(std::vector<traces::Decision> decisions)
      : decisions_(std::move(decisions)) {}
  std::string_view name() const override { return "replay"; }
  bool begin_execution() override { return !started_ && (started_ = true); }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t step) override;
  std::string divergence() const override { return divergence_; }
  bool diverged() const { return !divergence_.empty(); }
  // Decisions not asked for by the end of the run (a replay that ended early diverged too).
  std::size_t unused() const { return decisions_.size() - next_; }

 private:
  std::vector<traces::Decision> decisions_;
  std::size_t next_ = 0;
  bool started_ = false;
  std::string divergence_;
};

}  // namespace papaya::sim
