// The chat scenario on the simulator, shared by `papaya sim` and `papaya replay` (implemented in
// cmd_sim.cpp): the scenario's parameters to and from a trace header, the init process that runs
// it, and the account both commands print.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "chat/scenario.hpp"
#include "properties/chat_run.hpp"
#include "sim/simulation.hpp"

namespace papaya::cli {

struct ChatSim {
  std::string design = "process";
  chat::Scenario scenario;
};

using properties::ChatOutcome;

// The header fields (design, variant, scenario parameters) for `c`.
traces::Header chat_header(const ChatSim& c);
// The inverse; nullopt with `error` set when the header names no runnable chat scenario.
std::optional<ChatSim> chat_from_header(const traces::Header& h, std::string& error);
// The init process of a simulated run of `c`; it records how the scenario went in `out`.
std::function<void(Os&)> chat_init(const ChatSim& c, std::shared_ptr<ChatOutcome> out);
// Prints the run's account (processes, steps, decisions, virtual time, log lines, bytes, clients,
// warnings, the run's verdict and every property's) and returns the exit code: 0 when the run
// ended ok, every client saw every line and every property holds; 1 otherwise.
int print_chat_account(const ChatSim& c, const sim::Simulation& s, const sim::RunReport& r,
                       const ChatOutcome& out);

}  // namespace papaya::cli
