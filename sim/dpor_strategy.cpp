#include "sim/dpor_strategy.hpp"

#include <algorithm>

#include "model/check.hpp"

namespace papaya::sim {

namespace {
bool has(std::span<const Pid> v, Pid p) { return dpor_has(v, p); }
}  // namespace

bool DporStrategy::asleep(const Node& n, Pid p) {
  return std::any_of(n.sleep.begin(), n.sleep.end(),
                     [&](const DporSlept& s) { return s.pid == p; });
}

bool DporStrategy::explored(const Node& n, Pid p) {
  return has(n.explored_awake, p) ||
         std::any_of(n.done.begin(), n.done.end(), [&](const DporSlept& s) { return s.pid == p; });
}

// Whether picking p at node n keeps the execution within the bound (bounded, a node branches at
// its last decision: after the steps there that only blocked, where a switch is free).
// A false answer is the bound cutting a schedule off (noted for the verdict).
bool DporStrategy::fits(const Node& n, Pid p) const {
  const bool ok = bound_ < 0 || n.preemptions + (n.last_ready && p != n.last ? 1 : 0) <= bound_;
  bounded_ = bounded_ || !ok;
  return ok;
}

// The same at the current decision.
bool DporStrategy::fits_now(Pid p) const {
  const bool ok = bound_ < 0 || preemptions_ + (last_ready_ && p != last_ ? 1 : 0) <= bound_;
  bounded_ = bounded_ || !ok;
  return ok;
}

// The bound refused, at n, a pick unbounded source-DPOR would have made there (not merely one of
// several it could choose from, nor a conservative point, which it has no use for): n's subtree
// is no longer what unbounded source-DPOR explores (sleeps_after, next_backtrack).
void DporStrategy::refused(Node& n) { n.cut = true; }

// Whether the process a node just explored sleeps in its later branches. Unbounded, always
// (source-DPOR's sleep sets). Bounded: never by default; Sleep::all always (unsound: the late-write
// example); Sleep::cut_free only if the bound refused nothing in the subtree of that choice
// (Coons's conservative sleep sets: that subtree should then hold every continuation, as unbounded
// source-DPOR's would, whatever its preemptions; yet it loses traces on generated programs here,
// BoundedDpor.CoonssReductionsEachLoseTracesOfAGeneratedProgramSoTheyAreOff).
bool DporStrategy::sleeps_after(const Node& n) const {
  if (bound_ < 0 || bpor_.sleep == BporSettings::Sleep::all) return true;
  return bpor_.sleep == BporSettings::Sleep::cut_free && !n.branch_cut;
}

// The node's current choice is explored: it joins the explored processes (asleep for the later
// branches, or not: sleeps_after), and its cut flag is reset for the next branch.
void DporStrategy::finish_branch(Node& n) {
  if (n.chosen != 0 && n.chosen_effect.pid == n.chosen && !explored(n, n.chosen)) {
    if (sleeps_after(n))
      n.done.push_back({n.chosen, pool_.intern(n.chosen_effect)});
    else
      n.explored_awake.push_back(n.chosen);
  }
  n.branch_cut = false;
}

// Pops the last node; a refusal in its subtree is one in its parent's (and in the subtree of the
// parent's current choice).
void DporStrategy::drop_last_node() {
  const bool cut = nodes_.back().cut;
  pop_node();
  if (cut && !nodes_.empty()) {
    nodes_.back().cut = true;
    nodes_.back().branch_cut = true;
  }
}

// Counts the current decision's preemption (dfs's rule: the process that ran last could go on).
void DporStrategy::took(Pid p) {
  if (last_ready_ && p != last_) ++preemptions_;
}

// The node's latest decision (the one whose step was visible, or the current one): where a branch
// is taken under a bound, and what it costs there.
void DporStrategy::note_decision(Node& n) const {
  n.last_answer = answers_.size();
  n.preemptions = preemptions_;
  n.last = last_;
  n.last_ready = last_ready_;
  n.switched = want_ != last_;
}

// A ready actor that the step at n ends before it ever steps (dpor_base.hpp check_disabled):
// explored at n, within the bound when there is one.
void DporStrategy::reverse_disabled(Node& n, Pid q) {
  if (has(n.backtrack, q) || explored(n, q) || asleep(n, q)) return;
  if (fits(n, q))
    n.backtrack.push_back(q);
  else
    refused(n);
}

bool DporStrategy::begin_execution() {
  reset_execution();
  preemptions_ = 0;
  last_ready_ = false;
  return true;
}

// A new schedule node after the last visible step: its sleep set is the previous node's sleep set
// and explored siblings (under a bound, only those sleeps_after let sleep), less those the step
// just taken depends on. Plain BPOR keeps none.
void DporStrategy::open_node(std::span<const Pid> ready) {
  Node& n = push_node();
  n.first_answer = answers_.size();
  n.ready.assign(ready.begin(), ready.end());
  if (bound_ < 0 || bpor_.sleep != BporSettings::Sleep::none) inherit_sleep(n);
  cur_ = node_++;
}

void DporStrategy::ready(const model::Kernel&, std::span<const Pid> ready) {
  if (abandon_) return;
  list_ = ready;
  // The executor puts the process that ran last first when it can run.
  last_ready_ = !list_.empty() && list_[0] == last_;
  if (answer_ < replay_) {  // following the prefix
    want_ = static_cast<Pid>(answers_[answer_++]);
    if (!cont_) cur_ = node_++;
    PAPAYA_ASSERT(has(list_, want_), "dpor: the replayed prefix diverged");
    took(want_);
    return;
  }
  if (branch_) {  // the branch node, with its new choice
    branch_ = false;
    if (!cont_) cur_ = node_++;  // bounded, the branch may follow the node's blocked steps
    Node& n = nodes_[cur_];
    want_ = n.chosen;
    PAPAYA_ASSERT(has(list_, want_), "dpor: a backtrack point's process is not ready");
    PAPAYA_ASSERT(fits_now(want_), "dpor: a backtrack point exceeds the preemption bound");
    note_decision(n);
    answers_.push_back(static_cast<std::uint32_t>(want_));
    ++answer_;
    took(want_);
    return;
  }
  check_disabled(ready);
  if (!cont_) open_node(ready);
  Node& n = nodes_[cur_];
  // A process that only blocked and is ready again at once was woken by its own step (a signal
  // its new mask lets in): it is enabled here after all.
  std::erase_if(n.disabled, [&](Pid p) { return has(list_, p); });
  want_ = 0;
  bool over = false;  // a process was passed over only for the bound
  for (Pid p : list_) {
    if (has(n.disabled, p) || asleep(n, p)) continue;
    // A branch node whose chosen process only blocked: only its backtrack set is owed.
    if (!n.fresh && !has(n.backtrack, p)) continue;
    if (explored(n, p)) continue;
    if (!fits_now(p)) {
      over = true;
      continue;
    }
    want_ = p;
    break;
  }
  if (want_ == 0) {
    if (over) refused(n);
    abandon_ = true;  // every ready process sleeps (or, bounded, would exceed the bound)
    return;
  }
  n.chosen = want_;
  note_decision(n);
  if (!has(n.backtrack, want_)) n.backtrack.push_back(want_);
  answers_.push_back(static_cast<std::uint32_t>(want_));
  ++answer_;
  took(want_);
}

// BPOR's conservative backtrack point for a reversal at node `at`: the last node before it where a
// context switch happened (picking another process there costs no preemption more than the switch
// that was made). The first initial that can run there within the bound, else every process that
// can. With lazy_conservative (Coons's thesis, BOUND_OPT; off: it loses traces here), the point is
// owed only once the bound has refused a pick in that node's subtree (next_backtrack).
void DporStrategy::add_conservative(std::size_t at, const std::vector<Pid>& initials) {
  std::size_t m = at;
  bool found = false;
  while (m > 0 && !found) {
    --m;
    found = nodes_[m].schedule && nodes_[m].switched;
  }
  if (!found) return;
  Node& c = nodes_[m];
  std::vector<Pid>& to = bpor_.lazy_conservative ? c.pending : c.backtrack;
  auto owe = [&](Pid p) {
    if (p != c.chosen && !explored(c, p) && !has(c.backtrack, p) && !has(to, p)) to.push_back(p);
  };
  for (Pid p : initials)
    if (has(c.ready, p) && !has(c.disabled, p) && fits(c, p)) {
      owe(p);
      return;
    }
  for (Pid p : c.ready)
    if (!has(c.disabled, p) && fits(c, p)) owe(p);
}

// Source-DPOR's race reversal: for the race i < j, the initials of notdep(i).j are the processes
// whose first step in that sequence has no predecessor in it; one of them must be explored from
// the state before i.
void DporStrategy::add_backtrack(std::size_t i, std::size_t j) {
  const EventLog& log = rec_.log();
  const Event& ei = log.event(i);
  if (ei.node < 0) return;
  const auto at = static_cast<std::size_t>(ei.node);
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
  if (bound_ >= 0 && bpor_.conservative) add_conservative(at, initials);
  Node& n = nodes_[at];
  if (n.ready.size() < 2) return;
  auto covered = [&](Pid p) { return p == n.chosen || has(n.backtrack, p) || explored(n, p); };
  // The race's second step is a Go program's (unbounded): its footprint where it will run may
  // differ from this one (a receive that found a value parks instead), and the new order it
  // brings is found only by running it there. One initial covered elsewhere is then no proof
  // that this sequence is (the covering subtree may count on this one for that order: docs/
  // explore.md, "Source-DPOR misses traces of go-readers:1 on three Ps"); an initial neither
  // explored nor asleep is added, else every process that can run there.
  const bool uncertain = bound_ < 0 && go_program_of(log.event(j).effect) != 0;
  if (!uncertain) {
    for (Pid p : initials)
      if (covered(p)) return;
  } else if (std::all_of(initials.begin(), initials.end(), covered)) {
    return;
  }
  bool runnable = false;
  for (Pid p : initials)
    if (has(n.ready, p) && !has(n.disabled, p)) {
      runnable = true;
      if (uncertain && (covered(p) || asleep(n, p))) continue;
      if (!fits(n, p)) continue;
      n.backtrack.push_back(p);
      return;
    }
  // Every runnable initial is covered or asleep, yet not every initial is covered: no initial
  // can be trusted to lead to this sequence, so every process that can run there is explored
  // there (full expansion, always sound).
  if (uncertain) {
    if (!runnable) return;
    for (Pid p : n.ready)
      if (!has(n.disabled, p) && !covered(p) && !asleep(n, p)) n.backtrack.push_back(p);
    return;
  }
  // No initial can run there (each was disabled): the race cannot be reversed at that state.
  // One can, but only past the bound: every process that can run there within it (BPOR's
  // fallback, as for a persistent set).
  if (!runnable) return;
  refused(n);
  for (Pid p : n.ready)
    if (!has(n.disabled, p) && fits(n, p) && !has(n.backtrack, p)) n.backtrack.push_back(p);
}

// The next backtrack point to explore at n, 0 when none is left. The conservative points owed
// (add_conservative) join the backtrack set once the bound has cut something in n's subtree, which
// looking for a point that fits may itself reveal.
Pid DporStrategy::next_backtrack(Node& n) {
  for (int round = 0; round < 2; ++round) {
    if (n.cut) {
      for (Pid p : n.pending)
        if (!has(n.backtrack, p)) n.backtrack.push_back(p);
      n.pending.clear();
    }
    for (Pid p : n.backtrack) {
      if (has(n.disabled, p) || asleep(n, p) || explored(n, p)) continue;
      if (fits(n, p)) return p;
      refused(n);
    }
    if (!n.cut || n.pending.empty()) break;
  }
  return 0;
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
  while (nodes_.size() > node_) drop_last_node();
  while (!nodes_.empty()) {
    if (!nodes_.back().schedule) {
      // A spent decision is dropped here rather than by next_option, to pass its cut on.
      if (nodes_.back().choice + 1 >= nodes_.back().n) {
        drop_last_node();
        continue;
      }
      if (next_option()) return true;
      continue;
    }
    Node& n = nodes_.back();
    finish_branch(n);
    n.chosen = 0;
    Node::clear_effect(n.chosen_effect);
    const Pid next = next_backtrack(n);
    if (next != 0) {
      n.chosen = next;
      n.fresh = false;
      // Bounded: replay the node's steps that only blocked too (invisible, so the trace is the
      // same), and pick where the process that ran last cannot go on.
      const std::size_t at = bound_ >= 0 ? n.last_answer : n.first_answer;
      answers_.resize(at);
      replay_ = at;
      branch_ = true;
      keep_ = n.first_event;
      return true;
    }
    drop_last_node();
  }
  return false;
}

}  // namespace papaya::sim
