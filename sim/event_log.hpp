// Event log: the visible steps of one execution with their happens-before clocks, for DPOR's race
// analysis and for naming an execution's Mazurkiewicz trace. Happens-before is program order,
// the fork edge (a child's first step after the fork that made it), and dependency
// (sim/independence.hpp). An event's actor is what took the step: a process (its pid), or one of
// a Go program's actors (sim/strategy.hpp go_actor_id: an M on a P, an M leaving a syscall, the
// netpoller, another kernel thread). Clocks are vectors indexed by actor, counting the steps of
// each actor in an event's past, itself included: a process's slot (below `max_pids`) is given
// the first time the log meets its pid and kept for every later execution (pids by fork path
// can be large and sparse); Go actors get the slots above, in the order they first step in an
// execution. Every name (trace_hash, event_hash) mixes the actor's id, not its slot, processes
// in pid order, so equivalent executions that meet their actors in another order still share
// their names.
#pragma once

#include <algorithm>
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
  // A blocking waitpid of this one child whose blocked step is no event (sim/step_recorder.hpp):
  // the child's exit enables it, never races it.
  Pid joins = 0;
  // A read or recv that returned end of file and whose blocked step is no event
  // (waits_for_end_of_file): the close, exit, exec or shutdown it depends on enabled it, never
  // races it (run before that step, the call would have slept on the empty channel).
  bool eof = false;
  // A write or send that put the first bytes into an empty channel on which a blocking read
  // would sleep (empty_channel_written_by), and a read or recv whose blocked step is no event
  // that returned bytes (channel_read_by): the channel, else 0. A read whose channel matches
  // the `fills` of an event it depends on was enabled by it, never races it: run before that
  // write, it would have found the channel empty and slept until it, then read the same bytes
  // (no other step on the channel lies between the two, or the pair would be ordered).
  std::uint64_t fills = 0;
  std::uint64_t fed = 0;
  std::uint16_t actor_slot = 0;  // set by EventLog::add: its actor's slot in the clocks
  // The step's ordinal in its execution (1-based, every step counted, events or not): set by
  // StepRecorder, which knows by it a replayed step that is a kept event (EventLog::rewind).
  std::uint32_t step = 0;
  // Its name as trace_hash mixes it (its identity and clock, processes by pid), once computed
  // (0: not yet): a kept event (EventLog::rewind) keeps it, so each execution names only its new
  // events. A cache, not part of what the event is.
  mutable std::uint64_t name = 0;
};

class EventLog {
 public:
  static constexpr std::size_t max_pids = 64;
  // Slots for processes and Go actors together: a goroutine program's Ps, its goroutines' syscall
  // exits, its kernel threads and the netpoller.
  static constexpr std::size_t max_actors = 256;

  void clear();
  // clear(), keeping the first `keep` events (and their clocks) for the next execution, which
  // replays them: each is appended again by add_kept (StepRecorder knows a kept step by its
  // ordinal), or by add, which checks it against the kept one; either way only its accesses are
  // recorded again (its candidates, walk, clock and name are the last execution's). An event that
  // differs ends the kept prefix there (it and every later one are added anew: the caller's races
  // past it are dropped). Returns how many are kept: none when a Go actor stepped (its slots are
  // an execution's own), at most size().
  std::size_t rewind(std::size_t keep);
  // Virtual time moved: every process was blocked (sim/executor.cpp moves time only then), so no
  // step from now on can be reordered before any step so far; each later event's clock starts
  // from all of them (their join), and none of them races it. Without this edge DPOR would plan
  // the reversal of, e.g., a child's exit and its parent's waitpid after an alarm tick, a
  // schedule no run can follow (docs/explore.md, "Time orders steps").
  void time_moved();
  // Appends an event; when `races` is given, appends (i, j) for every earlier event i that races
  // with it (dependent, another process, not already ordered before it by other events).
  std::size_t add(const Event& e,
                  std::vector<std::pair<std::size_t, std::size_t>>* races = nullptr);
  std::size_t size() const { return n_; }
  // The step ordinal (Event::step) of the next kept event, 0 when none is left (rewind).
  std::uint32_t next_kept_step() const { return n_ < kept_ ? events_[n_].step : 0; }
  // The next kept event, as it was (its step replayed: the same step, decisions and outcome, as
  // the same answers give): appended as add() would, without finding its clock or races again.
  // REQUIRES: next_kept_step() != 0.
  std::size_t add_kept();
  const Event& event(std::size_t i) const { return events_[i]; }
  // Whether event i happens before event j (i < j).
  bool before(std::size_t i, std::size_t j) const {
    const Event& a = events_[i];
    return clock(j)[a.actor_slot] >= a.nth;
  }
  // The execution's Mazurkiewicz trace as a 64-bit name: a hash of every event's name
  // (event_hash: its identity (process, nth, decisions) and its clock), in (pid, nth) order,
  // which every linearisation of the trace shares.
  std::uint64_t trace_hash() const;
  // The name of one event (its identity and clock): a state reached by a prefix of an execution
  // is named by the sum of its events' names, the same for every equivalent prefix.
  std::uint64_t event_hash(std::size_t i) const;

