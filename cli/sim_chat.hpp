// The account of a simulated chat run, printed by both `papaya sim` and `papaya replay`
// (implemented in cmd_sim.cpp). The run itself (header, init, History) is check/chat_run.hpp.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "chat/scenario/scenario.hpp"
#include "check/chat_run.hpp"
#include "sim/simulation.hpp"

namespace papaya::cli {

using properties::ChatOutcome;

// Prints the run's account (processes, steps, decisions, virtual time, log lines, bytes, clients,
// warnings, the run's verdict and every property's) and returns the exit code: 0 when the run
// ended ok, every client saw every line and every property holds; 1 otherwise.
int print_chat_account(const chat::Scenario& scenario, const sim::Simulation& s,
                       const sim::RunReport& r, const ChatOutcome& out);

}  // namespace papaya::cli
