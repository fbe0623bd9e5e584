#include "sim/replay_strategy.hpp"

#include <string>

namespace papaya::sim {

std::uint32_t ReplayStrategy::choose(std::uint32_t n, model::DecisionKind kind,
                                     std::uint64_t step) {
  if (!divergence_.empty()) return 0;
  auto describe = [](model::DecisionKind k, std::uint32_t options) {
    return std::string(model::decision_kind_name(k)) + " decision with " + std::to_string(options) +
           " options";
  };
  if (next_ >= decisions_.size()) {
    divergence_ = "step " + std::to_string(step) + ": the run asked for a " + describe(kind, n) +
                  " after the " + std::to_string(decisions_.size()) + " recorded decisions ran out";
    return 0;
  }
  const traces::Decision& d = decisions_[next_];
  if (d.kind != kind || d.options != n || d.chosen >= n) {
    divergence_ = "step " + std::to_string(step) + ": decision " + std::to_string(next_) +
                  " was recorded as a " + describe(d.kind, d.options) +
                  ", the replay asked for a " + describe(kind, n);
    return 0;
  }
  ++next_;
  return d.chosen;
}

}  // namespace papaya::sim
