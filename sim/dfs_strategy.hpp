// DFS strategy: every execution, by depth-first search over the tree of decisions (which process
// steps, and every non-scheduling decision: segments, arrivals, faults, signal races). The
// reference the reductions are checked against. With a preemption bound K (CHESS, Musuvathi and
// Qadeer, PLDI 2007): at most K schedule decisions per execution may switch away from the process
// that ran last while it can still run (option 0 of a schedule decision is that process). For a
// Go program the processes are its actors (threads: an M on a P, an M leaving a syscall, the
// poller, a kernel thread); with --go-preempt, sysmon preempting a running goroutine (a
// go_preempt decision answered 1) counts as a preemption too, and is offered while the bound
// allows one, whatever the data options.
//
// With a delay bound K instead (BoundKind::delay; Emmi, Qadeer and Rakamaric, "Delay-bounded
// scheduling", POPL 2011): a deterministic round-robin scheduler runs the process that ran last
// while it can, else the next ready one in cyclic order of ids; a delay skips one ready process
// in that order, and an execution may spend at most K. Bound 0 is one execution; bound K grows
// polynomially with the run's length where preemption bounding's bound 0 already holds every
// order of the processes at every block. Every schedule with d delays has at most d preemptions,
// so this explores a subset of --bound K's schedules (docs/explore.md, Strategies, "dfs
// `--delay-bound K`").
//
// One execution per Simulation: the explorer calls next_execution() before each run; the tree is
// kept across runs and the prefix to the deepest unexplored branch is replayed.
//
// Stateful (a state cache, sim/state_cache.hpp; docs/explore.md "Stateful dfs"): at each schedule
// decision past the replayed prefix the strategy computes the state's key; a state met before
// whose subtree is explored ends the run at once (`abandon`, counted as cut by the explorer). Sound
// because depth-first order finishes a state's subtree before it leaves it, and no run meets one
// state twice (a state met again on the current path is not cut). Goroutine programs too: the key
// then holds each Go runtime and the goroutines' resumptions (sim/state_cache.hpp).
// Under a preemption bound the future of a decision depends on three things: the state, the
// process that may go on for free (the one that ran last, when it can run: switching away from it
// is the preemption), and the preemptions left. The table is keyed by the first two
// (with_running) and keeps the most preemptions left with which the subtree was explored; a run is
// cut only with at most that many left (its continuations are a subset of the explored ones),
// otherwise the state is explored again and the entry takes the larger budget. The table is kept
// from one bound's pass to the next (restart): an entry of an earlier pass covers every
// continuation with at most its budget, whatever the pass.
#pragma once

#include <memory>
#include <vector>

#include "sim/dpor_snapshot.hpp"
#include "sim/prng.hpp"
#include "sim/state_cache.hpp"
#include "sim/step_recorder.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

// What a bounded stateful search compares before it cuts a run. `running` and `budget` on is the
// sound rule; the tests turn each off to show what it loses
// (explore/tests/bounded_state_cache_test.cpp).
struct DfsCacheRule {
  bool running = true;  // key the decision with the process that may go on for free
  bool budget = true;   // cut only with at most the stored subtree's preemptions left
  // Also cut a decision whose last process can go on for free at the state's entry where no
  // process could (every first choice free there: its continuations include these); a
  // reduction, sound either way.
  bool free_covers = true;
  // Goroutine programs: key each Go program's run queues (part 1) and its goroutines'
  // resumptions (part 2; sim/state_cache.hpp). All three on is the sound key; the tests turn each
  // off (a comparison with plain dfs catches the key without the resumptions and the one without
  // the received bytes: explore/tests/go_state_cache_test.cpp).
  bool go_run_queues = true;
  bool go_resumes = true;
  // ... and the bytes a goroutine's finished kernel call received into its buffer, before the
  // goroutine resumes (a call on another kernel thread is in no other part of the key).
  bool go_received = true;
};

// What --bound counts: a switch away from a process that could go on (CHESS), or a step away from
// the round-robin scheduler's pick (delay bounding).
enum class BoundKind : std::uint8_t { preemption, delay };

