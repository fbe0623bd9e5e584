// The Go runtime's G/P state changes into the trace: each Go runtime step (and each sysmon pass
// or program start that changed something) becomes one traces::GoRecord with the changes the
// runtime recorded (model/go/events.hpp). The executor calls these around Runtime::step; the
// records are part of the trace, so replay compares them and determinism covers them.
#pragma once

#include <cstdint>

#include "model/go/runtime.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

// Appends the record of the step actor `a` is about to take, made before Runtime::step (the
// goroutine operation it runs is read then): `g` is the goroutine whose pending operation the actor
// runs (0: none), file:line its call site; `at` the trace steps recorded so far. The record is
// completed by finish_go_record after the step (nothing else adds records in between).
traces::GoRecord& start_go_record(traces::Trace& t, std::uint64_t at, Pid pid,
                                  const model::go::Runtime& rt, model::go::Actor a, std::uint32_t g,
                                  const char* file, std::uint32_t line);

// The step returned `status`: into its record, with the runtime's events (which it takes).
void finish_go_record(traces::Trace& t, traces::GoRecord& r, model::go::GoStatus status,
                      model::go::Runtime& rt);

// Appends a record of the runtime's events outside a step (sysmon, start), if there are any.
void record_go_events(traces::Trace& t, std::uint64_t at, Pid pid, traces::GoBy by,
                      model::go::Runtime& rt);

}  // namespace papaya::sim
