#include "conformance/kernel/registry.hpp"

namespace papaya::conformance {

const std::vector<Scenario>& all_scenarios() {
  static const std::vector<Scenario> all = [] {
    std::vector<Scenario> v;
    for (auto area :
         {file_scenarios, process_scenarios, flock_scenarios, flock_queue_scenarios,
          signal_scenarios, waiting_scenarios, pipe_scenarios, socket_scenarios, time_scenarios,
          more_rule_scenarios, exec_scenarios, truncate_pdeath_scenarios, thread_scenarios}) {
      for (Scenario& s : area()) v.push_back(std::move(s));
    }
    return v;
  }();
  return all;
}

const Scenario* find_scenario(std::string_view name) {
  for (const Scenario& s : all_scenarios()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace papaya::conformance
