// State caching for dfs (docs/explore.md "Stateful dfs"): the key of the state an execution is in,
// and the table of states whose every continuation has been explored.
//
// A state's key is the digest of
//  1. the model kernel (Kernel::hash_state: every object, the clock);
//  2. each process's local state, by proxy: the sequence of everything it has observed, i.e. the
//     kind, arguments, outcome, virtual time and received bytes of each of its steps that
//     completed (or progressed, or ended it), a forked child starting from its parent's sequence at
//     the fork. Simulated processes share no memory and draw no entropy, so a process's next
//     operation and everything after it are a function of what it has observed (and the body it
//     started with, which its parent's sequence fixes);
//  3. the checkers' history so far: the ordered sequence of every step whose order relative to
//     other processes' steps the property checkers can see. The chat's checkers read the log's
//     events (check/log_events.cpp) in step order; those come only from steps that touch a
//     regular file (its bytes, offset, flock state or name), and from closes, dups, forks, execs
//     and exits of a process holding a regular file open (a lock released by close or exit, the
//     descriptor bookkeeping). Such a step is "ordered": it is appended, with its process and data,
//     to one chain shared by all processes. Everything else the checkers read is per process
//     (a client's sends, receipts and times, its exit status: part 2) or the final kernel (the
//     log's and the transcripts' bytes: part 1).
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

namespace papaya::model {
class Kernel;
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
  void clear();
  // Before `pid`'s step: its effect (StepRecorder) decides whether the step is ordered.
  void stepping(const model::Kernel& k, Pid pid, const Effect& effect);
  // After it: what it observed. `received`: the caller's buffer (receive_buffer).
  void outcome(Pid pid, model::OpKind kind, const model::OpArgs& args, const model::Outcome& out,
               std::span<const char> received);
  model::StateDigest key(const model::Kernel& k) const;
  // Steps counted so far (every kernel step, as the executor's step bound counts them).
  std::uint64_t steps() const { return steps_; }

 private:
  model::StateDigest& chain(Pid pid);
  std::vector<model::StateDigest> chains_;  // index = pid
  model::StateDigest order_;                // the ordered steps, all processes
  bool ordered_ = false;                    // the step being taken is ordered
  bool keep_order_ = true;
  std::int64_t now_ns_ = 0;
  std::uint64_t steps_ = 0;
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

}  // namespace papaya::sim
