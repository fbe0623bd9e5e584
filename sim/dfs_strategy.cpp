#include "sim/dfs_strategy.hpp"

#include <algorithm>

#include "model/check.hpp"

namespace papaya::sim {

bool DfsStrategy::next_execution() {
  if (first_) {
    first_ = false;
    return true;
  }
  while (!stack_.empty()) {
    Node& n = stack_.back();
    if (n.chosen + 1 < n.limit) {
      ++n.chosen;
      return true;
    }
    stack_.pop_back();
  }
  return false;
}

bool DfsStrategy::begin_execution() {
  depth_ = 0;
  preemptions_ = 0;
  last_ = 0;
  last_ready_ = false;
  rec_.clear();
  return true;
}

std::uint32_t DfsStrategy::choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t) {
  if (depth_ == stack_.size()) {
    std::uint32_t limit = kind == model::DecisionKind::schedule ? n : std::min(n, data_);
    if (kind == model::DecisionKind::schedule && bound_ >= 0 && last_ready_ &&
        preemptions_ >= bound_) {
      limit = 1;
      bounded_ = true;
    }
    stack_.push_back({n, limit, 0});
  }
  const Node& node = stack_[depth_++];
  PAPAYA_ASSERT(node.n == n, "dfs: the run changed shape under a replayed prefix");
  if (kind == model::DecisionKind::schedule && last_ready_ && node.chosen != 0) ++preemptions_;
  if (kind != model::DecisionKind::schedule) rec_.decision(node.chosen);
  return node.chosen;
}

void DfsStrategy::ready(const model::Kernel&, std::span<const Pid> ready) {
  last_ready_ = !ready.empty() && ready[0] == last_;
}

void DfsStrategy::stepping(const model::Kernel& k, Pid pid) {
  rec_.stepping(k, pid);
  last_ = pid;
}

void DfsStrategy::stepped(Pid, model::StepStatus status) { rec_.stepped(status, -1, false); }

}  // namespace papaya::sim
