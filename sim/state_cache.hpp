// State caching for dfs (docs/explore.md "Stateful dfs"): the key of the state an execution is in,
// and the table of states whose every continuation has been explored.
//
// A state's key is the digest of
//  1. the model kernel (Kernel::hash_state: every object, the clock), and, once some process is a
//     Go program, each Go program's runtime (model::go::Runtime::hash_state: Gs, Ps, run queues,
//     semaphores, channels, Conds, poll descriptors, ...) and the executor's records of it (its
//     goroutines' last outcomes and calls in flight, the bytes a finished call received into its
//     goroutine's buffer before the goroutine resumes, the syscall queue, the netpoll watches, the
//     timers, the signal relay: Executor::hash_go_state, sim/go_state_key.cpp);
//  2. each process's local state, by proxy: the sequence of everything it has observed, i.e. the
//     kind, arguments, outcome, virtual time and received bytes of each of its steps that
//     completed (or progressed, or ended it), a forked child starting from its parent's sequence at
//     the fork. Simulated processes share no memory and draw no entropy, so a process's next
//     operation and everything after it are a function of what it has observed (and the body it
//     started with, which its parent's sequence fixes). A Go program's goroutines share its
//     memory and run one at a time, each from one runtime operation to the next, so the program's
//     memory and every goroutine's resume point are a function of the sequence, in order, of its
//     goroutines' resumptions with what each could read there (Strategy::go_resumed): appended to
//     the same sequence; and of the bytes the kernel wrote into the buffers of finished calls
//     whose goroutines have not resumed yet (part 1);
//  3. the checkers' history so far: the ordered sequence of every step whose order relative to
//     other processes' steps the property checkers can see. The chat's checkers read the log's
//     events (check/log_events.cpp) in step order; those come only from steps that touch a
//     regular file (its bytes, offset, flock state or name), and from closes, dups, forks, execs
//     and exits of a process holding a regular file open (a lock released by close or exit, the
//     descriptor bookkeeping). Such a step is "ordered": it is appended, with its process and data,
//     to one chain shared by all processes. Everything else the checkers read is per process
//     (a client's sends, receipts and times, its exit status: part 2) or the final kernel (the
//     log's and the transcripts' bytes: part 1). Once a Go program runs, they also read its
//     goroutines' RWMutex operations (a go record of RLock, RUnlock, Lock or Unlock, parked or
//     returned, and its go_lock line) at their place among the kernel steps, with the time of the
//     kernel step after them (whose step number they share: they tie with it if it is ordered, and
//     with each other when no kernel step came between); and which goroutine made each kernel
//     step. Then an ordered kernel step is appended as the trace records it (goroutine and thread
//     included), so is every step that ended a process, and the first kernel step after go events
//     appends its time and whether it is ordered.
// Two prefixes with equal keys therefore have the same futures, and each future's history differs
// between them only by renumbered steps (an order-preserving map), which the checkers compare only
// by order: every checker verdict and the run's own verdict (deadlock, step bound aside) are equal.
// A state revisited after its subtree was explored needs no second exploration.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "model/op.hpp"
#include "model/outcome.hpp"
#include "model/state_hash.hpp"
#include "os/types.hpp"
#include "sim/independence.hpp"
#include "sim/strategy.hpp"

namespace papaya::model {
class Kernel;
}

namespace papaya::traces {
struct Trace;
}

