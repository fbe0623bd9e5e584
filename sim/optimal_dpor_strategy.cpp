#include "sim/optimal_dpor_strategy.hpp"

#include <algorithm>

#include "model/check.hpp"

namespace papaya::sim {

namespace {
bool has(const std::vector<Pid>& v, Pid p) { return std::find(v.begin(), v.end(), p) != v.end(); }
}  // namespace

bool OptimalDporStrategy::sleeping(const Node& n, Pid p) const {
  auto is = [&](const Slept& s) { return s.pid == p; };
  return std::any_of(n.sleep.begin(), n.sleep.end(), is) ||
         std::any_of(n.done.begin(), n.done.end(), is);
}

bool OptimalDporStrategy::begin_execution() {
  answer_ = 0;
  node_ = 0;
  cur_ = 0;
  last_node_ = -1;
  cont_ = false;
  abandon_ = false;
  guide_.clear();
  rec_.clear();
  return true;
}

// A new schedule node after the last visible step: asleep are the previous node's sleepers and
// explored siblings the step just taken is independent of (Algorithm 2, line 17); its wakeup tree
// is the subtree the step led into (line 18).
void OptimalDporStrategy::open_node(std::span<const Pid> ready) {
  Node n;
  n.first_answer = answers_.size();
  n.ready.assign(ready.begin(), ready.end());
  if (last_node_ >= 0) {
    const Node& p = nodes_[static_cast<std::size_t>(last_node_)];
    for (const std::vector<Slept>* from : {&p.sleep, &p.done})
      for (const Slept& s : *from)
        if (s.pid != p.chosen && !dependent(s.effect, p.chosen_effect)) n.sleep.push_back(s);
  }
  n.wut = std::move(guide_);
  guide_.clear();
  nodes_.push_back(std::move(n));
  cur_ = node_++;
}

// The leftmost wakeup-tree branch that can run (lines 15-16), else a free choice at a leaf (line
// 12): the first ready process neither asleep nor unable to go on here.
bool OptimalDporStrategy::pick(Node& n) {
  while (!n.wut.empty()) {
    Wakeup& c = n.wut.front();
    if (has(list_, c.pid) && !has(n.disabled, c.pid) && !sleeping(n, c.pid)) {
      want_ = c.pid;
      guide_ = std::move(c.kids);
      n.wut.erase(n.wut.begin());
      return true;
    }
    ++divergences_;
    n.wut.erase(n.wut.begin());
  }
  for (Pid p : list_)
    if (!has(n.disabled, p) && !sleeping(n, p)) {
      want_ = p;
      return true;
    }
  return false;
}

void OptimalDporStrategy::ready(const model::Kernel&, std::span<const Pid> ready) {
  if (abandon_) return;
  list_.assign(ready.begin(), ready.end());
  if (answer_ < replay_) {  // following the prefix
    want_ = static_cast<Pid>(answers_[answer_++]);
    if (!cont_) cur_ = node_++;
    PAPAYA_ASSERT(has(list_, want_), "optimal dpor: the replayed prefix diverged");
    return;
  }
  if (branch_) {  // the branch node, with the wakeup-tree branch next_execution took
    branch_ = false;
    cur_ = node_++;
    Node& n = nodes_[cur_];
    want_ = n.chosen;
    guide_ = std::move(n.chosen_kids);
    n.chosen_kids.clear();
    first_new_ = rec_.log().size();
    PAPAYA_ASSERT(has(list_, want_), "optimal dpor: a wakeup-tree process is not ready");
    answers_.push_back(static_cast<std::uint32_t>(want_));
    ++answer_;
    return;
  }
  if (!cont_) open_node(ready);
  Node& n = nodes_[cur_];
  // A process that only blocked and is ready again at once was woken by its own step.
  std::erase_if(n.disabled, [&](Pid p) { return has(list_, p); });
  if (!pick(n)) {
    abandon_ = true;  // every ready process sleeps: sleep-set blocked (0 in the paper's model)
    return;
  }
  n.chosen = want_;
  answers_.push_back(static_cast<std::uint32_t>(want_));
  ++answer_;
}

std::uint32_t OptimalDporStrategy::choose(std::uint32_t n, model::DecisionKind kind,
                                          std::uint64_t) {
  if (kind == model::DecisionKind::schedule) {
    auto it = std::find(list_.begin(), list_.end(), want_);
    PAPAYA_ASSERT(it != list_.end(), "optimal dpor: chose a process that is not ready");
    return static_cast<std::uint32_t>(it - list_.begin());
  }
  std::uint32_t c = 0;
  if (answer_ < replay_) {
    c = answers_[answer_++];
    ++node_;
  } else if (branch_) {
    branch_ = false;
    c = nodes_[node_++].choice;
    first_new_ = rec_.log().size();
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
  PAPAYA_ASSERT(c < n, "optimal dpor: a replayed decision is out of range");
  rec_.decision(c);
  return c;
}

void OptimalDporStrategy::stepping(const model::Kernel& k, Pid pid) {
  PAPAYA_ASSERT(pid == want_, "optimal dpor: another process stepped than the one chosen");
  rec_.stepping(k, pid);
}

void OptimalDporStrategy::stepped(Pid pid, model::StepStatus status) {
  std::int64_t ev = rec_.stepped(status, static_cast<std::int32_t>(cur_), true);
  Node& n = nodes_[cur_];
  if (ev < 0) {  // only blocked: disabled here; the wakeup subtree it led into cannot be followed
    if (!has(n.disabled, pid)) n.disabled.push_back(pid);
    cont_ = true;
    if (!guide_.empty()) ++divergences_;
    guide_.clear();
    return;
  }
  cont_ = false;
  if (answer_ > replay_ || n.chosen_effect.pid == 0) n.chosen_effect = rec_.effect();
  last_node_ = static_cast<std::int64_t>(cur_);
}

// q is a weak initial of v (the paper's WI): q's first step in v has no predecessor in v, or q
// has no step in v and its next step `qe` is independent of all of v.
bool OptimalDporStrategy::weak_initial(Pid q, const Effect* qe, const std::vector<Step>& v) {
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (v[k].pid != q) continue;
    for (std::size_t j = 0; j < k; ++j)
      if (dependent(*v[j].effect, *v[k].effect)) return false;
    return true;
  }
  if (qe == nullptr) return false;
  return std::none_of(v.begin(), v.end(), [&](const Step& s) { return dependent(*qe, *s.effect); });
}

// insert[E](v, wut): descend through the first child whose process is a weak initial of what is
// left of v (taking that process's step off v); reaching a leaf means an equivalent sequence is
// already to be explored; else the rest of v becomes the rightmost branch where the descent ended.
void OptimalDporStrategy::insert(std::vector<Wakeup>& root, std::vector<Step> v) {
  std::vector<Wakeup>* level = &root;
  for (bool top = true;; top = false) {
    if (!top && level->empty()) return;
    Wakeup* next = nullptr;
    for (Wakeup& c : *level)
      if (weak_initial(c.pid, &c.effect, v)) {
        next = &c;
        break;
      }
    if (next == nullptr) break;
    auto it = std::find_if(v.begin(), v.end(), [&](const Step& s) { return s.pid == next->pid; });
    if (it != v.end()) v.erase(it);
    level = &next->kids;
  }
  for (const Step& s : v) {
    level->push_back(Wakeup{s.pid, *s.effect, {}});
    level = &level->back().kids;
  }
  ++insertions_;
}

// The race i < j: v = notdep(i).j, the steps after i that do not happen after it, then j.
void OptimalDporStrategy::analyse(std::size_t i, std::size_t j) {
  const EventLog& log = rec_.log();
  const Event& ei = log.event(i);
  if (ei.node < 0) return;
  Node& n = nodes_[static_cast<std::size_t>(ei.node)];
  if (n.ready.size() < 2) return;  // nothing else could run there
  std::vector<Step> v;
  for (std::size_t k = i + 1; k < j; ++k)
    if (!log.before(i, k)) v.push_back({log.event(k).effect.pid, &log.event(k).effect});
  v.push_back({log.event(j).effect.pid, &log.event(j).effect});
  for (const std::vector<Slept>* from : {&n.sleep, &n.done})
    for (const Slept& s : *from)
      if (weak_initial(s.pid, &s.effect, v)) return;  // explored already, or will be from there
  insert(n.wut, std::move(v));
}

bool OptimalDporStrategy::next_execution() {
  if (first_) {
    first_ = false;
    return true;
  }
  races_ += rec_.races().size();
  // Races wholly inside the replayed prefix were analysed with the execution that first ran it.
  for (auto [i, j] : rec_.races())
    if (j >= first_new_) analyse(i, j);
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
    // The branch just explored goes to sleep here (line 20).
    if (n.chosen != 0 && n.chosen_effect.pid == n.chosen && !sleeping(n, n.chosen))
      n.done.push_back({n.chosen, n.chosen_effect});
    n.chosen = 0;
    n.chosen_effect = Effect{};
    while (!n.wut.empty()) {
      Wakeup& c = n.wut.front();
      if (has(n.ready, c.pid) && !sleeping(n, c.pid)) {
        n.chosen = c.pid;
        n.chosen_kids = std::move(c.kids);
        n.wut.erase(n.wut.begin());
        answers_.resize(n.first_answer);
        replay_ = n.first_answer;
        branch_ = true;
        return true;
      }
      ++divergences_;
      n.wut.erase(n.wut.begin());
    }
    nodes_.pop_back();
  }
  return false;
}

}  // namespace papaya::sim
