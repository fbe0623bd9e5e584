#include "sim/chooser.hpp"

#include "model/check.hpp"

namespace papaya::sim {

std::uint32_t Chooser::choose(std::uint32_t n, model::DecisionKind kind) {
  PAPAYA_ASSERT(n >= 1, "a decision with no options");
  if (n == 1) return 0;
  std::uint32_t c = strategy_.choose(n, kind, step_);
  PAPAYA_ASSERT(c < n, "the strategy chose outside its options");
  record_.push_back(traces::Decision{kind, n, c});
  return c;
}

}  // namespace papaya::sim
