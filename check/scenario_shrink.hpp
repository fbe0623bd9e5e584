// Shrinking a failing scenario, before its schedule (shrink.hpp): fewer clients, fewer and shorter
// lines, no late joiners, vanishing clients, delays or gaps, for as long as some seed still breaks
// the same property with fewer steps. What RapidCheck does for its generated scenarios, done here
// for `papaya check`'s built-in ones, so a counterexample is as small as the bug allows.
//
// Greedy: each round tries every one-step simplification of the current scenario, each under the
// current seed first and then seeds 1, 2, ...; the first that fails with fewer steps becomes the
// current one. Bounded by a budget of runs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "chat/scenario/scenario.hpp"
#include "check/chat_run.hpp"
#include "check/minimise.hpp"
#include "traces/trace.hpp"

namespace papaya::properties {

struct ScenarioShrinkOptions {
  int budget = 400;                   // runs, in all
  int seeds_per_candidate = 16;       // seeds tried on each simplification
  std::uint64_t max_steps = 200'000;  // per run
  FaultsFor faults;                   // none: the failing run's kills are kept as they are
};

struct ShrunkScenario {
  chat::Scenario scenario;
  std::optional<CheckedRun> run;  // its failing run (seed in run->sim->options()); none when
                                  // nothing simpler failed: the given run is the smallest
  int runs = 0;                   // spent
  int accepted = 0;
};

// The one-step simplifications of `s`, smallest first (its plans made explicit).
std::vector<chat::Scenario> simpler_scenarios(const chat::Scenario& s);

// REQUIRES: `failing` (a run of `s`) violates `p`. Never returns a scenario whose run holds.
ShrunkScenario shrink_scenario(const chat::Scenario& s, const CheckedRun& failing, Property p,
                               const ScenarioShrinkOptions& opts);

}  // namespace papaya::properties
