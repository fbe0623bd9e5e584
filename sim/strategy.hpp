// Strategy: how the Chooser answers decisions. One strategy per small file behind this interface
// (loom's and Shuttle's habit): random (seeded), replay (a recorded decision list); PCT and
// DFS, DPOR and PCT see each
// scheduling step through the exploration hooks below.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "model/decision.hpp"
#include "model/op.hpp"
#include "model/outcome.hpp"
#include "os/types.hpp"

namespace papaya::model {
class Kernel;
class StateHasher;
struct StateDigest;
}  // namespace papaya::model

namespace papaya::traces {
struct Trace;
}

namespace papaya::sim {

// An option that is an actor of a Go program's runtime (an M on a P, an M leaving a syscall, the
// netpoller) reaches the exploration hooks as an id above every pid: the process, the actor's kind
// and its P or goroutine, so each actor keeps one identity from state to state.
inline constexpr Pid go_actor_bit = 0x40000000;
inline Pid go_actor_id(Pid pid, std::uint32_t kind, std::uint32_t id) {
  return go_actor_bit | ((pid & 0x3ff) << 20) | static_cast<Pid>((kind & 3u) << 18) |
         static_cast<Pid>(id & 0x3ffffu);
}
inline bool is_go_actor(Pid id) { return (id & go_actor_bit) != 0; }
// The kind, in go_actor_id, of a Go program's kernel thread other than its first (an M running a
// goroutine's file call; the runtime's own kinds are 0 to 2): its id is the thread's.
inline constexpr std::uint32_t task_actor_kind = 3;

struct Effect;  // sim/independence.hpp

// What a stateful strategy may read of the running execution beyond its kernel (the executor
// implements it: sim/go_state_key.cpp): the state of its Go programs, which the kernel does not
// hold, and the trace so far (what the property checkers will read).
class RunView {
 public:
  // Some process became a Go program (until then hash_go_state adds nothing).
  virtual bool any_go() const = 0;
  // Every Go program's runtime and the executor's records of it (goroutines, queued syscalls,
  // netpoll watches, timers), deterministically (docs/explore.md "Stateful dfs for goroutine
  // programs").
  // `run_queues` false: the runtimes' run queues left out; `received` false: the bytes a finished
  // kernel call put in a goroutine's buffer before it resumes left out (wrong keys, for tests
  // only).
  virtual void hash_go_state(model::StateHasher& h, bool run_queues = true,
                             bool received = true) const = 0;
  virtual const traces::Trace& trace() const = 0;

 protected:
  ~RunView() = default;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string_view name() const = 0;
  // Prepares the next execution; false when the strategy has none left (an exhaustive strategy
  // is done; a random one runs once per seed; a replay once).
  virtual bool begin_execution() = 0;
  // One of `n` (>= 2) options for a decision of `kind`, the run being at step `step`.
  virtual std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t step) = 0;
  // Why the strategy could not follow the run (a replay that diverged); empty if it could.
  virtual std::string divergence() const { return {}; }

  // ---- Exploration hooks (sim/dfs_strategy.hpp, sim/dpor_strategy.hpp, ...). A strategy that
  // returns true from observes() is shown every scheduling step; the others cost nothing.
  virtual bool observes() const { return false; }
  // The ready processes (and Go actors, go_actor_id), in the order of the options of the schedule
  // decision that follows (asked only when there are two or more); the kernel is in the state
  // before the step.
  virtual void ready(const model::Kernel&, std::span<const Pid>) {}
  // `pid` is about to take a step (its pending operation is still pending in `kernel`).
  virtual void stepping(const model::Kernel&, Pid) {}
  // `pid`'s kernel step ran: its operation's kind and arguments, its outcome, and the caller's
  // buffer a read, pread or recv received into (sim/state_cache.hpp receive_buffer; empty for
  // the others). Called just before stepped(), for process steps only (not a Go runtime's, not a
  // kill from outside).
  virtual void observed(Pid, model::OpKind, const model::OpArgs&, const model::Outcome&,
                        std::span<const char>) {}
  // The effect of the step stepping() announced, where the executor knows it better than the
  // kernel alone: every step of a run with a Go program (the runtime's objects,
  // sim/go_footprint.cpp; the strategy's own effect_of cannot see them). Called after stepping(),
  // before stepped().
  virtual void step_effect(const Effect&) {}
  // `pid`'s step ended with `status` (its kernel decisions, if any, were asked in between).
  virtual void stepped(Pid, model::StepStatus) {}
  // Before the run's first step, to an observing strategy: the run's view (valid for the run).
  // True when the strategy keys states: then it is told every goroutine resumption (go_resumed).
  virtual bool attach(const RunView*) { return false; }
  // A goroutine of Go program `pid` is about to run its own code (its fiber is resumed): the
  // digest of everything that code can read that its process's memory does not hold (what its
  // operation or system call returned, the bytes received, the clock). Go programs' goroutines
  // share memory, so the sequence of these, in order, stands for the program's memory
  // (sim/state_cache.hpp part 2).
  virtual void go_resumed(Pid, const model::StateDigest&) {}
  // Virtual time moved (to an observing strategy, when Options::time_orders_steps): every process
  // was blocked, so every step from now on happens after every step so far (sim/event_log.hpp).
  virtual void time_moved() {}
  // The run is over (to an observing strategy), before the executor unwinds its processes'
  // stacks: the kernel's pending operations still point at live memory (their buffers, paths,
  // log texts), which they no longer do once run() returns.
  virtual void run_ending(const model::Kernel&) {}
  // True when the strategy gives up on the current execution (source-DPOR's sleep-set-blocked
  // runs): the executor ends the run at once, RunReport::abandoned set.
  virtual bool abandon() const { return false; }
};

}  // namespace papaya::sim
