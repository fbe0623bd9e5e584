// The verdict line of `papaya explore`: what an exploration's end proves, and where it proves
// nothing (docs/explore.md, "How to run it": the verdicts).
#pragma once

#include <string>

#include "explore/explorer.hpp"

namespace papaya::cli {

struct VerdictInputs {
  explore::StrategyName strategy = explore::StrategyName::dpor;
  int bound = -1;            // the preemption bound, or the delay bound when `delays`
  bool delays = false;       // dfs --delay-bound
  bool state_cache = false;  // dfs --state-cache
  bool states_kept = false;  // --max-states > 0
  bool go_target = false;    // the goroutine design or a go-* benchmark
  bool fine_go_footprints = true;
  int gomaxprocs = 2;
};

std::string explore_verdict(const explore::Result& r, const VerdictInputs& in);

}  // namespace papaya::cli