namespace papaya::sim {

// The bytes a pending operation receives into its caller's buffer (read, pread, recv): the whole
// buffer (the outcome says how much of it was filled); empty for every other operation.
std::span<const char> receive_buffer(const model::Op& op);

// Under a preemption bound, the table's key of a schedule decision: the state's key and the
// process whose turn it is for free (the one that ran last, if it can run on; 0 if it cannot, when
// every choice is free). A state's bounded future depends on both (docs/explore.md).
model::StateDigest with_running(const model::StateDigest& key, Pid running);

// The key of one execution's current state, built step by step.
class StateKeys {
 public:
  // Whether part 3 (the ordered steps) is kept: off for a program whose check reads only the
  // run's verdict and final state, never the order of its steps (the DPOR benchmarks).
  void keep_order(bool on) { keep_order_ = on; }
  // A wrong key, only for the tests that show each part is needed: the Go runtimes' run queues,
  // the goroutines' resumptions, the bytes a goroutine's finished call received before it resumes.
  void leave_out(bool run_queues, bool resumes, bool received = false) {
    no_run_queues_ = run_queues;
    no_resumes_ = resumes;
    no_received_ = received;
  }
  void clear();
  // The run's view (Strategy::attach): its Go programs' state and its trace.
  void view(const RunView* v) { view_ = v; }
  // Before `pid`'s step (a pid, or a Go actor: sim/strategy.hpp go_actor_id): its effect
  // (StepRecorder) decides whether the step is ordered.
  void stepping(const model::Kernel& k, Pid pid, const Effect& effect);
  // In a run with a Go program, the executor's effect of the step (Strategy::step_effect), which
  // knows a Go program's thread steps: it decides instead.
  void step_effect(const Effect& effect);
  // After a process's kernel step: what it observed. `received`: the caller's buffer
  // (receive_buffer).
  void outcome(Pid pid, model::OpKind kind, const model::OpArgs& args, const model::Outcome& out,
               std::span<const char> received);
  // A goroutine of Go program `pid` resumed, with what it could read (Strategy::go_resumed).
  void go_resumed(Pid pid, const model::StateDigest& observed);
  // After every step (Strategy::stepped).
  void stepped(Pid id, model::StepStatus status);
  model::StateDigest key(const model::Kernel& k) const;
  // Steps counted so far (every kernel and Go runtime step, as the executor's step bound counts
  // them).
  std::uint64_t steps() const { return steps_; }

 private:
  model::StateDigest& chain(Pid pid);
  void go_ordered(const traces::Trace& t);
  std::vector<model::StateDigest> chains_;  // index = pid
  model::StateDigest order_;                // the ordered steps, all processes
  bool ordered_ = false;                    // the step being taken is ordered
  bool keep_order_ = true;
  bool no_run_queues_ = false;
  bool no_resumes_ = false;
  bool no_received_ = false;
  std::int64_t now_ns_ = 0;
  std::uint64_t steps_ = 0;
  const RunView* view_ = nullptr;
  const model::Kernel* kernel_ = nullptr;
  Pid stepping_ = 0;
  // Part 3 once a Go program runs (fixed for a step at stepping()): taken from the trace.
  bool go_order_ = false;
  std::size_t go_records_ = 0;  // trace.go records looked at
  std::size_t go_locks_ = 0;    // trace.go_locks lines looked at
  bool time_due_ = false;       // the next kernel step's time belongs to the last go events
};

// Preemptions left, for a search without a preemption bound.
inline constexpr std::int32_t unbounded_preemptions = 0x7fffffff;

// What the table keeps of a state whose subtree is (being) explored.
struct Visited {
  std::uint32_t node = 0;    // the dfs tree node the state was last explored from (its decision)
  std::uint64_t steps = 0;   // steps taken to reach it then
  std::uint64_t height = 0;  // the most steps any explored run took after it
  // Under a preemption bound: the preemptions left when its subtree was (last) explored, i.e.
  // the explored continuations are every one with at most that many (docs/explore.md, "Stateful
  // dfs under a preemption bound"); unbounded_preemptions without a bound.
  std::int32_t left = unbounded_preemptions;
};

struct DigestHash {
  std::size_t operator()(const model::StateDigest& d) const {
    return static_cast<std::size_t>(d.lo ^ (d.hi * 0x9e3779b97f4a7c15ull));
  }
};

// The visited states, bounded: once `limit` states are stored, new ones are no longer added (the
// search stays sound, it only cuts less).
class VisitedStates {
 public:
  explicit VisitedStates(std::size_t limit) : limit_(limit) {}
  Visited* find(const model::StateDigest& d) {
    auto it = table_.find(d);
    return it == table_.end() ? nullptr : &it->second;
  }
  // The new entry (stable: the table is node-based), or nullptr when full.
  Visited* add(const model::StateDigest& d, Visited v) {
    if (table_.size() >= limit_) {
      full_ = limit_ > 0;  // a table of no states (plain dfs, keyed) is not "full"
      return nullptr;
    }
    return &table_.emplace(d, v).first->second;
  }
  std::size_t size() const { return table_.size(); }
  bool full() const { return full_; }

 private:
  std::size_t limit_;
  bool full_ = false;
  std::unordered_map<model::StateDigest, Visited, DigestHash> table_;
};

// A kernel call's outcome as every key hashes it (the process keys here, the Go keys in
// sim/go_state_key.cpp): status, errno, values, wait status, file position and bytes moved.
void hash_outcome(model::StateHasher& h, const model::Outcome& o);

}  // namespace papaya::sim
