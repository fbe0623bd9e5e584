#include "sim/optimal_dpor_strategy.hpp"

#include <algorithm>

#include "model/check.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

namespace {
bool has(std::span<const Pid> v, Pid p) { return dpor_has(v, p); }

// dependent(), where a step whose effect is not known (Wakeup::unknown) depends on every step of
// its Go program.
bool depends(const Effect& a, bool a_unknown, const Effect& b, bool b_unknown) {
  if (dependent(a, b)) return true;
  if (!a_unknown && !b_unknown) return false;
  const Pid pa = go_program_of(a);
  return pa != 0 && pa == go_program_of(b);
}
}  // namespace

bool OptimalDporStrategy::sleeping(const Node& n, Pid p) {
  auto is = [&](const DporSlept& s) { return s.pid == p; };
  return std::any_of(n.sleep.begin(), n.sleep.end(), is) ||
         std::any_of(n.done.begin(), n.done.end(), is);
}

// Its step never ran: conservatively dependent on everything.
void OptimalDporStrategy::reverse_disabled(Node& n, Pid q) { (void)reverse_disabled_added(n, q); }

bool OptimalDporStrategy::reverse_disabled_added(Node& n, Pid q) {
  static const Effect unknown{.pid = 0, .global = true, .access = {}};
  if (sleeping(n, q)) return false;
  Effect e = unknown;
  e.pid = q;
  return insert(n.wut, {Step{q, pool_.intern(e)}});
}

// A wakeup-tree branch whose process cannot take its step here is dropped. Asleep (explored here
// already, or asleep since an ancestor and independent of every step since): its traces are
// explored elsewhere, as sleep sets promise (the paper removes a process's sequences once it is
// explored, line 21); such a branch comes from a conservative insertion (Wakeup::unknown).
// Not ready, or only blocking: the inserted sequence cannot run as it was, and its traces may be
// lost (counted: the verdict is then no proof).
void OptimalDporStrategy::count_dropped(const Node& n, Pid p, bool ready) {
  if (ready && !has(n.disabled, p) && sleeping(n, p))
    ++asleep_;
  else
    ++divergences_;
}

bool OptimalDporStrategy::begin_execution() {
  reset_execution();
  guide_.clear();
  return true;
}

// A new schedule node after the last visible step: asleep are the previous node's sleepers and
// explored siblings the step just taken is independent of (Algorithm 2, line 17); its wakeup tree
// is the subtree the step led into (line 18).
void OptimalDporStrategy::open_node(std::span<const Pid> ready) {
  Node& n = push_node();
  n.first_answer = answers_.size();
  n.ready.assign(ready.begin(), ready.end());
  inherit_sleep(n);
  n.wut = std::move(guide_);
  guide_.clear();
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
    count_dropped(n, c.pid, has(list_, c.pid));
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
  list_ = ready;
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
  check_disabled(ready);
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

// q is a weak initial of v (the paper's WI): q's first step in v has no predecessor in v, or q
// has no step in v and its next step `qe` is independent of all of v.
bool OptimalDporStrategy::weak_initial(Pid q, const Effect* qe, bool q_unknown,
                                       const std::vector<Step>& v) {
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (v[k].pid != q) continue;
    for (std::size_t j = 0; j < k; ++j)
      if (depends(*v[j].effect, v[j].unknown, *v[k].effect, v[k].unknown)) return false;
    return true;
  }
  if (qe == nullptr) return false;
  return std::none_of(v.begin(), v.end(),
                      [&](const Step& s) { return depends(*qe, q_unknown, *s.effect, s.unknown); });
}

