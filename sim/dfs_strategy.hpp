// DFS strategy: every execution, by depth-first search over the tree of decisions (which process
// steps, and every non-scheduling decision: segments, arrivals, faults, signal races). The
// reference the reductions are checked against. With a preemption bound K (CHESS, Musuvathi and
// Qadeer, PLDI 2007): at most K schedule decisions per execution may switch away from the process
// that ran last while it can still run (option 0 of a schedule decision is that process).
//
// One execution per Simulation: the explorer calls next_execution() before each run; the tree is
// kept across runs and the prefix to the deepest unexplored branch is replayed.
#pragma once

#include <vector>

#include "sim/step_recorder.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

class DfsStrategy final : public Strategy {
 public:
  // `data_options`: how many options of each non-scheduling decision are explored (the first
  // ones; option 0 is the kernel's default: a send whole, every segment arrived).
  explicit DfsStrategy(int preemption_bound = -1, std::uint32_t data_options = 0xffffffffu)
      : bound_(preemption_bound), data_(data_options) {}
  std::string_view name() const override { return "dfs"; }
  // Moves to the next unexplored branch; false when the tree is exhausted.
  bool next_execution();
  bool begin_execution() override;
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t step) override;
  bool observes() const override { return true; }
  void ready(const model::Kernel&, std::span<const Pid> ready) override;
  void stepping(const model::Kernel& k, Pid pid) override;
  void step_effect(const Effect& e) override { rec_.step_effect(e); }
  void stepped(Pid pid, model::StepStatus status) override;

  // The finished execution's preemptions and its Mazurkiewicz trace (EventLog::trace_hash).
  int preemptions() const { return preemptions_; }
  std::uint64_t trace_hash() const { return rec_.log().trace_hash(); }
  const EventLog& log() const { return rec_.log(); }
  // Whether some branch was cut by the preemption bound.
  bool bounded() const { return bounded_; }

 private:
  struct Node {
    std::uint32_t n;
    std::uint32_t limit;
    std::uint32_t chosen;
  };
  int bound_;
  std::uint32_t data_;
  std::vector<Node> stack_;
  std::size_t depth_ = 0;
  bool first_ = true;
  bool last_ready_ = false;  // the process that ran last is ready: option 0
  Pid last_ = 0;
  int preemptions_ = 0;
  bool bounded_ = false;
  StepRecorder rec_;
};

}  // namespace papaya::sim
