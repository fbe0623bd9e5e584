// Shrinking a failing schedule. For a fixed scenario, a run is a list of chooser decisions (the
// index picked at each nondeterministic point). We look for a list with fewer non-default picks
// (index 0 is the default: the strategy's "don't preempt" choice), then fewer steps, that still
// fails: first among schedules that depart from the default at a few random places only, then by
// truncating and resetting the best one's departures.
//
// The oracle replays a *prefix* of decisions leniently: decision i is used where it is in range
// (clamped otherwise), and every decision past the prefix takes the default. It reports whether
// the property still fails and which decisions the run actually took, so each accepted candidate
// is a real, replayable run. Greedy, in the spirit of delta debugging (Zeller & Hildebrandt,
// "Simplifying and Isolating Failure-Inducing Input", TSE 2002), bounded by a replay budget.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace papaya::properties {

using Decisions = std::vector<std::uint32_t>;

struct ShrinkRun {
  bool fails = false;
  Decisions taken;          // the decisions the run actually took, prefix and defaults
  std::uint64_t steps = 0;  // the run's length (the size we minimise first)
};
using ShrinkOracle = std::function<ShrinkRun(const Decisions& prefix)>;

struct ShrinkResult {
  Decisions decisions;
  std::uint64_t steps = 0;
  int replays = 0;   // oracle calls spent
  int accepted = 0;  // candidates that still failed and were smaller
};

// REQUIRES: `start` is a failing run (start.fails). Never returns a run that does not fail.
ShrinkResult shrink_decisions(const ShrinkRun& start, const ShrinkOracle& oracle, int budget = 400);

// Non-default decisions in `d` (preemptions and other departures from the default).
std::size_t non_default_count(const Decisions& d);

}  // namespace papaya::properties
