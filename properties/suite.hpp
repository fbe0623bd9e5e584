// The built-in scenario suite that `papaya check` runs for every design and variant. Each
// scenario is there for a reason (its comment says which flaw it gives room to show); together
// they let every variant be caught while the correct design must pass them all.
#pragma once

#include <string>
#include <vector>

#include "chat/scenario.hpp"

namespace papaya::properties {

struct SuiteScenario {
  std::string name;
  chat::Scenario scenario;
};

std::vector<SuiteScenario> builtin_suite(chat::Variant variant);

}  // namespace papaya::properties
