// Optimal DPOR with wakeup trees (Abdulla, Aronis, Jonsson, Sagonas, "Source Sets: A Foundation
// for Optimal Dynamic Partial Order Reduction", JACM 64(4), 2017, Algorithm 2). After each
// execution, every race e < e' (dependent, different processes, nothing between ordering them)
// whose e' the new part of the run reached gives the sequence v = notdep(e).e'; unless a process
// asleep before e is a weak initial of v, v is inserted into the wakeup tree of the state before
// e. An exploration follows its node's wakeup tree (leftmost first) and chooses freely only at its
// leaves, so no execution is sleep-set blocked and each Mazurkiewicz trace is explored once.
//
// Where the simulator departs from the paper's model, the strategy counts it instead of failing:
// a wakeup-tree step whose process is not ready or only blocks there (blocking operations are
// outside Algorithm 2; Nidhugg has the same gap for awaits) drops that branch
// (`wakeup_divergences`), and a state where every ready process sleeps is abandoned (`abandon`,
// counted by the explorer; 0 wherever the paper's model holds). Non-scheduling decisions are
// branched with every (bounded) option, as in sim/dpor_strategy.hpp.
#pragma once

#include <vector>

#include "sim/step_recorder.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

class OptimalDporStrategy final : public Strategy {
 public:
  explicit OptimalDporStrategy(std::uint32_t data_options = 0xffffffffu) : data_(data_options) {}
  std::string_view name() const override { return "optimal"; }
  bool next_execution();
  bool begin_execution() override;
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t step) override;
  bool observes() const override { return true; }
  void ready(const model::Kernel&, std::span<const Pid> ready) override;
  void stepping(const model::Kernel& k, Pid pid) override;
  void stepped(Pid pid, model::StepStatus status) override;
  bool abandon() const override { return abandon_; }

  std::uint64_t trace_hash() const { return rec_.log().trace_hash(); }
  const EventLog& log() const { return rec_.log(); }
  std::uint64_t races() const { return races_; }
  std::uint64_t wakeup_divergences() const { return divergences_; }
  std::uint64_t insertions() const { return insertions_; }

 private:
  struct Slept {
    Pid pid;
    Effect effect;
  };
  // A wakeup tree's node: a step (process and the effect it had where the race was found).
  struct Wakeup {
    Pid pid = 0;
    Effect effect;
    std::vector<Wakeup> kids;
  };
  struct Step {
    Pid pid;
    const Effect* effect;
  };
  struct Node {
    bool schedule = true;
    std::size_t first_answer = 0;
    // a schedule node
    std::vector<Pid> ready;     // at its first decision
    std::vector<Pid> disabled;  // chosen here and only blocked
    std::vector<Slept> done;    // explored from here (asleep for the later branches)
    std::vector<Slept> sleep;   // asleep on arrival
    std::vector<Wakeup> wut;    // still to explore from here
    Pid chosen = 0;
    Effect chosen_effect;
    std::vector<Wakeup> chosen_kids;  // the wakeup subtree the chosen step leads into
    // a non-scheduling decision
    std::uint32_t n = 0;
    std::uint32_t choice = 0;
  };
  void analyse(std::size_t i, std::size_t j);
  static bool weak_initial(Pid q, const Effect* qe, const std::vector<Step>& v);
  void insert(std::vector<Wakeup>& root, std::vector<Step> v);
  bool sleeping(const Node& n, Pid p) const;
  void open_node(std::span<const Pid> ready);
  bool pick(Node& n);

  std::uint32_t data_;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> answers_;  // pids for schedule decisions, options for the others
  std::size_t replay_ = 0;              // answers_[0, replay_) are followed
  bool branch_ = false;                 // nodes_[node_] is the branch to take next
  std::size_t answer_ = 0;
  std::size_t node_ = 0;
  std::size_t cur_ = 0;
  std::int64_t last_node_ = -1;
  bool cont_ = false;  // the last step only blocked: the same node picks again
  bool abandon_ = false;
  bool first_ = true;
  Pid want_ = 0;
  std::vector<Pid> list_;
  std::vector<Wakeup> guide_;  // the wakeup subtree the next fresh node starts with
  std::size_t first_new_ = 0;  // events before this index were in the previous execution too
  std::uint64_t races_ = 0;
  std::uint64_t divergences_ = 0;
  std::uint64_t insertions_ = 0;
  StepRecorder rec_;
};

}  // namespace papaya::sim
