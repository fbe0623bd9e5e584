// GoEvent: one change the runtime made to a goroutine's or a P's state, with why. Go's own
// execution tracer (runtime/trace.go) emits the same moments: traceGoCreate, traceGoStart,
// traceGoPark, traceGoUnpark, traceGoSched, traceGoPreempt, traceGoSysCall, traceGoSysExit,
// traceGoSysBlock, traceGoEnd, traceProcStart, traceProcStop. The runtime records them only when
// asked (Runtime::record_events): a run whose trace is not kept pays one branch per change.
//
// Ms are not objects of the model (runtime.hpp): an M is the thread behind a running P, a
// syscall or the blocked poller, so what an M does shows as its P's events (a P entering
// _Psyscall with its M, handed off by sysmon's retake, taken back at exitsyscall).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "model/go/op.hpp"
#include "model/go/types.hpp"

namespace papaya::model::go {

enum class GoWhy : std::uint8_t {
  start,        // runtime.main on P0 (the main goroutine, P0 running)
  created,      // newproc: _Gdead -> _Grunnable, on the creator's P (runnext)
  schedule,     // execute: a new time slice on the P
  runnext,      // execute from runnext: inherits the time slice
  park,         // gopark: the G's wait reason says on what
  ready,        // goready by the running G (chan, Mutex/RWMutex semaphore, Cond): runnext
  netpoll,      // the netpoller readied it (through the global queue or an idle P)
  gosched,      // runtime.Gosched: to the global queue
  preempted,    // sysmon's preemption landed (gopreempt_m): to the global queue
  yield,        // goyield (a semaphore handoff): to the P's local queue
  syscall,      // entersyscall: the G and its P (with its M) in the syscall
  exitsyscall,  // exitsyscall: back on its old P or an idle one, or to the global queue
  exit,         // goexit
  wakep,        // P: an idle P started with a spinning M
  inject,       // P: an idle P started to run injected Gs (injectglist's startm)
  recheck,      // P: a spinning M took its P back after finding work (checkRunqsNoP)
  idle,         // P: no work; pidleput
  retake,       // P: sysmon retook it from a syscall (handoffp)
  poller,       // P: the M blocked in netpoll took an idle P for what it found
};
std::string_view go_why_name(GoWhy w);  // "created", "ready", ...
std::optional<GoWhy> parse_go_why(std::string_view s);

struct GoEvent {
  enum class Kind : std::uint8_t { g, p } kind = Kind::g;
  std::uint8_t from = 0;  // GStatus or PStatus
  std::uint8_t to = 0;
  GoWhy why = GoWhy::schedule;
  WaitReason wait = WaitReason::none;  // g events to _Gwaiting: on what
  std::uint32_t id = 0;                // the G or the P
  std::int32_t p = -1;  // g events: the P it runs on (to running) or leaves (from running), -1
  friend bool operator==(const GoEvent&, const GoEvent&) = default;
};

// Short state names for traces: "runnable", "running", "syscall", "waiting", "dead"; P: "idle",
// "running", "syscall" (Go's _Grunnable etc. without the prefix).
std::string_view g_state_name(GStatus s);
std::string_view p_state_name(PStatus s);
std::optional<GStatus> parse_g_state(std::string_view s);
std::optional<PStatus> parse_p_state(std::string_view s);
std::optional<WaitReason> parse_wait_reason(std::string_view s);

}  // namespace papaya::model::go