// insert[E](v, wut): descend through the first child whose process is a weak initial of what is
// left of v (taking that process's step off v); reaching a leaf means an equivalent sequence is
// already to be explored; else the rest of v becomes the rightmost branch where the descent ended.
bool OptimalDporStrategy::insert(std::vector<Wakeup>& root, std::vector<Step> v) {
  std::vector<Wakeup>* level = &root;
  for (bool top = true;; top = false) {
    if (!top && level->empty()) return false;
    Wakeup* next = nullptr;
    for (Wakeup& c : *level)
      if (weak_initial(c.pid, c.effect, c.unknown, v)) {
        next = &c;
        break;
      }
    if (next == nullptr) break;
    auto it = std::find_if(v.begin(), v.end(), [&](const Step& s) { return s.pid == next->pid; });
    if (it != v.end()) v.erase(it);
    level = &next->kids;
  }
  for (const Step& s : v) {
    level->push_back(Wakeup{s.pid, pool_.intern(*s.effect), {}, s.unknown});
    level = &level->back().kids;
  }
  ++insertions_;
  return true;
}

// Whether notdep(i).j cannot run from i's state because j's actor was not ready there and only
// i can have made it ready. Any actor turns ready only through a step that depends on its next
// one (the commutation check's wakeup rule, explore/commute.hpp, and the swap checker's,
// explore/tests/go_footprint_check.hpp), so such a step happens before j: if no step of notdep(i)
// does, only i (or a step after it) can have. Within a Go program more is known: two of the
// program's steps that can each make one actor ready write the object its readiness is kept in
// (its P's status, the syscall queue, the run queues), so if j's actor turned ready right after
// i, i did it (the node of event i + 1 records the ready actors right after i: no visible step
// lies between, and a step that only blocked changes nothing another actor can see). Not so
// between processes: either of two children's exits, independent steps, lets their parent's
// waitpid(-1) return (the PathPids tests fail with that rule for processes).
bool OptimalDporStrategy::enabled_by(std::size_t i, std::size_t j) const {
  const EventLog& log = rec_.log();
  if (i + 1 >= log.size()) return false;
  const std::int32_t at = log.event(i).node, next = log.event(i + 1).node;
  if (at < 0 || next < 0) return false;
  const Effect& ej = log.event(j).effect;
  const Node& n = nodes_[static_cast<std::size_t>(at)];
  if (has(n.ready, ej.pid) && !has(n.disabled, ej.pid)) return false;  // ready at i already
  const Pid program = go_program_of(ej);
  if (program != 0 && go_program_of(log.event(i).effect) == program)
    return has(nodes_[static_cast<std::size_t>(next)].ready, ej.pid);
  // Any actor: what made it ready depends on its step, so happens before it; if no step of
  // notdep(i) does, only i (or a step after i) can have.
  for (std::size_t k = i + 1; k < j; ++k)
    if (!log.before(i, k) && log.before(k, j)) return false;
  return true;
}

// The race i < j: v = notdep(i).j, the steps after i that do not happen after it, then j.
bool OptimalDporStrategy::analyse(std::size_t i, std::size_t j) {
  const EventLog& log = rec_.log();
  const Event& ei = log.event(i);
  if (ei.node < 0) return false;
  Node& n = nodes_[static_cast<std::size_t>(ei.node)];
  if (n.ready.size() < 2) return false;  // nothing else could run there
  if (enabled_by(i, j)) return false;    // j's actor could not step before i
  std::vector<Step> v;
  for (std::size_t k = i + 1; k < j; ++k)
    if (!log.before(i, k)) v.push_back({log.event(k).effect.pid, &log.event(k).effect});
  // The steps of notdep(i) have the effects they had here (each one's predecessors are the same,
  // and the steps it no longer follows are independent of it); j follows them instead of i, and
  // a Go program's step may then touch other objects.
  const Effect& ej = log.event(j).effect;
  v.push_back({ej.pid, &ej, go_program_of(ej) != 0});
  // A race whose reversal cannot start there: i enabled j (an entersyscall and its kernel call, a
  // wakep and the P it started, a call's last step and its exitsyscall) and v is j alone. Every
  // other v starts with a step independent of i, so ready before it. Inserted, such a branch is
  // dropped when its turn comes, and with it the subtree that later insertions descend into.
  if (!has(n.ready, v.front().pid) || has(n.disabled, v.front().pid)) return false;
  for (const DporSlept& s : n.done)
    if (weak_initial(s.pid, s.effect, false, v)) return false;  // explored here already
  for (const DporSlept& s : n.sleep)
    if (weak_initial(s.pid, s.effect, false, v)) {
      if (!v.back().unknown) return false;  // explored at an ancestor
      // The sequence's last step is a Go program's, whose footprint where it will run is not
      // known, and a process asleep since an ancestor covers its start: that ancestor's subtree
      // may count on this state for the order the new footprint brings (the circle source-DPOR
      // fell into: docs/explore.md). Every process that can run here is explored here.
      bool added = false;
      for (Pid p : n.ready)
        if (!has(n.disabled, p) && !sleeping(n, p)) added = reverse_disabled_added(n, p) || added;
      return added;
    }
  return insert(n.wut, std::move(v));
}