class DfsStrategy final : public Strategy {
 public:
  // `data_options`: how many options of each non-scheduling decision are explored (the first
  // ones; option 0 is the kernel's default: a send whole, every segment arrived).
  explicit DfsStrategy(int bound = -1, std::uint32_t data_options = 0xffffffffu,
                       BoundKind kind = BoundKind::preemption)
      : bound_(bound), data_(data_options), kind_(kind) {}
  using CacheRule = DfsCacheRule;
  // Turns state caching on, with at most `max_states` states stored and runs of at most
  // `max_steps` steps (a cut run whose explored continuation could pass it is reported).
  // `keep_order`: the key keeps the order of the steps the checkers can see (StateKeys).
  // Preemption bounds only: under a delay bound a decision's future also depends on where the
  // round robin stands (the process that ran last, ready or not), which the table does not key.
  void cache_states(std::size_t max_states, std::uint64_t max_steps, bool keep_order = true,
                    CacheRule rule = {});
  std::string_view name() const override { return "dfs"; }
  // Moves to the next unexplored branch; false when the tree is exhausted.
  bool next_execution();
  // Instead of the search, random walks down the same tree (the same bound, the same data
  // options), seeded (sim/dfs_walk.cpp): each run takes one branch at every decision, and
  // walk_weight() is 1 / the probability of its path, whose mean over walks estimates the tree's
  // leaves (Knuth's estimator). Uniform until walk_shape() gives the runs' shape (schedule
  // decisions per run, options per decision, from earlier walks): then, under a bound, a branch
  // is taken in proportion to the schedules its remaining budget leaves room for.
  void walk(std::uint64_t seed);
  void walk_shape(double decisions, double options) {
    shape_decisions_ = decisions;
    shape_options_ = options;
  }
  long double walk_weight() const { return weight_; }
  // The last walk's schedule decisions where the bound could be spent (any, under a delay bound;
  // those where the process that ran last may go on, under a preemption bound), and their
  // branches in all: the shape walk_shape() takes.
  std::uint64_t walk_decisions() const { return walk_decisions_; }
  std::uint64_t walk_options() const { return walk_options_; }
  // Iterative bounding: a new tree under preemption bound `bound` (>= 0), the visited states kept.
  void restart(int bound);
  // Between executions (next_execution just returned true), without the state cache or walks:
  // what the search goes on from; restored into a strategy that has run nothing, with the same
  // data options and bound kind, the next execution is the one the saved strategy was about to
  // run (papaya explore --checkpoint, docs/explore.md "Checkpoints").
  DfsSnapshot snapshot() const;
  void restore(const DfsSnapshot& s);
  bool begin_execution() override;
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t step) override;
  bool observes() const override { return true; }
  void ready(const model::Kernel&, std::span<const Pid> ready) override;
  void stepping(const model::Kernel& k, Pid pid) override;
  void observed(Pid pid, model::OpKind kind, const model::OpArgs& args, const model::Outcome& out,
                std::span<const char> received) override;
  void step_effect(const Effect& e) override;
  void time_moved() override { rec_.time_moved(); }
  void eof_joins_drop(bool on) { rec_.eof_joins_drop(on); }
  void fill_joins_read(bool on) { rec_.fill_joins_read(on); }
  bool attach(const RunView* v) override {
    keys_.view(v);
    return visited_ != nullptr;
  }
  void go_resumed(Pid pid, const model::StateDigest& observed) override;
  void stepped(Pid pid, model::StepStatus status) override;
  bool abandon() const override { return cut_; }

  // The finished execution's preemptions (under a delay bound: its delays) and its Mazurkiewicz
  // trace (EventLog::trace_hash).
  int preemptions() const { return preemptions_; }
  std::uint64_t trace_hash() const { return rec_.log().trace_hash(); }
  const EventLog& log() const { return rec_.log(); }
  // Whether some branch was cut by the preemption bound, in this pass. Stateful: also set by every
  // run cut at a visited state under a bound (the bound may have refused branches below it).
  bool bounded() const { return bounded_; }
  // Stateful under a bound: visited states met again with more preemptions left than their
  // subtree was explored with, and so explored again.
  std::uint64_t reexplored() const { return reexplored_; }
  // Stateful: the states stored, whether the table filled up, and whether some run cut at a
  // visited state might have passed the step bound had it gone on (its steps so far plus the
  // longest explored continuation): then the exploration is not a proof within that bound.
  std::size_t states() const { return visited_ ? visited_->size() : 0; }
  bool states_full() const { return visited_ && visited_->full(); }
  bool cut_may_pass_step_bound() const { return cut_long_; }
  // Stateful: the key of the state the last run ended in, taken as it ended (run_ending: a
  // deadlocked process's pending call still points at its live stack then). Tests compare the
  // final states dfs and stateful dfs reach.
  model::StateDigest current_key() const { return final_key_; }
  void run_ending(const model::Kernel& k) override {
    if (visited_) final_key_ = keys_.key(k);
  }

 private:
  struct Node {
    std::uint32_t n;
    std::uint32_t limit;
    std::uint32_t chosen;
    // stateful, a schedule node: its state's key and table entry (null: not stored)
    model::StateDigest key{};
    Visited* entry = nullptr;
  };
  void met_state(const model::Kernel& k);
  bool on_path(const Visited* v) const;
  void cut_at(Visited* v);
  void remember(const model::StateDigest& key, Visited* entry);
  void end_of_run();
  void round_robin(std::span<const Pid> ready);
  std::uint32_t limit_of(std::uint32_t n, model::DecisionKind kind);
  std::uint32_t take(std::uint32_t chosen, std::uint32_t n, model::DecisionKind kind);
  std::uint32_t walk_choice(std::uint32_t limit, std::uint32_t n, model::DecisionKind kind);
  int walk_cost(std::uint32_t chosen) const;
  int bound_;
  std::uint32_t data_;
  BoundKind kind_;
  // Under a delay bound, the options of the coming schedule decision in the round robin's order:
  // the process that ran last if it is ready, then the others by id from there, cyclically.
  std::vector<std::uint32_t> rr_order_;
  std::unique_ptr<Prng> walk_;  // random walks instead of the search (walk())
  long double weight_ = 1;
  double shape_decisions_ = 0;  // walk_shape(): 0 until given
  double shape_options_ = 0;
  std::uint64_t walk_decisions_ = 0;
  std::uint64_t walk_options_ = 0;
  std::vector<Node> stack_;
  std::size_t depth_ = 0;
  bool first_ = true;
  bool last_ready_ = false;  // the process that ran last is ready: option 0
  Pid last_ = 0;
  int preemptions_ = 0;
  bool bounded_ = false;
  StepRecorder rec_;
  // stateful
  std::unique_ptr<VisitedStates> visited_;
  StateKeys keys_;
  CacheRule rule_;
  std::uint64_t reexplored_ = 0;
  std::uint64_t max_steps_ = 0;
  bool cut_ = false;
  bool cut_long_ = false;
  std::uint64_t cut_at_steps_ = 0;
  const Visited* cut_entry_ = nullptr;
  bool pending_new_ = false;  // met_state stored a state for the node choose() pushes next
  model::StateDigest pending_key_{};
  Visited* pending_entry_ = nullptr;
  model::StateDigest final_key_{};  // stateful: the key of the state the last run ended in
};

}  // namespace papaya::sim
