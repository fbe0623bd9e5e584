// What the two DPOR strategies (sim/dpor_strategy.hpp: source-DPOR with sleep sets;
// sim/optimal_dpor_strategy.hpp: optimal DPOR with wakeup trees) share: the exploration tree's
// decision nodes, the replay of a prefix of answers, the non-scheduling decisions (branched with
// every bounded option), and the recording of each step into the event log. Each strategy adds
// how a schedule node picks its process and how races are turned into new branches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "model/check.hpp"
#include "sim/dpor_snapshot.hpp"
#include "sim/effect_pool.hpp"
#include "sim/step_recorder.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

// The Go program a step belongs to (its pid), 0 for a step of a plain process: a runtime actor or
// another kernel thread of it (go_actor_id), or its first thread, whose steps name the program's
// syscall queue.
inline Pid go_program_of(const Effect& e) {
  if (is_go_actor(e.pid))
    return static_cast<Pid>((static_cast<std::uint32_t>(e.pid) >> 20) & 0x3ffu);
  for (const Access& a : e.access)
    if (a.obj == Obj::go_kq) return static_cast<Pid>(a.id >> 20);
  return 0;
}

inline bool dpor_has(std::span<const Pid> v, Pid p) {
  return std::find(v.begin(), v.end(), p) != v.end();
}

// A process explored (or asleep) at a node, with the effect its step had there (the strategy's
// EffectPool's copy: a sleeper is copied into every node it stays asleep at).
struct DporSlept {
  Pid pid;
  const Effect* effect;
};

// The fields of a decision node both strategies keep. A schedule node picks a process; a
// non-scheduling decision (segments, arrivals, faults, signal races) picks an option.
struct DporNode {
  bool schedule = true;
  // The events of the execution before the node's first decision (in the padding after
  // `schedule`): the next execution branching here keeps them (EventLog::rewind).
  std::uint32_t first_event = 0;
  std::size_t first_answer = 0;
  // a schedule node
  std::vector<Pid> ready;        // at its first decision
  std::vector<Pid> disabled;     // chosen here and only blocked
  std::vector<DporSlept> done;   // explored from here (asleep for the later branches)
  std::vector<DporSlept> sleep;  // asleep on arrival
  Pid chosen = 0;
  Effect chosen_effect;
  // a non-scheduling decision
  std::uint32_t n = 0;
  std::uint32_t choice = 0;

  // Back to a new node's state, the vectors keeping their storage (DporBase reuses the nodes it
  // drops: a step's node then costs no allocation).
  void reset() {
    schedule = true;
    first_event = 0;
    first_answer = 0;
    ready.clear();
    disabled.clear();
    done.clear();
    sleep.clear();
    chosen = 0;
    clear_effect(chosen_effect);
    n = 0;
    choice = 0;
  }
  static void clear_effect(Effect& e) {
    e.pid = 0;
    e.global = false;
    e.access.clear();
  }
};
// A new field must be reset in reset() (a reused node would keep it): this size says one came.
static_assert(sizeof(DporNode) == 160 || sizeof(void*) != 8, "reset() every field of DporNode");

// The decision nodes of the current path: a stack whose dropped nodes stay where they are and
// are reused (reset) by the next push with their vectors' storage: a step's node costs no
// allocation and no move once the tree has been that deep. At most a path's worth is kept.
template <class Node>
class DporNodeStack {
 public:
  Node& push() {
    if (n_ == store_.size())
      store_.emplace_back();
    else
      store_[n_].reset();
    return store_[n_++];
  }
  void pop_back() { --n_; }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  Node& back() { return store_[n_ - 1]; }
  const Node& back() const { return store_[n_ - 1]; }
  Node& operator[](std::size_t i) { return store_[i]; }
  const Node& operator[](std::size_t i) const { return store_[i]; }
  auto begin() const { return store_.begin(); }
  auto end() const { return store_.begin() + static_cast<std::ptrdiff_t>(n_); }
  // The dropped nodes kept for reuse (empty but for their storage).
  std::span<const Node> spare() const { return std::span<const Node>(store_).subspan(n_); }
  std::size_t capacity() const { return store_.capacity(); }

