// Event log: the visible steps of one execution with their happens-before clocks, for DPOR's race
// analysis and for naming an execution's Mazurkiewicz trace. Happens-before is program order,
// the fork edge (a child's first step after the fork that made it), and dependency
// (sim/independence.hpp). Clocks are vectors indexed by pid (at most `max_pids`), counting the
// steps of each process in an event's past, itself included.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/independence.hpp"

namespace papaya::sim {

struct Event {
  Effect effect;
  std::uint32_t nth = 0;   // 1-based: the nth visible step of its process
  std::int32_t node = -1;  // the strategy's tree node that chose it (-1: none)
  std::uint64_t data = 0;  // hash of the step's non-scheduling decisions
  Pid forked = 0;          // the child a fork created
  model::OpKind op = model::OpKind::getpid;
  Pid joins = 0;  // a blocking waitpid of this one child: its exit enables it, never races it
};

class EventLog {
 public:
  static constexpr std::size_t max_pids = 64;

  void clear();
  // Appends an event; when `races` is given, appends (i, j) for every earlier event i that races
  // with it (dependent, another process, not already ordered before it by other events).
  std::size_t add(const Event& e,
                  std::vector<std::pair<std::size_t, std::size_t>>* races = nullptr);
  std::size_t size() const { return n_; }
  const Event& event(std::size_t i) const { return events_[i]; }
  // Whether event i happens before event j (i < j).
  bool before(std::size_t i, std::size_t j) const {
    const Event& a = events_[i];
    return clock(j)[static_cast<std::size_t>(a.effect.pid)] >= a.nth;
  }
  // The execution's Mazurkiewicz trace as a 64-bit name: a hash of every event's identity
  // (process, nth, decisions) and its clock, in (pid, nth) order, which every linearisation of the
  // trace shares.
  std::uint64_t trace_hash() const;
  // The name of one event (its identity and clock): a state reached by a prefix of an execution
  // is named by the sum of its events' names, the same for every equivalent prefix.
  std::uint64_t event_hash(std::size_t i) const;

 private:
  struct ObjState {
    std::int64_t last_write = -1;
    std::vector<std::size_t> readers;  // since the last write
  };
  // The objects' states, in an open-addressing table kept across executions (an execution's
  // objects are those whose slot carries its generation): a lookup per access without a tree
  // walk or an allocation. Looked up only, never iterated, so its order cannot leak anywhere.
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t gen = 0;
    ObjState state;
  };
  ObjState& obj(Obj o, std::uint32_t id);
  std::size_t probe(std::uint64_t key) const;
  const std::uint16_t* clock(std::size_t i) const { return &clocks_[i * max_pids]; }
  std::uint16_t* clock(std::size_t i) { return &clocks_[i * max_pids]; }
  void join(std::size_t into, std::size_t from);

  std::vector<Event> events_;  // [0, n_) are this execution's
  std::size_t n_ = 0;
  std::size_t width_ = 1;  // 1 + the largest pid among this execution's events
  std::vector<std::uint16_t> clocks_;
  std::vector<Slot> slots_ = std::vector<Slot>(256);
  std::uint32_t gen_ = 1;
  std::size_t used_ = 0;
  std::vector<std::int64_t> last_of_pid_ = std::vector<std::int64_t>(max_pids, -1);
  std::vector<std::int64_t> creator_ = std::vector<std::int64_t>(max_pids, -1);
  std::int64_t last_global_ = -1;
  std::vector<std::size_t> cands_;
};

}  // namespace papaya::sim
