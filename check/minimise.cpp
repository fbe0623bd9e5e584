#include "check/minimise.hpp"

#include <algorithm>

#include "check/check_suite.hpp"
#include "properties/shrink.hpp"

namespace papaya::properties {

namespace {

Decisions chosen_of(const traces::Trace& t) {
  Decisions d;
  d.reserve(t.decisions.size());
  for (const traces::Decision& x : t.decisions) d.push_back(x.chosen);
  return d;
}

// The failing run's faults stay; the schedule follows `prefix`, then option 0.
sim::Options prefix_options(const sim::Options& failing, const Decisions& prefix,
                            std::uint64_t max_steps) {
  sim::Options o;
  o.faults = failing.faults;
  o.kills = failing.kills;
  o.disk_full = failing.disk_full;
  o.path_pids = failing.path_pids;
  o.strategy = sim::StrategyKind::prefix;
  o.max_steps = max_steps;
  o.replay.reserve(prefix.size());
  for (std::uint32_t c : prefix)
    o.replay.push_back(traces::Decision{model::DecisionKind::schedule, 0, c});
  return o;
}

}  // namespace

void stamp_verdict(traces::Trace& t, const Finding& f) {
  if (f.holds) return;
  t.verdict = verdict_of(f.property);
  t.detail = std::string(property_name(f.property)) + ": " + f.detail;
  if (f.step > 0 && f.step < t.steps.size()) {
    // Warnings are kept in step order (the writer interleaves them with the steps).
    auto at = std::upper_bound(
        t.warnings.begin(), t.warnings.end(), f.step,
        [](std::uint64_t step, const traces::Warning& w) { return step < w.step; });
    t.warnings.insert(at, {f.step, std::string(traces::violation_prefix) + t.detail});
  }
}

Counterexample minimise(const chat::Scenario& s, const CheckedRun& failing, Property p, int budget,
                        std::uint64_t max_steps, const FaultsFor& faults) {
  CheckedRun best_run;  // the smallest failing run found, when smaller than `failing`
  auto options = [&](const Decisions& prefix) {
    sim::Options o = prefix_options(failing.sim->options(), prefix, max_steps);
    if (faults) o.kills = faults(s, o);
    return o;
  };
  ShrinkOracle oracle = [&](const Decisions& prefix) {
    CheckedRun r = run_and_check(s, options(prefix));
    ShrinkRun out{!r.finding(p).holds, chosen_of(r.sim->trace()), r.report.steps};
    return out;
  };
  ShrinkRun start{true, chosen_of(failing.sim->trace()), failing.report.steps};
  ShrinkResult shrunk = budget > 0 ? shrink_decisions(start, oracle, budget)
                                   : ShrinkResult{start.taken, start.steps, 0, 0};

  Counterexample cx;
  cx.replays = shrunk.replays;
  if (shrunk.accepted > 0) {
    // Re-run the winner once more under the prefix strategy: its trace is the counterexample.
    best_run = run_and_check(s, options(shrunk.decisions));
  }
  const CheckedRun& winner = shrunk.accepted > 0 && !best_run.finding(p).holds ? best_run : failing;
  cx.trace = winner.sim->trace();
  cx.detail = winner.finding(p).detail;
  stamp_verdict(cx.trace, winner.finding(p));
  return cx;
}

}  // namespace papaya::properties
