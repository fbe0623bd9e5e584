// One simulated run of the chat scenario, checked: runs `chat::run_scenario` on the simulator,
// reads the History off the run (log bytes, the log's events from the trace, each client's sent
// lines and transcript) and applies every property checker.
#pragma once

#include <memory>
#include <vector>

#include "chat/scenario.hpp"
#include "properties/checkers.hpp"
#include "properties/history.hpp"
#include "sim/simulation.hpp"

namespace papaya::properties {

struct CheckedRun {
  sim::RunReport report;
  History history;
  std::vector<Finding> findings;         // one per property, in all_properties order
  std::unique_ptr<sim::Simulation> sim;  // the run itself, with its trace

  bool all_hold() const;
  const Finding& finding(Property p) const;
};

// The trace header of a chat run: design "process", the variant, the scenario as JSON.
traces::Header chat_trace_header(const chat::Scenario& s);
// The init process of a chat run (pid 1's body).
std::function<void(Os&)> chat_init(const chat::Scenario& s);
// The History of a finished chat run.
History chat_history(const chat::Scenario& s, const sim::Simulation& sim, const sim::RunReport& r);

// Runs `s` under `opts` (its header is filled in here) and checks every property.
CheckedRun run_and_check(const chat::Scenario& s, sim::Options opts);

}  // namespace papaya::properties
