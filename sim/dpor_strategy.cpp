#include "sim/dpor_strategy.hpp"

#include <algorithm>

#include "model/check.hpp"

namespace papaya::sim {

namespace {
bool has(const std::vector<Pid>& v, Pid p) { return std::find(v.begin(), v.end(), p) != v.end(); }
}  // namespace

bool DporStrategy::asleep(const Node& n, Pid p) const {
  return std::any_of(n.sleep.begin(), n.sleep.end(), [&](const Slept& s) { return s.pid == p; });
}

bool DporStrategy::begin_execution() {
  answer_ = 0;
  node_ = 0;
  cur_ = 0;
  last_node_ = -1;
  cont_ = false;
  abandon_ = false;
  rec_.clear();
  return true;
}

// A new schedule node after the last visible step: its sleep set is the previous node's sleep set
// and explored siblings, less those the step just taken depends on.
void DporStrategy::open_node(std::span<const Pid> ready) {
  Node n;
  n.first_answer = answers_.size();
  n.ready.assign(ready.begin(), ready.end());
  if (last_node_ >= 0) {
    const Node& p = nodes_[static_cast<std::size_t>(last_node_)];
    for (const std::vector<Slept>* from : {&p.sleep, &p.done})
      for (const Slept& s : *from)
        if (s.pid != p.chosen && !dependent(s.effect, p.chosen_effect)) n.sleep.push_back(s);
  }
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
    if (std::any_of(n.done.begin(), n.done.end(), [&](const Slept& s) { return s.pid == p; }))
      continue;
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

std::uint32_t DporStrategy::choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t) {
  if (kind == model::DecisionKind::schedule) {
    auto it = std::find(list_.begin(), list_.end(), want_);
    PAPAYA_ASSERT(it != list_.end(), "dpor: chose a process that is not ready");
    return static_cast<std::uint32_t>(it - list_.begin());
  }
  std::uint32_t c = 0;
  if (answer_ < replay_) {
    c = answers_[answer_++];
    ++node_;
  } else if (branch_) {
    branch_ = false;
    c = nodes_[node_++].choice;
    answers_.push_back(c);
    ++answer_;
  } else {
    Node d;
    d.schedule = false;
    d.first_answer = answers_.size();
    d.n = std::min(n, data_);
    nodes_.push_back(std::move(d));
    ++node_;
    answers_.push_back(0);
    ++answer_;
  }
  PAPAYA_ASSERT(c < n, "dpor: a replayed decision is out of range");
  rec_.decision(c);
  return c;
}

void DporStrategy::stepping(const model::Kernel& k, Pid pid) {
  PAPAYA_ASSERT(pid == want_, "dpor: another process stepped than the one chosen");
  rec_.stepping(k, pid);
}

void DporStrategy::stepped(Pid pid, model::StepStatus status) {
  std::int64_t ev = rec_.stepped(status, static_cast<std::int32_t>(cur_), true);
  Node& n = nodes_[cur_];
  if (ev < 0) {
    if (!has(n.disabled, pid)) n.disabled.push_back(pid);
    cont_ = true;
    return;
  }
  cont_ = false;
  if (answer_ > replay_ || n.chosen_effect.pid == 0) n.chosen_effect = rec_.effect();
  last_node_ = static_cast<std::int64_t>(cur_);
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
    if (p == n.chosen || has(n.backtrack, p)) return;
    if (std::any_of(n.done.begin(), n.done.end(), [&](const Slept& s) { return s.pid == p; }))
      return;
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
  races_ += rec_.races().size();
  for (auto [i, j] : rec_.races()) add_backtrack(i, j);
  // The nodes past the end of the run (an abandoned run stops early) are dropped.
  nodes_.resize(std::min(nodes_.size(), node_));
  while (!nodes_.empty()) {
    Node& n = nodes_.back();
    if (!n.schedule) {
      if (n.choice + 1 < n.n) {
        ++n.choice;
        answers_.resize(n.first_answer);
        replay_ = n.first_answer;
        branch_ = true;
        return true;
      }
      nodes_.pop_back();
      continue;
    }
    if (n.chosen != 0 && n.chosen_effect.pid == n.chosen) {
      if (!std::any_of(n.done.begin(), n.done.end(),
                       [&](const Slept& s) { return s.pid == n.chosen; }))
        n.done.push_back({n.chosen, n.chosen_effect});
    }
    n.chosen = 0;
    n.chosen_effect = Effect{};
    Pid next = 0;
    for (Pid p : n.backtrack) {
      if (has(n.disabled, p) || asleep(n, p)) continue;
      if (std::any_of(n.done.begin(), n.done.end(), [&](const Slept& s) { return s.pid == p; }))
        continue;
      next = p;
      break;
    }
    if (next != 0) {
      n.chosen = next;
      n.fresh = false;
      answers_.resize(n.first_answer);
      replay_ = n.first_answer;
      branch_ = true;
      return true;
    }
    nodes_.pop_back();
  }
  return false;
}

}  // namespace papaya::sim
