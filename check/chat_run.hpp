// One simulated run of the chat scenario, checked: runs `chat::run_scenario` on the simulator,
// reads the History off the run (log bytes, the log's events from the trace, each client's sent
// lines and transcript) and applies every property checker.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chat/scenario/scenario.hpp"
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

// What the scenario's init reported (written by the simulated init, read after the run).
struct ChatOutcome {
  bool finished = false;
  chat::ScenarioReport report;
};

// The trace header of a chat run: the design, the variant, the scenario as JSON.
traces::Header chat_trace_header(const chat::Scenario& s);
// The inverse; nullopt with `error` set when the header names no runnable chat scenario.
std::optional<chat::Scenario> chat_from_header(const traces::Header& h, std::string& error);
// The init process of a chat run (pid 1's body); it records how the scenario went in `out`.
// `papaya sim`, `papaya replay` and `papaya check` all run this one body, so their traces replay
// in each other.
std::function<void(Os&)> chat_init(const chat::Scenario& s,
                                   std::shared_ptr<ChatOutcome> out = nullptr);
// The History of a finished chat run.
History chat_history(const chat::Scenario& s, const sim::Simulation& sim, const sim::RunReport& r);

// Runs `s` under `opts` (its header is filled in here) and checks every property.
CheckedRun run_and_check(const chat::Scenario& s, sim::Options opts);

}  // namespace papaya::properties
