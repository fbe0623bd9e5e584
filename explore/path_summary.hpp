// Where a saved search is in its tree (papaya explore --checkpoint; docs/long-searches.md): the
// decisions on the path of the next execution, which of them still have branches not begun,
// and the shallowest of those. Measured, not estimated: it says how many subtrees are known to
// be left, not how big they are. Source-DPOR's backtrack sets and optimal DPOR's wakeup trees
// grow as races are found, so more branches may come.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "explore/explorer.hpp"

namespace papaya::explore {

struct PathSummary {
  struct Open {
    std::uint64_t at = 0;      // the decision's depth on the path (0: the first)
    std::uint64_t branch = 0;  // the branch the next execution takes there, 1-based
    std::uint64_t of = 0;      // the branches known there: finished, this one, not begun
  };
  std::uint64_t decisions = 0;   // on the path
  std::uint64_t open = 0;        // decisions with branches not begun
  std::uint64_t not_begun = 0;   // those branches, in all
  std::vector<Open> shallowest;  // the first open decisions, shallowest first
};

// `first`: how many open decisions to list.
PathSummary path_summary(const Checkpoint& k, std::size_t first = 5);
// "260 decisions; 23 branches not begun at 21 of them; the shallowest: 5 (1 of 2), 34 (1 of 2)"
std::string describe(const PathSummary& s);

}  // namespace papaya::explore
