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

#include "sim/dpor_base.hpp"

namespace papaya::sim {

struct SourceDporNode : DporNode {
  std::vector<Pid> backtrack;
  bool fresh = true;  // opened in the current execution (else: a replayed or branch node)
};

class DporStrategy final : public DporBase<SourceDporNode> {
 public:
  // `data_options`: how many options of each non-scheduling decision are explored (dfs's too).
  explicit DporStrategy(std::uint32_t data_options = 0xffffffffu) : DporBase(data_options) {}
  std::string_view name() const override { return "dpor"; }
  // Analyses the finished execution's races and moves to the next branch; false when done.
  bool next_execution();
  bool begin_execution() override;
  void ready(const model::Kernel&, std::span<const Pid> ready) override;
  void reverse_disabled(SourceDporNode& n, Pid q) override;

 private:
  using Node = SourceDporNode;
  void add_backtrack(std::size_t i, std::size_t j);
  static bool asleep(const Node& n, Pid p);
  static bool explored(const Node& n, Pid p);
  void open_node(std::span<const Pid> ready);
};

}  // namespace papaya::sim
