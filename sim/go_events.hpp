// The Go runtime's G/P state changes into the trace: each Go runtime step (and each sysmon pass
// or program start that changed something) becomes one traces::GoRecord with the changes the
// runtime recorded (model/go/events.hpp). The executor calls these around Runtime::step; the
// records are part of the trace, so replay compares them and determinism covers them.
#pragma once

#include <cstdint>

#include "model/go/runtime.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

// What is about to step, captured before Runtime::step: the actor and the goroutine operation.
struct GoStepStart {
  traces::GoBy by = traces::GoBy::p;
  std::uint32_t by_id = 0;
  std::uint32_t g = 0;
  std::uint8_t op = traces::no_go_op;
  std::uint32_t obj = 0;
  const char* file = "";
  std::uint32_t line = 0;
};

// `g`: the goroutine whose pending operation the actor runs (0: none); file:line its call site.
GoStepStart go_step_start(const model::go::Runtime& rt, model::go::Actor a, std::uint32_t g,
                          const char* file, std::uint32_t line);

// Appends the record of a step that returned `status` (with the runtime's events, which it
// takes). `at`: the trace steps recorded so far.
void record_go_step(traces::Trace& t, std::uint64_t at, Pid pid, const GoStepStart& s,
                    model::go::GoStatus status, model::go::Runtime& rt);

// Appends a record of the runtime's events outside a step (sysmon, start), if there are any.
void record_go_events(traces::Trace& t, std::uint64_t at, Pid pid, traces::GoBy by,
                      model::go::Runtime& rt);

}  // namespace papaya::sim
