// to_perfetto_json: a trace as Chrome trace-event JSON ({"traceEvents":[...]}), which
// ui.perfetto.dev and chrome://tracing open.
//
// Time: the step index is the timestamp, in microseconds (step 12 is at 12 us, each step lasts
// 1 us): virtual time is 0 for most steps of a run, so it cannot order them (it is in each
// step's args as t_ns). One Perfetto process ("pid" 1) with one thread per simulated process
// (tid = its pid, named by its role). On each thread:
//   - one complete ("X") slice per step, named like the DOT label ("flock(3, LOCK_EX) = 0");
//   - complete slices under them for lock-held intervals ("LOCK_EX held") and blocked intervals
//     ("blocked in flock", from the step that blocked to the one that completed the call);
//   - instant events for warnings, and a global instant ("violation") at highlighted steps.
// Flow events (v1: "s" then "f" with "bp":"e") draw the inferred edges: fork, kill, unlock ->
// grant, write -> read, reap. Steps are slices rather than instants because flows bind to slices.
#pragma once

#include <string>

#include "traces/render/render_model.hpp"

namespace papaya::render {

std::string to_perfetto_json(const RenderModel& m, const RenderOptions& o = {});

}  // namespace papaya::render
