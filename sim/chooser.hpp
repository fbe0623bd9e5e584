// Chooser: the one door every nondeterministic decision goes through (the kernel's Choices, and
// the executor's choice of who steps next). It asks the strategy, checks the answer, and records
// the decision in the trace. A single option is not a decision: it is answered 0 and not recorded.
#pragma once

#include "model/decision.hpp"
#include "sim/strategy.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

class Chooser final : public model::Choices {
 public:
  Chooser(Strategy& strategy, std::vector<traces::Decision>& record)
      : strategy_(strategy), record_(record) {}

  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind) override;
  void at_step(std::uint64_t step) { step_ = step; }
  std::uint64_t decisions() const { return record_.size(); }
  Strategy& strategy() { return strategy_; }

 private:
  Strategy& strategy_;
  std::vector<traces::Decision>& record_;
  std::uint64_t step_ = 0;
};

}  // namespace papaya::sim
