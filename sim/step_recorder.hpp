// Step recorder: what the exploring strategies (dfs, dpor) share. It turns the executor's hooks
// into visible events in an EventLog: the effect of the stepping process's operation, the hash of
// the step's non-scheduling decisions, and whether the step was visible (a step that only blocked
// is not, unless a caught signal could tell before it from during it: sim/independence.hpp).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "model/check.hpp"
#include "model/kernel.hpp"
#include "sim/event_log.hpp"
#include "sim/independence.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

class StepRecorder {
 public:
  void clear() {
    log_.clear();
    races_.clear();
    steps_ = 0;
    kept_ = false;
  }
  // A new execution that replays the first `keep` events of the last one (EventLog::rewind): its
  // races among them are the last execution's, kept (in the order found) rather than found again.
  void rewind(std::size_t keep) {
    keep = log_.rewind(keep);
    std::erase_if(races_, [&](const auto& r) { return r.second >= keep; });
    steps_ = 0;
    kept_ = false;
  }
  void stepping(const model::Kernel& k, Pid pid) {
    cur_.step = ++steps_;
    // A replayed step that is a kept event (rewind): the event says what the step is; its
    // effect and edges are not computed again.
    kept_ = log_.next_kept_step() == steps_;
    if (kept_) {
      kept_at_ = log_.size();
      PAPAYA_ASSERT(log_.event(kept_at_).effect.pid == pid,
                    "explore: a replayed step is not the kept event's");
      return;
    }
    // A Go actor's step: dependent on everything (independence.hpp) unless the executor says
    // better (step_effect).
    if (is_go_actor(pid)) {
      go_actor_effect(pid, cur_.effect);
      blocked_event_ = false;
      kind_ = model::OpKind::getpid;
      cur_.data = 0;
      cur_.op = kind_;
      cur_.joins = 0;
      cur_.forked = 0;
      cur_.eof = false;
      eof_possible_ = false;
      reset_possible_ = false;
      cur_.fills = cur_.fed = fills_possible_ = fed_possible_ = 0;
      return;
    }
    effect_of(k, pid, cur_.effect, blocked_event_);
    kind_ = model::kind_of(*k.process(pid).pending);
    cur_.data = 0;
    cur_.op = kind_;
    cur_.joins = 0;
    // A blocking waitpid of one child is joined to the child's exit (the exit enables it, never
    // races it) only when its blocked step is no event. With a caught signal unblocked
    // (blocked_effect_of) the pair is a race: the waitpid before the exit blocks, an event of
    // its own (another trace), and a signal can end the call with EINTR before the exit.
    if (const auto* w = std::get_if<model::op::Waitpid>(&*k.process(pid).pending))
      if (w->pid > 0 && !w->nohang && !blocked_event_) cur_.joins = w->pid;
    cur_.forked = kind_ == model::OpKind::fork ? k.next_child_pid(pid) : 0;
    cur_.eof = false;
    eof_possible_ = eof_joins_ && !blocked_event_ && waits_for_end_of_file(k, pid);
    reset_possible_ = eof_possible_ && waits_for_reset(k, pid);
    cur_.fills = cur_.fed = 0;
    fed_possible_ = fill_joins_ && !blocked_event_ ? channel_read_by(k, pid) : 0;
    fills_possible_ = fill_joins_ ? empty_channel_written_by(k, pid) : 0;
  }
  // The step's outcome (Strategy::observed): a read or recv that returned end of file, or failed
  // with the reset that the peer's close left it (waits_for_reset); one that returned bytes, and
  // a write or send that put bytes into an empty channel (Event::fed, Event::fills).
  void observed(const model::Outcome& out) {
    if (kept_) return;
    const bool done = eof_possible_ && out.status == model::StepStatus::done;
    cur_.eof = done && ((out.err == Errno::ok && out.ret == 0) ||
                        (reset_possible_ && out.err == Errno::econnreset));
    const bool moved_bytes =
        out.status == model::StepStatus::done && out.err == Errno::ok && out.ret > 0;
    cur_.fed = moved_bytes ? fed_possible_ : 0;
    cur_.fills = moved_bytes ? fills_possible_ : 0;
  }
  // Off: an end-of-file read races the drop that enabled it (the tests that show the edge's use).
  void eof_joins_drop(bool on) { eof_joins_ = on; }
  // Off: a read that returned bytes races the write that put them into the empty channel.
  void fill_joins_read(bool on) { fill_joins_ = on; }
  // The executor's effect of the step (Strategy::step_effect): it replaces the one computed here.
  // A Go program's steps keep the executor's effect; one that only blocked stays no event.
  void step_effect(const Effect& e) {
    if (kept_) return;  // (only Go programs have it, whose events are not kept)
    cur_.effect = e;
    eof_possible_ = false;
    fills_possible_ = fed_possible_ = 0;
    blocked_event_ = false;
  }
  void time_moved() { log_.time_moved(); }
  void decision(std::uint32_t chosen) { cur_.data = cur_.data * 1000003u + chosen + 1; }
  // Adds the event unless the step only blocked; returns its index, or -1 when invisible.
  std::int64_t stepped(model::StepStatus status, std::int32_t node, bool find_races) {
    if (kept_) {
      PAPAYA_ASSERT(log_.event(kept_at_).node == node,
                    "explore: a replayed step is not the kept event's");
      return static_cast<std::int64_t>(log_.add_kept());
    }
    if (status == model::StepStatus::blocked) {
      // An event with the step's whole effect (blocked_effect_of), which cur_ holds, or none.
      if (!blocked_event_) return -1;
    }
    cur_.node = node;
    return static_cast<std::int64_t>(log_.add(cur_, find_races ? &races_ : nullptr));
  }
  // The current or last step's effect (a kept event's: the event's).
  const Effect& effect() const { return kept_ ? log_.event(kept_at_).effect : cur_.effect; }
  model::OpKind kind() const { return kind_; }
  const EventLog& log() const { return log_; }
  std::vector<std::pair<std::size_t, std::size_t>>& races() { return races_; }

 private:
  EventLog log_;
  Event cur_;
  // Whether the step, should it only block, is an event (blocked_step_is_event: its effect is
  // then cur_.effect, effect_of's, computed once) or none.
  bool blocked_event_ = false;
  model::OpKind kind_ = model::OpKind::getpid;
  bool eof_possible_ = false;
  bool reset_possible_ = false;
  bool eof_joins_ = true;
  std::uint64_t fills_possible_ = 0;  // the channel the step's write would fill (its bytes > 0)
  std::uint64_t fed_possible_ = 0;    // the channel the step's read takes from (its bytes > 0)
  bool fill_joins_ = true;
  std::vector<std::pair<std::size_t, std::size_t>> races_;
  std::uint32_t steps_ = 0;  // steps so far in this execution (Event::step)
  bool kept_ = false;        // the current or last step is a kept event
  std::size_t kept_at_ = 0;  // which
};

}  // namespace papaya::sim
