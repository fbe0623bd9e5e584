// Test helpers: run an Os program on the simulator with invariant checks on, and print verdicts
// by name.
#pragma once

#include <ostream>

#include "sim/simulation.hpp"

namespace papaya {
inline void PrintTo(Verdict v, std::ostream* os) { *os << verdict_name(v); }
}  // namespace papaya

namespace papaya::sim::testing {

inline Options checked(std::uint64_t seed = 1) {
  Options o;
  o.seed = seed;
  o.check_invariants = true;
  return o;
}

inline RunReport run(std::function<void(Os&)> body, std::uint64_t seed = 1) {
  Simulation sim(checked(seed));
  return sim.run(std::move(body));
}

// Runs `body` under seeds 1..n and returns the reports.
inline std::vector<RunReport> run_seeds(const std::function<void(Os&)>& body, int n) {
  std::vector<RunReport> out;
  for (int s = 1; s <= n; ++s) out.push_back(run(body, static_cast<std::uint64_t>(s)));
  return out;
}

}  // namespace papaya::sim::testing
