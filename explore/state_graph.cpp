#include "explore/state_graph.hpp"

#include <fmt/format.h>

namespace papaya::explore {

std::size_t StateGraph::id(std::uint64_t state) {
  auto [it, fresh] = ids_.emplace(state, ids_.size());
  return it->second;
}

void StateGraph::add_execution(const sim::EventLog& log, bool violating) {
  std::uint64_t state = 0;
  std::size_t from = id(state);
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (edges_.size() >= max_edges) {
      truncated_ = true;
      return;
    }
    state += log.event_hash(i);
    const std::size_t to = id(state);
    const sim::Event& e = log.event(i);
    edges_.emplace(from, to, fmt::format("{} {}", e.effect.pid, model::op_name(e.op)));
    from = to;
  }
  final_.insert(from);
  if (violating) bad_.insert(from);
}

std::string StateGraph::to_dot() const {
  std::string out =
      "digraph explored {\n  rankdir=TB;\n  node [shape=circle, label=\"\", width=0.15];\n";
  for (std::size_t s : final_)
    out += fmt::format("  s{} [shape=doublecircle{}];\n", s,
                       bad_.count(s) ? ", style=filled, fillcolor=red" : "");
  for (const auto& [from, to, label] : edges_)
    out += fmt::format("  s{} -> s{} [label=\"{}\", fontsize=8];\n", from, to, label);
  if (truncated_) out += fmt::format("  // truncated at {} edges\n", max_edges);
  out += "}\n";
  return out;
}

}  // namespace papaya::explore
