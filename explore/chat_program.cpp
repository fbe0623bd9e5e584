#include "explore/chat_program.hpp"

#include "check/chat_run.hpp"
#include "properties/checkers.hpp"

namespace papaya::explore {

Program chat_program(const chat::Scenario& s) {
  Program p;
  p.init = properties::chat_init(s);
  p.header = properties::chat_trace_header(s);
  p.check = [s](const sim::Simulation& sim, const sim::RunReport& r) -> std::string {
    for (const properties::Finding& f : properties::check_all(properties::chat_history(s, sim, r)))
      if (!f.holds) return std::string(properties::property_name(f.property)) + ": " + f.detail;
    if (r.verdict != Verdict::ok) return std::string(verdict_name(r.verdict)) + ": " + r.detail;
    return {};
  };
  return p;
}

}  // namespace papaya::explore
