// Optimal DPOR with wakeup trees (Abdulla, Aronis, Jonsson, Sagonas, "Source Sets: A Foundation
// for Optimal Dynamic Partial Order Reduction", JACM 64(4), 2017, Algorithm 2). After each
// execution, every race e < e' (dependent, different processes, nothing between ordering them)
// whose e' the new part of the run reached gives the sequence v = notdep(e).e'; unless a process
// asleep before e is a weak initial of v, v is inserted into the wakeup tree of the state before
// e. An exploration follows its node's wakeup tree (leftmost first) and chooses freely only at its
// leaves, so no execution is sleep-set blocked and each Mazurkiewicz trace is explored once.
//
// Two departures of the simulator's steps from the paper's model are handled where races are
// reversed (docs/explore.md, "Optimal DPOR and footprints that depend on the state"):
// - a Go program's step has a footprint that depends on the runtime's state (a channel receive
//   that finds a value touches its channel alone, one that parks also the scheduler), so the
//   reversed race's last step, which the paper writes as its process alone (v =
//   notdep(e).proc(e')), may touch other objects once it runs before e: in the wakeup tree it is
//   taken as dependent on every step of its program (Wakeup::unknown); and when only a process
//   asleep since an ancestor covers such a v, that ancestor's subtree may count on this state for
//   the order the new footprint brings, so every process that can run here is explored here;
// - an actor that e made ready (an entersyscall and the call it hands to a kernel thread, an
//   exitsyscall and the P it takes back) cannot step before e: such a race is not reversed
//   (enabled_by). Branches dropped because their process sleeps are counted apart
//   (`wakeup_asleep`: covered, as sleep sets promise).
//
// Where the simulator departs from the paper's model, the strategy counts it instead of failing:
// a wakeup-tree step whose process is not ready or only blocks there (blocking operations are
// outside Algorithm 2; Nidhugg has the same gap for awaits) drops that branch
// (`wakeup_divergences`), and a state where every ready process sleeps is abandoned (`abandon`,
// counted by the explorer; 0 wherever the paper's model holds). Non-scheduling decisions are
// branched with every (bounded) option, as in sim/dpor_strategy.hpp.
#pragma once

#include <vector>

#include "sim/dpor_base.hpp"
#include "sim/dpor_snapshot.hpp"
#include "sim/race_census.hpp"

namespace papaya::sim {

// A wakeup tree's node: a step (process and the effect it had where the race was found, the
// strategy's EffectPool's copy). `unknown`: the last step of a reversed race, whose effect where
// it will run is not known (a Go program's footprint depends on what the race's first step
// changed): dependent on every step of its Go program.
struct Wakeup {
  Pid pid = 0;
  const Effect* effect = nullptr;
  std::vector<Wakeup> kids;
  bool unknown = false;
};

// What the exploration keeps between executions, counted (OptimalDporStrategy::footprint): the
// decision nodes of the current execution's path, their sleep sets and explored branches, and the
// wakeup trees still to explore; `bytes` sums the vectors' capacities.
struct DporFootprint {
  std::uint64_t nodes = 0;     // decision nodes on the path
  std::uint64_t slept = 0;     // sleep-set and explored entries (DporSlept)
  std::uint64_t wakeups = 0;   // wakeup-tree nodes
  std::uint64_t accesses = 0;  // Access records of the distinct effects kept (the pool)
  std::uint64_t effects = 0;   // distinct effects kept (EffectPool)
  std::uint64_t bytes = 0;
};

struct OptimalDporNode : DporNode {
  std::vector<Wakeup> wut;          // still to explore from here
  std::vector<Wakeup> chosen_kids;  // the wakeup subtree the chosen step leads into

  void reset() {  // (DporNode::reset) every field above too
    DporNode::reset();
    wut.clear();
    chosen_kids.clear();
  }
};
// A new field must be reset in reset() (a reused node would keep it): this size says one came.
static_assert(sizeof(OptimalDporNode) == 208 || sizeof(void*) != 8,
              "reset() every field of OptimalDporNode");

class OptimalDporStrategy final : public DporBase<OptimalDporNode> {
 public:
  explicit OptimalDporStrategy(std::uint32_t data_options = 0xffffffffu) : DporBase(data_options) {}
  std::string_view name() const override { return "optimal"; }
  bool next_execution();
  bool begin_execution() override;
  void ready(const model::Kernel&, std::span<const Pid> ready) override;

  std::uint64_t wakeup_divergences() const { return divergences_; }
  // Branches dropped because their process was asleep where they start (covered elsewhere).
  std::uint64_t wakeup_asleep() const { return asleep_; }
  std::uint64_t insertions() const { return insertions_; }
  // Count every race found, and whether it was reversed, into `c` (null: none; the default).
  void set_census(RaceCensus* c) { census_ = c; }
  // What the exploration keeps now (a walk over every node: for an exploration's end).
  DporFootprint footprint() const;
  // Between executions (next_execution just returned true): everything the search goes on from.
  DporSnapshot snapshot() const;
  // Into a strategy that has run nothing: the next execution is the one the snapshot's strategy
  // was about to run. REQUIRES: a snapshot of a strategy with the same data options.
  void restore(const DporSnapshot& s);

 private:
  using Node = OptimalDporNode;
  struct Step {
    Pid pid;
    const Effect* effect;
    bool unknown = false;  // (Wakeup::unknown)
  };
  // Whether the race added a wakeup-tree branch.
  bool analyse(std::size_t i, std::size_t j);
  // Whether event i made event j's actor ready (it was not ready at i's decision, and was at the
  // next one).
  bool enabled_by(std::size_t i, std::size_t j) const;
  static bool weak_initial(Pid q, const Effect* qe, bool q_unknown, const std::vector<Step>& v);
  bool insert(std::vector<Wakeup>& root, std::vector<Step> v);
  static bool sleeping(const Node& n, Pid p);
  void open_node(std::span<const Pid> ready);
  bool pick(Node& n);
  void branched() override { first_new_ = rec_.log().size(); }
  void reverse_disabled(Node& n, Pid q) override;
  // The same; whether a branch was added.
  bool reverse_disabled_added(Node& n, Pid q);
  void count_dropped(const Node& n, Pid p, bool ready);
  // The wakeup subtree it led into cannot be followed.
  void only_blocked() override {
    if (!guide_.empty()) ++divergences_;
    guide_.clear();
  }

  std::vector<Wakeup> guide_;  // the wakeup subtree the next fresh node starts with
  std::size_t first_new_ = 0;  // events before this index were in the previous execution too
  std::uint64_t divergences_ = 0;
  std::uint64_t asleep_ = 0;
  std::uint64_t insertions_ = 0;
  RaceCensus* census_ = nullptr;
};

}  // namespace papaya::sim
