#include "sim/dfs_strategy.hpp"

#include <algorithm>

#include "model/check.hpp"

namespace papaya::sim {

void DfsStrategy::cache_states(std::size_t max_states, std::uint64_t max_steps, bool keep_order,
                               CacheRule rule) {
  PAPAYA_ASSERT(kind_ == BoundKind::preemption, "dfs: the state cache keys preemption bounds only");
  visited_ = std::make_unique<VisitedStates>(max_states);
  max_steps_ = max_steps;
  keys_.keep_order(keep_order);
  keys_.leave_out(!rule.go_run_queues, !rule.go_resumes, !rule.go_received);
  rule_ = rule;
}

// The next pass of iterative bounding starts from the root, with the visited states of the
// passes before: an entry covers every continuation with at most its `left` preemptions, and the
// new pass's cut compares its own preemptions left with that (met_state).
void DfsStrategy::restart(int bound) {
  PAPAYA_ASSERT(bound >= 0 && bound_ >= 0, "dfs: restart is for iterative bounding");
  PAPAYA_ASSERT(stack_.empty() && !first_, "dfs: restart before the pass is exhausted");
  bound_ = bound;
  stack_.clear();
  depth_ = 0;
  first_ = true;
  bounded_ = false;
  cut_ = false;
  reexplored_ = 0;
}

// Stateful: every state on the run's path has had one more run explored below it; its height
// (the most steps a run took after it) grows to this run's, or for a cut run to its steps plus the
// height of the state it was cut at (whose subtree is complete).
void DfsStrategy::end_of_run() {
  if (!visited_) return;
  const std::uint64_t end = cut_ ? cut_at_steps_ + cut_entry_->height : keys_.steps();
  for (std::size_t i = 0; i < std::min(depth_, stack_.size()); ++i)
    if (Visited* v = stack_[i].entry; v != nullptr && end > v->steps)
      v->height = std::max(v->height, end - v->steps);
}

bool DfsStrategy::next_execution() {
  if (walk_) return true;
  if (first_) {
    first_ = false;
    return true;
  }
  end_of_run();
  // A cut run ends before the nodes of its previous run's deeper part: they go.
  stack_.resize(std::min(stack_.size(), depth_));
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
  weight_ = 1;
  walk_decisions_ = 0;
  walk_options_ = 0;
  depth_ = 0;
  preemptions_ = 0;
  last_ = 0;
  last_ready_ = false;
  rec_.clear();
  keys_.clear();
  cut_ = false;
  cut_entry_ = nullptr;
  pending_new_ = false;
  return true;
}

// How many options of this decision the search may take, under the bound and the data options.
std::uint32_t DfsStrategy::limit_of(std::uint32_t n, model::DecisionKind kind) {
  const bool delays = kind == model::DecisionKind::schedule && kind_ == BoundKind::delay;
  // Kill decisions (--kills) have their own budget, the executor's: every victim is explored.
  std::uint32_t limit = kind == model::DecisionKind::schedule || kind == model::DecisionKind::kill
                            ? n
                            : std::min(n, data_);
  if (kind == model::DecisionKind::schedule && bound_ >= 0 && !delays && last_ready_ &&
      preemptions_ >= bound_) {
    limit = 1;
    bounded_ = true;
  }
  // The j-th process in round-robin order costs j delays.
  if (delays && bound_ >= 0) {
    limit = std::min<std::uint32_t>(n, static_cast<std::uint32_t>(bound_ - preemptions_) + 1);
    bounded_ = bounded_ || limit < n;
  }
  // Under a bound, sysmon's preemption of a running goroutine (--go-preempt: option 1 of a
  // go_preempt decision) is a preemption too, offered while the bound allows it whatever the
  // data options say (docs/explore.md, "Goroutine programs").
  if (kind == model::DecisionKind::go_preempt && bound_ >= 0) {
    limit = preemptions_ < bound_ ? n : 1;
    bounded_ = bounded_ || preemptions_ >= bound_;
  }
  return limit;
}

// The option the `chosen`-th branch stands for, with what it costs against the bound.
std::uint32_t DfsStrategy::take(std::uint32_t chosen, std::uint32_t n, model::DecisionKind kind) {
  if (kind == model::DecisionKind::schedule && kind_ == BoundKind::delay) {
    PAPAYA_ASSERT(rr_order_.size() == n, "dfs: a schedule decision without its round robin");
    preemptions_ += static_cast<int>(chosen);
    return rr_order_[chosen];
  }
  if (kind == model::DecisionKind::schedule && last_ready_ && chosen != 0) ++preemptions_;
  if (kind == model::DecisionKind::go_preempt && bound_ >= 0 && chosen == 1) ++preemptions_;
  // (A kill's decision is not the next step's: the event log does not see kills.)
  if (kind != model::DecisionKind::schedule && kind != model::DecisionKind::kill)
    rec_.decision(chosen);
  return chosen;
}

std::uint32_t DfsStrategy::choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t) {
  // A random walk (Knuth's estimator, sim/dfs_walk.cpp): one branch, weighted.
  if (walk_) return take(walk_choice(limit_of(n, kind), n, kind), n, kind);
  if (depth_ == stack_.size()) {
    Node node;
    node.n = n;
    node.limit = limit_of(n, kind);
    node.chosen = 0;
    if (kind == model::DecisionKind::schedule && pending_new_) {
      node.key = pending_key_;
      node.entry = pending_entry_;
    }
    pending_new_ = false;
    stack_.push_back(node);
  }
  const Node& node = stack_[depth_++];
  PAPAYA_ASSERT(node.n == n, "dfs: the run changed shape under a replayed prefix");
  return take(node.chosen, n, kind);
}

