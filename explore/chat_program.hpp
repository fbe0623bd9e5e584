// The chat scenario as an explorer Program: pid 1 runs chat::run_scenario; each execution is
// checked with every property (properties/), and a run that ends in another verdict than ok
// (deadlock, step bound) fails too.
#pragma once

#include "chat/scenario/scenario.hpp"
#include "explore/explorer.hpp"

namespace papaya::explore {

Program chat_program(const chat::Scenario& s);

}  // namespace papaya::explore