namespace {

void count_wakeups(const std::vector<Wakeup>& level, DporFootprint& f) {
  f.bytes += level.capacity() * sizeof(Wakeup);
  for (const Wakeup& w : level) {
    ++f.wakeups;
    count_wakeups(w.kids, f);
  }
}

void count_slept(const std::vector<DporSlept>& v, DporFootprint& f) {
  f.bytes += v.capacity() * sizeof(DporSlept);
  f.slept += v.size();
}

}  // namespace

DporFootprint OptimalDporStrategy::footprint() const {
  DporFootprint f;
  f.nodes = nodes_.size();
  f.bytes = nodes_.capacity() * sizeof(Node) + answers_.capacity() * sizeof(std::uint32_t);
  for (const Node& n : nodes_) {
    f.bytes += (n.ready.capacity() + n.disabled.capacity()) * sizeof(Pid);
    count_slept(n.done, f);
    count_slept(n.sleep, f);
    f.bytes += n.chosen_effect.access.capacity() * sizeof(Access);
    count_wakeups(n.wut, f);
    count_wakeups(n.chosen_kids, f);
  }
  count_wakeups(guide_, f);
  // The dropped nodes kept for reuse (DporNodeStack): empty, their storage counted (the stack's
  // capacity, above, counts their own size).
  for (const Node& n : nodes_.spare())
    f.bytes += (n.ready.capacity() + n.disabled.capacity()) * sizeof(Pid) +
               (n.done.capacity() + n.sleep.capacity()) * sizeof(DporSlept) +
               n.chosen_effect.access.capacity() * sizeof(Access) +
               (n.wut.capacity() + n.chosen_kids.capacity()) * sizeof(Wakeup);
  f.effects = pool_.size();
  f.accesses = pool_.accesses();
  f.bytes += pool_.bytes();
  return f;
}

bool OptimalDporStrategy::next_execution() {
  if (first_) {
    first_ = false;
    return true;
  }
  check_disabled({});
  races_ += rec_.races().size();
  // Races wholly inside the replayed prefix were analysed with the execution that first ran it.
  if (census_) census_->begin(rec_.log());
  for (auto [i, j] : rec_.races())
    if (j >= first_new_) {
      const bool reversed = analyse(i, j);
      if (census_) census_->add(rec_.log(), i, j, reversed);
    }
  while (nodes_.size() > node_) pop_node();
  while (!nodes_.empty()) {
    if (!nodes_.back().schedule) {
      if (next_option()) return true;
      continue;
    }
    Node& n = nodes_.back();
    // The branch just explored goes to sleep here (line 20).
    if (n.chosen != 0 && n.chosen_effect.pid == n.chosen && !sleeping(n, n.chosen))
      n.done.push_back({n.chosen, pool_.intern(n.chosen_effect)});
    n.chosen = 0;
    Node::clear_effect(n.chosen_effect);
    while (!n.wut.empty()) {
      Wakeup& c = n.wut.front();
      if (has(n.ready, c.pid) && !sleeping(n, c.pid)) {
        n.chosen = c.pid;
        n.chosen_kids = std::move(c.kids);
        n.wut.erase(n.wut.begin());
        branch_at(n);
        return true;
      }
      count_dropped(n, c.pid, has(n.ready, c.pid));
      n.wut.erase(n.wut.begin());
    }
    pop_node();
  }
  return false;
}

}  // namespace papaya::sim