 private:
  std::vector<Node> store_;
  std::size_t n_ = 0;
};

// `Node` derives from DporNode.
template <class Node>
class DporBase : public Strategy {
 public:
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t) override {
    if (kind == model::DecisionKind::schedule) {
      auto it = std::find(list_.begin(), list_.end(), want_);
      PAPAYA_ASSERT(it != list_.end(), "dpor: chose a process that is not ready");
      return static_cast<std::uint32_t>(it - list_.begin());
    }
    std::uint32_t c = 0;
    if (answer_ < replay_) {
      c = answers_[answer_++];
      // A decision of a step that only blocked, replayed because a bounded branch is taken after
      // its node's blocked steps (sim/dpor_strategy.hpp): its node was dropped once spent.
      if (node_ == nodes_.size()) {
        Node& d = push_node();
        d.schedule = false;
        d.first_answer = answer_ - 1;
        d.n = c + 1;
        d.choice = c;
      }
      ++node_;
    } else if (branch_) {
      branch_ = false;
      c = nodes_[node_++].choice;
      branched();
      answers_.push_back(c);
      ++answer_;
    } else {
      Node& d = push_node();
      d.schedule = false;
      d.first_answer = answers_.size();
      d.n = std::min(n, data_);
      ++node_;
      answers_.push_back(0);
      ++answer_;
    }
    PAPAYA_ASSERT(c < n, "dpor: a replayed decision is out of range");
    rec_.decision(c);
    return c;
  }
  bool observes() const override { return true; }
  void stepping(const model::Kernel& k, Pid pid) override {
    PAPAYA_ASSERT(pid == want_, "dpor: another process stepped than the one chosen");
    rec_.stepping(k, pid);
    last_ = pid;
  }
  void step_effect(const Effect& e) override { rec_.step_effect(e); }
  void time_moved() override { rec_.time_moved(); }
  void observed(Pid, model::OpKind, const model::OpArgs&, const model::Outcome& out,
                std::span<const char>) override {
    rec_.observed(out);
  }
  void eof_joins_drop(bool on) { rec_.eof_joins_drop(on); }
  void fill_joins_read(bool on) { rec_.fill_joins_read(on); }
  // A step that only blocked is no event: its process is disabled at this node, which picks
  // again. A visible one records what the node's choice did (on its first run).
  void stepped(Pid pid, model::StepStatus status) override {
    std::int64_t ev = rec_.stepped(status, static_cast<std::int32_t>(cur_), true);
    Node& n = nodes_[cur_];
    if (ev < 0) {
      if (!dpor_has(n.disabled, pid)) n.disabled.push_back(pid);
      cont_ = true;
      only_blocked();
      return;
    }
    cont_ = false;
    if (answer_ > replay_ || n.chosen_effect.pid == 0) n.chosen_effect = rec_.effect();
    last_node_ = static_cast<std::int64_t>(cur_);
  }
  bool abandon() const override { return abandon_; }

  std::uint64_t trace_hash() const { return rec_.log().trace_hash(); }
  const EventLog& log() const { return rec_.log(); }
  std::uint64_t races() const { return races_; }

 protected:
  explicit DporBase(std::uint32_t data_options) : data_(data_options) {}

  // The per-execution state, reset (begin_execution's common part).
  void reset_execution() {
    answer_ = 0;
    node_ = 0;
    cur_ = 0;
    last_node_ = -1;
    cont_ = false;
    abandon_ = false;
    last_ = 0;
    // The events before the branch are those of the last execution (the same prefix of answers
    // replays them): kept, with their clocks and races, not found again.
    rec_.rewind(keep_);
    keep_ = 0;
  }
  // A new schedule node's sleep set: the previous node's sleepers and explored siblings that the
  // step just taken there is independent of.
  void inherit_sleep(Node& n) const {
    if (last_node_ < 0) return;
    const Node& p = nodes_[static_cast<std::size_t>(last_node_)];
    for (const std::vector<DporSlept>* from : {&p.sleep, &p.done})
      for (const DporSlept& s : *from)
        if (s.pid != p.chosen && !dependent(*s.effect, p.chosen_effect)) n.sleep.push_back(s);
  }
  // The path's replay state and race count, into and out of a snapshot (sim/dpor_snapshot.cpp:
  // each strategy adds its nodes and counters). Restored, nothing of the last execution's events
  // is kept: the next one records its replayed prefix afresh (the same answers replay the same
  // steps).
  void save_replay(DporSnapshot& s) const {
    s.data_options = data_;
    s.answers = answers_;
    s.replay = replay_;
    s.branch = branch_;
    s.races = races_;
  }
  void restore_replay(const DporSnapshot& s) {
    answers_ = s.answers;
    replay_ = static_cast<std::size_t>(s.replay);
    branch_ = s.branch;
    keep_ = 0;
    races_ = s.races;
  }
  // The next execution replays the answers up to `n` and takes its new branch there.
  void branch_at(const Node& n) {
    answers_.resize(n.first_answer);
    replay_ = n.first_answer;
    branch_ = true;
    keep_ = n.first_event;
  }
  // Backtracking over the last node when it is a non-scheduling decision: true when it has an
  // option left (the next execution takes it), false when it is spent (dropped).
  bool next_option() {
    Node& n = nodes_.back();
    if (n.choice + 1 < n.n) {
      ++n.choice;
      branch_at(n);
      return true;
    }
    pop_node();
    return false;
  }
  // A new node at the end of the path (a dropped node's storage reused), and the last node
  // dropped (kept in place for reuse).
  Node& push_node() {
    Node& n = nodes_.push();
    n.first_event = static_cast<std::uint32_t>(rec_.log().size());
    return n;
  }
  void pop_node() { nodes_.pop_back(); }
  // Hooks: a non-scheduling branch was just taken; the step just taken only blocked.
  virtual void branched() {}
  virtual void only_blocked() {}
  // A process (Go actor) ready at the last visible step's node that the step left unable to run:
  // a global step (the end of a Go program, or of the run) took it away for good, so its step
  // never comes and no race reverses the pair; the strategy explores it there first.
  virtual void reverse_disabled(Node&, Pid) {}
  // Called on the first fresh decision after a visible step (`now`: the ready processes), and at
  // the end of an execution that was not abandoned (`now` empty).
  void check_disabled(std::span<const Pid> now) {
    if (last_node_ < 0 || cont_ || abandon_ || !rec_.effect().global) return;
    Node& n = nodes_[static_cast<std::size_t>(last_node_)];
    for (Pid q : n.ready)
      if (q != n.chosen && !dpor_has(now, q)) reverse_disabled(n, q);
  }

  std::uint32_t data_;
  DporNodeStack<Node> nodes_;
  std::vector<std::uint32_t> answers_;  // pids for schedule decisions, options for the others
  std::size_t replay_ = 0;              // answers_[0, replay_) are followed
  bool branch_ = false;                 // nodes_[node_] is the branch to take next
  std::size_t keep_ = 0;                // the events the next execution keeps (its branch's)
  std::size_t answer_ = 0;
  std::size_t node_ = 0;
  std::size_t cur_ = 0;          // the schedule node of the current step
  std::int64_t last_node_ = -1;  // the schedule node of the last visible step
  bool cont_ = false;            // the last step only blocked: the same node picks again
  bool abandon_ = false;
  bool first_ = true;
  Pid want_ = 0;
  Pid last_ = 0;  // the process (or Go actor) that took the last step, blocked or not
  // The ready list of the current decision (Strategy::ready's): the executor's, which stays as it
  // is until the step is chosen (choose follows ready in the same turn of its loop), not a copy.
  std::span<const Pid> list_;
  std::uint64_t races_ = 0;
  StepRecorder rec_;
  EffectPool pool_;  // every effect kept between executions (DporSlept, wakeup trees)
};

}  // namespace papaya::sim
