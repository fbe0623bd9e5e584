// The Go runtime's G/P state changes into the trace: each Go runtime step (and each sysmon pass
// or program start that changed something) becomes one traces::GoRecord with the changes the
// runtime recorded (model/go/events.hpp). The executor calls these around Runtime::step; the
// records are part of the trace, so replay compares them and determinism covers them.
#pragma once

#include <cstdint>

#include "model/go/runtime.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

// Room for a run's records, made at its first (out of line: once a run).
void reserve_go_records(traces::Trace& t);
// The object a goroutine operation names (0: none): its Mutex, RWMutex, Cond, channel or poll
// descriptor, a select's first case's channel.
std::uint32_t go_op_object(const model::go::GoOp& op);

// Appends the record of the step actor `a` is about to take, made before Runtime::step (the
// goroutine operation it runs is read then): `g` is the goroutine whose pending operation the actor
// runs (0: none), file:line its call site; `at` the trace steps recorded so far. The record is
// completed by finish_go_record after the step (nothing else adds records in between). Inline,
// as finish_go_record: both run at every Go step (a call each cost about 20 instructions).
inline traces::GoRecord& start_go_record(traces::Trace& t, std::uint64_t at, Pid pid,
                                         const model::go::Runtime& rt, model::go::Actor a,
                                         std::uint32_t g, const char* file, std::uint32_t line) {
  namespace go = model::go;
  if (t.go.capacity() == 0) [[unlikely]]
    reserve_go_records(t);
  traces::GoRecord& r = t.go.emplace_back();
  r.at = at;
  r.pid = pid;
  switch (a.kind) {
    case go::Actor::Kind::p: r.by = traces::GoBy::p; break;
    case go::Actor::Kind::syscall_exit: r.by = traces::GoBy::exitsyscall; break;
    case go::Actor::Kind::poller: r.by = traces::GoBy::poller; break;
  }
  r.by_id = a.kind == go::Actor::Kind::p ? a.id : 0;
  if (g == 0) return r;
  const go::G& gg = rt.g(g);
  if (!gg.pending) return r;
  r.g = g;
  r.op = static_cast<std::uint8_t>(gg.pending->index());
  r.obj = go_op_object(*gg.pending);
  r.file = file;
  r.line = line;
  return r;
}

// The step returned `status`: into its record, with the runtime's events (which it takes: the
// runtime appended them to t.go_events itself, Runtime::record_events_into, set by make_go; the
// last new_events() of the list are the record's).
inline void finish_go_record(traces::Trace& t, traces::GoRecord& r, model::go::GoStatus status,
                             model::go::Runtime& rt) {
  r.status = status;
  r.event_count = rt.new_events();
  r.first_event = static_cast<std::uint32_t>(t.go_events.size()) - r.event_count;
  rt.took_new_events();
}

// Appends a record of the runtime's events outside a step (sysmon, start), if there are any.
void record_go_events(traces::Trace& t, std::uint64_t at, Pid pid, traces::GoBy by,
                      model::go::Runtime& rt);

}  // namespace papaya::sim
