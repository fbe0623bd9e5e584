#include "sim/dpor_strategy.hpp"

#include <algorithm>

#include "model/check.hpp"

namespace papaya::sim {

namespace {
bool has(const std::vector<Pid>& v, Pid p) { return dpor_has(v, p); }
}  // namespace

bool DporStrategy::asleep(const Node& n, Pid p) {
  return std::any_of(n.sleep.begin(), n.sleep.end(),
                     [&](const DporSlept& s) { return s.pid == p; });
}

bool DporStrategy::explored(const Node& n, Pid p) {
  return std::any_of(n.done.begin(), n.done.end(), [&](const DporSlept& s) { return s.pid == p; });
}

void DporStrategy::reverse_disabled(Node& n, Pid q) {
  if (!has(n.backtrack, q) && !explored(n, q) && !asleep(n, q)) n.backtrack.push_back(q);
}

bool DporStrategy::begin_execution() {
  reset_execution();
  return true;
}

// A new schedule node after the last visible step: its sleep set is the previous node's sleep set
// and explored siblings, less those the step just taken depends on.
void DporStrategy::open_node(std::span<const Pid> ready) {
  Node n;
  n.first_answer = answers_.size();
  n.ready.assign(ready.begin(), ready.end());
  inherit_sleep(n);
  nodes_.push_back(std::move(n));
  cur_ = node_++;
}

void DporStrategy::ready(const model::Kernel&, std::span<const Pid> ready) {
  if (abandon_) return;
  list_.assign(ready.begin(), ready.end());
  if (answer_ < replay_) {  // following the prefix
    want_ = static_cast<Pid>(answers_[answer_++]);
    if (!cont_) cur_ = node_++;
    PAPAYA_ASSERT(has(list_, want_), "dpor: the replayed prefix diverged");
    return;
  }
  if (branch_) {  // the branch node, with its new choice
    branch_ = false;
    cur_ = node_++;
    want_ = nodes_[cur_].chosen;
    PAPAYA_ASSERT(has(list_, want_), "dpor: a backtrack point's process is not ready");
    answers_.push_back(static_cast<std::uint32_t>(want_));
    ++answer_;
    return;
  }
  check_disabled(ready);
  if (!cont_) open_node(ready);
  Node& n = nodes_[cur_];
  // A process that only blocked and is ready again at once was woken by its own step (a signal
  // its new mask lets in): it is enabled here after all.
  std::erase_if(n.disabled, [&](Pid p) { return has(list_, p); });
  want_ = 0;
  for (Pid p : list_) {
    if (has(n.disabled, p) || asleep(n, p)) continue;
    // A branch node whose chosen process only blocked: only its backtrack set is owed.
    if (!n.fresh && !has(n.backtrack, p)) continue;
    if (explored(n, p)) continue;
    want_ = p;
    break;
  }
  if (want_ == 0) {
    abandon_ = true;  // every ready process sleeps: sleep-set blocked
    return;
  }
  n.chosen = want_;
  if (!has(n.backtrack, want_)) n.backtrack.push_back(want_);
  answers_.push_back(static_cast<std::uint32_t>(want_));
  ++answer_;
}

// Source-DPOR's race reversal: for the race i < j, the initials of notdep(i).j are the processes
// whose first step in that sequence has no predecessor in it; one of them must be explored from
// the state before i.
void DporStrategy::add_backtrack(std::size_t i, std::size_t j) {
  const EventLog& log = rec_.log();
  const Event& ei = log.event(i);
  if (ei.node < 0) return;
  Node& n = nodes_[static_cast<std::size_t>(ei.node)];
  if (n.ready.size() < 2) return;
  std::vector<std::size_t> firsts;  // the first event of each process in v
  std::vector<Pid> initials;
  auto visit = [&](std::size_t k) {
    const Pid p = log.event(k).effect.pid;
    for (std::size_t f : firsts)
      if (log.event(f).effect.pid == p) return;
    bool initial = true;
    for (std::size_t f : firsts)
      if (log.before(f, k)) initial = false;
    firsts.push_back(k);
    if (initial) initials.push_back(p);
  };
  for (std::size_t k = i + 1; k < j; ++k)
    if (!log.before(i, k)) visit(k);
  visit(j);
  for (Pid p : initials) {
    if (p == n.chosen || has(n.backtrack, p) || explored(n, p)) return;
  }
  for (Pid p : initials)
    if (has(n.ready, p) && !has(n.disabled, p)) {
      n.backtrack.push_back(p);
      return;
    }
  // No initial can run there (each was disabled): the race cannot be reversed at that state.
}

bool DporStrategy::next_execution() {
  if (first_) {
    first_ = false;
    return true;
  }
  check_disabled({});
  races_ += rec_.races().size();
  for (auto [i, j] : rec_.races()) add_backtrack(i, j);
  // The nodes past the end of the run (an abandoned run stops early) are dropped.
  nodes_.resize(std::min(nodes_.size(), node_));
  while (!nodes_.empty()) {
    if (!nodes_.back().schedule) {
      if (next_option()) return true;
      continue;
    }
    Node& n = nodes_.back();
    if (n.chosen != 0 && n.chosen_effect.pid == n.chosen && !explored(n, n.chosen))
      n.done.push_back({n.chosen, n.chosen_effect});
    n.chosen = 0;
    n.chosen_effect = Effect{};
    Pid next = 0;
    for (Pid p : n.backtrack) {
      if (has(n.disabled, p) || asleep(n, p) || explored(n, p)) continue;
      next = p;
      break;
    }
    if (next != 0) {
      n.chosen = next;
      n.fresh = false;
      branch_at(n);
      return true;
    }
    nodes_.pop_back();
  }
  return false;
}

}  // namespace papaya::sim
