#include "cli/explore_verdict.hpp"

#include <fmt/format.h>

namespace papaya::cli {

namespace {

bool is_dpor(explore::StrategyName s) {
  return s == explore::StrategyName::dpor || s == explore::StrategyName::optimal;
}

// An exhausted bounded search: only bounded dfs's end is a proof. Bounded DPOR (BPOR) missed
// traces bounded dfs finds on 3 of 400 generated programs (docs/explore.md, "Bounded DPOR").
std::string bounded_verdict(const VerdictInputs& in) {
  if (in.strategy != explore::StrategyName::dfs)
    return fmt::format(
        "explored within these bounds, not a proof (bounded DPOR aims at every Mazurkiewicz trace "
        "that has a schedule with at most {} preemptions but misses some on 3 of 400 generated "
        "programs; --strategy dfs --bound {} verifies)",
        in.bound, in.bound);
  return fmt::format("verified within these bounds (every schedule with at most {} {}{})", in.bound,
                     in.delays ? "delays of the round-robin scheduler: a subset of those with as "
                                 "many preemptions"
                               : "preemptions",
                     in.state_cache && in.states_kept
                         ? ": every run from a decision met again is covered by the runs explored "
                           "from it with at least as many preemptions left"
                         : "");
}

}  // namespace

std::string explore_verdict(const explore::Result& r, const VerdictInputs& in) {
  if (r.violation) return "counterexample";
  if (r.estimate)
    return "not verified: random walks estimate the search's size, they explore no tree "
           "(--estimate)";
  if (r.exhausted && !r.step_bound_hit) {
    // A wakeup-tree branch that cannot run as inserted can lose traces (before wave 15, on
    // go-readers:1 on three Ps: 5,498 traces of dfs's 6,023; docs/explore.md), so such an end
    // proves nothing. (Branches dropped asleep are covered: wakeup_asleep.)
    if (in.strategy == explore::StrategyName::optimal && r.wakeup_divergences > 0)
      return fmt::format(
          "explored to the end, not a proof: {} wakeup-tree branches were not followable and "
          "optimal DPOR may have missed traces there (--strategy dfs verifies)",
          r.wakeup_divergences);
    // Both DPORs lost traces of goroutine programs on three Ps until wave 15 (go-readers:1: 5,498
    // and 5,960 of dfs's 6,023): a Go step's footprint depends on the race it ends. Fixed
    // conservatively; they now agree with dfs wherever dfs ends, which is no proof elsewhere
    // (docs/explore.md, "Optimal DPOR and footprints that depend on the state").
    if (is_dpor(in.strategy) && in.go_target && in.fine_go_footprints && in.gomaxprocs >= 3)
      return "explored to the end, not a proof: the DPORs have missed traces of goroutine "
             "programs on three or more Ps; they agree with dfs wherever dfs ends "
             "(--strategy dfs verifies)";
    if (in.bound >= 0 && r.preemption_bounded) return bounded_verdict(in);
    return in.state_cache ? "verified within these bounds (the whole space explored: every run "
                            "from a state met again is covered by the runs explored from it)"
                          : "verified within these bounds (the whole space explored)";
  }
  if (r.step_bound_hit) return "not verified: some execution hit the step bound";
  if (in.strategy == explore::StrategyName::pct || in.strategy == explore::StrategyName::random)
    return "no counterexample in these executions (sampling: no proof)";
  return r.stopped ? "not verified: the time limit stopped the exploration"
                   : "not verified: the execution bound stopped the exploration";
}

}  // namespace papaya::cli
