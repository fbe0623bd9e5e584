#include "model/outcome.hpp"

namespace papaya::model {

std::string_view step_status_name(StepStatus s) {
  switch (s) {
    case StepStatus::done: return "done";
    case StepStatus::blocked: return "blocked";
    case StepStatus::progress: return "progress";
    case StepStatus::exited: return "exited";
  }
  return "?";
}

}  // namespace papaya::model