void DfsStrategy::ready(const model::Kernel& k, std::span<const Pid> ready) {
  last_ready_ = !ready.empty() && ready[0] == last_;
  if (kind_ == BoundKind::delay && ready.size() >= 2) round_robin(ready);
  if (visited_ && ready.size() >= 2 && depth_ == stack_.size()) met_state(k);
}

// The round robin's order of the options (Emmi et al.'s deterministic scheduler): ids ascending,
// rotated to start at the process that ran last, or when it cannot run at the first id after it.
// Ids, not option positions: the executor lists the last process first, so positions would not
// make a cycle.
void DfsStrategy::round_robin(std::span<const Pid> ready) {
  rr_order_.resize(ready.size());
  for (std::uint32_t i = 0; i < ready.size(); ++i) rr_order_[i] = i;
  std::sort(rr_order_.begin(), rr_order_.end(),
            [&](std::uint32_t a, std::uint32_t b) { return ready[a] < ready[b]; });
  auto start = std::find_if(rr_order_.begin(), rr_order_.end(),
                            [&](std::uint32_t i) { return ready[i] >= last_; });
  std::rotate(rr_order_.begin(), start, rr_order_.end());
}

// A schedule decision past the replayed prefix: the state is new (stored for the node choose()
// pushes next), on the current path (left alone: its subtree is not finished), or visited with its
// subtree explored (the run is cut).
//
// Under a preemption bound the entry is that of the decision (the state and the process that may
// go on for free: with_running), and "explored" means explored with `left` preemptions left: a run
// with at most that many left is cut (its continuations are among the explored ones); one with
// more explores the state again, and the entry takes its budget once it is on the current path.
// A decision where the last process may go on for free is also covered by the state's entry where
// no process could (CacheRule::free_covers): from there every first choice is free, so each of its
// continuations costs at most what it costs here.
void DfsStrategy::met_state(const model::Kernel& k) {
  model::StateDigest key = keys_.key(k);
  if (bound_ < 0) {
    if (Visited* v = visited_->find(key)) {
      if (!on_path(v)) cut_at(v);
      return;
    }
    remember(key, visited_->add(key, Visited{static_cast<std::uint32_t>(depth_), keys_.steps(), 0,
                                             unbounded_preemptions}));
    return;
  }
  const std::int32_t left = bound_ - preemptions_;
  const Pid free = last_ready_ ? last_ : 0;
  const model::StateDigest state = key;
  if (rule_.running) key = with_running(state, free);
  Visited* v = visited_->find(key);
  if (v != nullptr && on_path(v)) return;
  if (v != nullptr && (left <= v->left || !rule_.budget)) {
    cut_at(v);
    return;
  }
  if (rule_.running && rule_.free_covers && free != 0) {
    Visited* any = visited_->find(with_running(state, 0));
    if (any != nullptr && !on_path(any) && left <= any->left) {
      cut_at(any);
      return;
    }
  }
  if (v == nullptr) {
    remember(key, visited_->add(
                      key, Visited{static_cast<std::uint32_t>(depth_), keys_.steps(), 0, left}));
    return;
  }
  // Explored with fewer preemptions left than this run has: again, from here.
  ++reexplored_;
  v->node = static_cast<std::uint32_t>(depth_);
  v->steps = keys_.steps();
  v->left = left;
  remember(key, v);
}

bool DfsStrategy::on_path(const Visited* v) const {
  return v->node < stack_.size() && stack_[v->node].entry == v;
}

// The run ends here: every continuation from this decision was explored from `v`'s.
void DfsStrategy::cut_at(Visited* v) {
  cut_ = true;
  cut_at_steps_ = keys_.steps();
  cut_entry_ = v;
  if (cut_at_steps_ + v->height >= max_steps_) cut_long_ = true;
  // Under a bound, the bound may have refused branches in the subtree this run stands for
  // (conservative: the verdict then names the bound, which holds of every complete bounded search).
  if (bound_ >= 0) bounded_ = true;
}

// The entry of the node choose() pushes next (null: the table is full).
void DfsStrategy::remember(const model::StateDigest& key, Visited* entry) {
  pending_new_ = true;
  pending_key_ = key;
  pending_entry_ = entry;
}

void DfsStrategy::stepping(const model::Kernel& k, Pid pid) {
  rec_.stepping(k, pid);
  last_ = pid;
  if (!visited_) return;
  keys_.stepping(k, pid, rec_.effect());
}

void DfsStrategy::observed(Pid pid, model::OpKind kind, const model::OpArgs& args,
                           const model::Outcome& out, std::span<const char> received) {
  rec_.observed(out);
  if (visited_) keys_.outcome(pid, kind, args, out, received);
}

void DfsStrategy::step_effect(const Effect& e) {
  rec_.step_effect(e);
  if (visited_) keys_.step_effect(e);
}

void DfsStrategy::go_resumed(Pid pid, const model::StateDigest& observed) {
  if (visited_) keys_.go_resumed(pid, observed);
}

void DfsStrategy::stepped(Pid pid, model::StepStatus status) {
  rec_.stepped(status, -1, false);
  if (visited_) keys_.stepped(pid, status);
}

}  // namespace papaya::sim
