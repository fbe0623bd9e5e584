// The explored state space as a graph, for teaching (`papaya explore --state-graph OUT.dot` on
// tiny configurations): nodes are states, edges are steps (process and operation). A state is
// named by the Mazurkiewicz trace of the steps that reached it (EventLog::event_hash summed over
// the prefix), so equivalent interleavings meet in one node. States where an execution ended in
// a violation are red. Bounded: at most `max_edges` edges are kept.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "sim/event_log.hpp"

namespace papaya::explore {

class StateGraph {
 public:
  static constexpr std::size_t max_edges = 5000;
  void add_execution(const sim::EventLog& log, bool violating);
  std::string to_dot() const;
  std::size_t states() const { return ids_.size(); }

 private:
  std::size_t id(std::uint64_t state);
  std::map<std::uint64_t, std::size_t> ids_;
  std::set<std::tuple<std::size_t, std::size_t, std::string>> edges_;
  std::set<std::size_t> bad_;
  std::set<std::size_t> final_;
  bool truncated_ = false;
};

}  // namespace papaya::explore
