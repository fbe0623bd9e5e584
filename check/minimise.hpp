// Minimising a counterexample: for a fixed scenario, shrink the failing run's decision list
// (shrink.hpp) by replaying prefixes leniently (sim's prefix strategy) and keep the smallest run
// that still violates the property. Its trace carries the property's verdict and replays to it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "chat/scenario/scenario.hpp"
#include "check/chat_run.hpp"
#include "properties/verdict.hpp"
#include "traces/trace.hpp"

namespace papaya::properties {

struct Counterexample {
  traces::Trace trace;  // verdict = verdict_of(property), detail = the finding
  std::string detail;
  int replays = 0;
};

// The faults of a run of a scenario under options (suite.hpp's suite_kills, say): recomputed for
// each candidate, since a kill aimed at a step or pid of one run means nothing in another.
using FaultsFor =
    std::function<std::vector<traces::KillFault>(const chat::Scenario&, const sim::Options&)>;

// REQUIRES: `failing` violates `p`. `faults`, when given, makes each candidate's kills (else the
// failing run's are kept as they are).
Counterexample minimise(const chat::Scenario& s, const CheckedRun& failing, Property p, int budget,
                        std::uint64_t max_steps, const FaultsFor& faults = {});

// Sets a trace's verdict line to the finding of `p` (a property failure), or leaves it as the
// simulator's verdict when the property held.
void stamp_verdict(traces::Trace& t, const Finding& f);

}  // namespace papaya::properties
