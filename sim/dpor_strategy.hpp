// DPOR strategy: source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, "Source Sets: A
// Foundation for Optimal Dynamic Partial Order Reduction", JACM 64(4), 2017, Algorithm 1).
// Each execution is analysed for races (sim/event_log.hpp); for a race e < e', some initial of
// notdep(e).e' is added to the backtrack set of the state before e unless one is there already.
// Sleep sets keep an explored process asleep until a dependent step wakes it; an execution in
// which every ready process sleeps is abandoned (source-DPOR's sleep-set-blocked executions: the
// price of not building wakeup trees; docs/explore.md says why this variant).
//
// Steps that only block (sim/independence.hpp) are no events: the process is then disabled at
// that state, and the same tree node picks again. Non-scheduling decisions (segments, arrivals,
// faults, signal races) are branched exhaustively, every option of each.
#pragma once

#include <vector>

#include "sim/step_recorder.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

class DporStrategy final : public Strategy {
 public:
  // `data_options`: how many options of each non-scheduling decision are explored (dfs's too).
  explicit DporStrategy(std::uint32_t data_options = 0xffffffffu) : data_(data_options) {}
  std::string_view name() const override { return "dpor"; }
  // Analyses the finished execution's races and moves to the next branch; false when done.
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

 private:
  struct Slept {
    Pid pid;
    Effect effect;
  };
  struct Node {
    bool schedule = true;
    std::size_t first_answer = 0;
    // a schedule node
    std::vector<Pid> ready;     // at its first decision
    std::vector<Pid> disabled;  // chosen here and only blocked
    std::vector<Pid> backtrack;
    std::vector<Slept> done;  // explored from here
    std::vector<Slept> sleep;
    Pid chosen = 0;
    Effect chosen_effect;
    bool fresh = true;  // opened in the current execution (else: a replayed or branch node)
    // a non-scheduling decision
    std::uint32_t n = 0;
    std::uint32_t choice = 0;
  };
  void add_backtrack(std::size_t i, std::size_t j);
  bool asleep(const Node& n, Pid p) const;
  void open_node(std::span<const Pid> ready);

  std::uint32_t data_;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> answers_;  // pids for schedule decisions, options for the others
  std::size_t replay_ = 0;              // answers_[0, replay_) are followed
  bool branch_ = false;                 // nodes_[node_] is the branch to take next
  std::size_t answer_ = 0;
  std::size_t node_ = 0;
  std::size_t cur_ = 0;          // the schedule node of the current step
  std::int64_t last_node_ = -1;  // the schedule node of the last visible step
  bool cont_ = false;            // the last step only blocked: the same node picks again
  bool abandon_ = false;
  bool first_ = true;
  Pid want_ = 0;
  std::vector<Pid> list_;
  std::uint64_t races_ = 0;
  StepRecorder rec_;
};

}  // namespace papaya::sim
