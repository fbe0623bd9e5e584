// Strategy: how the Chooser answers decisions. One strategy per small file behind this interface
// (loom's and Shuttle's habit): random (seeded), replay (a recorded decision list); PCT and
// DFS + DPOR plug in here later.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/decision.hpp"

namespace papaya::sim {

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string_view name() const = 0;
  // Prepares the next execution; false when the strategy has none left (an exhaustive strategy
  // is done; a random one runs once per seed; a replay once).
  virtual bool begin_execution() = 0;
  // One of `n` (>= 2) options for a decision of `kind`, the run being at step `step`.
  virtual std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t step) = 0;
  // Why the strategy could not follow the run (a replay that diverged); empty if it could.
  virtual std::string divergence() const { return {}; }
};

}  // namespace papaya::sim
