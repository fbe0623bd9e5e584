#include "model/decision.hpp"

namespace papaya::model {

std::string_view decision_kind_name(DecisionKind k) {
  switch (k) {
    case DecisionKind::schedule: return "schedule";
    case DecisionKind::segment: return "segment";
    case DecisionKind::arrival: return "arrival";
    case DecisionKind::fault: return "fault";
    case DecisionKind::signal_race: return "signal_race";
    case DecisionKind::go_steal: return "go_steal";
    case DecisionKind::go_select: return "go_select";
    case DecisionKind::go_preempt: return "go_preempt";
    case DecisionKind::go_race: return "go_race";
    case DecisionKind::kill: return "kill";
  }
  return "?";
}

std::optional<DecisionKind> parse_decision_kind(std::string_view name) {
  for (int i = 0; i < decision_kinds; ++i) {
    auto k = static_cast<DecisionKind>(i);
    if (decision_kind_name(k) == name) return k;
  }
  return std::nullopt;
}

}  // namespace papaya::model