 private:
  struct ObjState {
    std::int64_t last_write = -1;
    std::vector<std::size_t> readers;  // since the last write
    // A family object (slot 0 of a pipe_end or sock_holder end, is_family): each slot's last
    // write, as (slot, event), which a family read races with; its readers are the family reads,
    // which a slot's write does not clear (a later write of another slot still races with them).
    std::vector<std::pair<std::uint32_t, std::size_t>> slot_writes;
    // A process's signals (Obj::signal; an access's `sigs` says which): per signal its last write
    // and its readers since (one per process, the latest), kept as (event, the signals of the
    // set it still is that for): what one object per signal kept, one lookup for a set.
    std::vector<std::pair<std::size_t, std::uint16_t>> sig_writes;
    std::vector<std::pair<std::size_t, std::uint16_t>> sig_readers;
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
  void reserve_objs(std::size_t more);
  std::size_t probe(std::uint64_t key) const;
  const std::uint16_t* clock(std::size_t i) const { return &clocks_[i * stride_]; }
  std::uint16_t* clock(std::size_t i) { return &clocks_[i * stride_]; }
  void join(std::size_t into, std::size_t from);
  // Whether `e` is the kept event `k` (the same step with the same outcome and decisions).
  static bool same_event(const Event& e, const Event& k);
  // Records event j's accesses (its objects' states looked up into states_).
  void record(const Event& e, std::size_t j);
  // The actor's slot: the process's (pid_slot); the next free one above max_pids for a Go actor
  // (the clocks widen to max_actors at the first).
  std::size_t slot_of(Pid actor);
  // A process's slot, given at the first meeting (1, 2, ... below max_pids) and kept across
  // executions (clear() leaves it).
  std::size_t pid_slot(Pid pid);
  void widen();
  std::uint64_t id_of_slot(std::size_t q) const {
    return q < max_pids ? static_cast<std::uint64_t>(pid_of_slot_[q])
                        : static_cast<std::uint64_t>(go_actors_[q - max_pids]);
  }
  // Mixes a clock's entries into a name: processes by pid, then Go actors by id (not by slot:
  // slots follow the order actors are first met, which equivalent executions need not share).
  template <class Mix>
  void mix_clock(const std::uint16_t* c, Mix& mix) const {
    for (std::uint16_t q : slots_by_pid_)
      if (q < width_ && c[q]) mix((id_of_slot(q) << 16) | c[q]);
    for (std::uint16_t k : go_by_id_)
      if (const std::size_t q = max_pids + k; q < width_ && c[q]) mix((id_of_slot(q) << 16) | c[q]);
  }

  std::vector<Event> events_;  // [0, n_) are this execution's
  std::size_t n_ = 0;
  std::size_t kept_ = 0;           // [n_, kept_) are the last execution's, replayed next (rewind)
  std::size_t width_ = 1;          // 1 + the largest slot among this execution's events
  std::size_t stride_ = max_pids;  // slots per clock: max_pids until a Go actor steps
  std::vector<std::uint16_t> clocks_;
  std::vector<Pid> go_actors_;           // this execution's Go actors, by slot - max_pids
  std::vector<std::uint16_t> go_by_id_;  // indices into go_actors_, in the order of their ids
  std::vector<Slot> slots_ = std::vector<Slot>(256);
  std::uint32_t gen_ = 1;
  std::size_t used_ = 0;
  std::vector<std::int64_t> last_of_ = std::vector<std::int64_t>(max_actors, -1);  // by slot
  std::vector<std::int64_t> creator_ = std::vector<std::int64_t>(max_pids, -1);    // by slot
  // Processes' slots, kept across executions: by pid (0: none yet), the pid of each slot, and
  // the slots in the order of their pids.
  std::vector<std::uint16_t> slot_of_pid_;
  std::vector<Pid> pid_of_slot_ = std::vector<Pid>(1, 0);
  std::vector<std::uint16_t> slots_by_pid_;
  std::int64_t last_global_ = -1;
  // The join of every clock before the last move of virtual time (max_actors wide), joined into
  // each later event's; `time_moved_` false: time has not moved in this execution.
  std::vector<std::uint16_t> time_frontier_ = std::vector<std::uint16_t>(max_actors, 0);
  bool time_moved_ = false;
  std::vector<std::size_t> cands_;
  // The event's accesses' states, and for a slot's write its family's (else null), looked up
  // once per add.
  std::vector<std::pair<ObjState*, ObjState*>> states_;
};

}  // namespace papaya::sim
