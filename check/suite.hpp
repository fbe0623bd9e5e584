// The built-in scenario suite that `papaya check` runs for every design and variant. Each
// scenario is there for a reason (its comment says which flaw it gives room to show); together
// they let every variant be caught while the correct design must pass them all.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "chat/scenario/scenario.hpp"
#include "sim/simulation.hpp"
#include "traces/trace.hpp"

namespace papaya::properties {

struct SuiteScenario {
  std::string name;
  chat::Scenario scenario;
  bool kill_last_writer = false;  // each run kills the log's last writer right after its append
  bool tear_an_append = false;    // each run kills the first writer of a multi-page line between
                                  // two of its pages (a torn line in the log, issue 9)
  bool disk_full = false;         // the log's file system may fill (sim::Options::disk_full)
};

std::vector<SuiteScenario> builtin_suite(chat::DesignVariant dv);

// The faults of one run of `sc` under `opts`: for kill_last_writer, a probe run (no faults) finds
// the last append to the log, and the run proper kills its writer (kill -9) the step after it,
// before it has told anyone. The same seed takes the same steps up to there, so the kill lands
// in that gap. None otherwise, or when the probe appended nothing.
std::vector<traces::KillFault> suite_kills(const SuiteScenario& sc, const sim::Options& opts);
// The kill_last_writer fault of any scenario (what suite_kills does for such a suite scenario).
std::vector<traces::KillFault> kill_after_last_append(const chat::Scenario& s,
                                                      const sim::Options& opts);
// The tear_an_append fault of any scenario: a probe run finds the first write to the log that
// crosses a page boundary, and the run proper kills its writer the step after that write began,
// so it dies between two pages. None when the probe wrote no such line.
std::vector<traces::KillFault> kill_mid_append(const chat::Scenario& s, const sim::Options& opts);
// The fault maker of a suite scenario (none: an empty function).
std::function<std::vector<traces::KillFault>(const chat::Scenario&, const sim::Options&)>
suite_faults(const SuiteScenario& sc);

}  // namespace papaya::properties
