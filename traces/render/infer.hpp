// The inference passes: what a picture of a trace needs beyond the steps themselves. Each is a
// pure function of the events (best effort: the trace records what each call did, not why).
#pragma once

#include <vector>

#include "traces/render/render_model.hpp"

namespace papaya::render {

// One lane per process (by pid), its parent (from fork's return) and its role:
//   pid 1 -> "init"; a process that calls accept -> "daemon"; otherwise the chat roles its call
//   sites name, in order of appearance (chat/process/process_auth.cpp "auth",
//   chat/process/process_recv.cpp "Child RECV", chat/process/process_send.cpp "Child SEND",
//   chat/scenario/scenario.cpp "client"), joined by " -> " ("auth -> Child RECV": the cluster
//   leader authenticates, then receives).
std::vector<Lane> infer_lanes(const std::vector<Event>& events);

// fork -> the child's first step; a child's exit -> the waitpid that reaped it; kill -> the
// signal's effect in each target: the target's next step that exits by that signal, returns
// EINTR (a caught signal) or finds it caught (take_caught = 1). Targets follow kill(2)'s pid
// rules with the process groups the trace's fork/setpgid/setsid steps give; a target whose
// disposition for the signal is "ignore" (explicit, or SIGCHLD's default) gets no edge.
std::vector<Edge> infer_process_edges(const std::vector<Event>& events);

// flock(2) hold intervals per process and inode (grant to unlock, exit or end of trace), blocked
// intervals (a step that blocked to the step that completed the call), and unlock -> grant edges:
// a flock granted after blocking comes from the last unlock (or exit of a holder) of the same
// inode by another process while it waited.
struct LockInference {
  std::vector<Interval> intervals;
  std::vector<Edge> edges;
};
LockInference infer_locks(const std::vector<Event>& events);

// write -> read: each read of a regular file's bytes [pos, pos+moved) comes from the latest
// earlier writes of those bytes (same inode); one edge per writing step of another process.
std::vector<Edge> infer_byte_edges(const std::vector<Event>& events);

// Goroutine programs (the "go" lines): each Go program's kernel steps attributed to the goroutine
// whose syscall they are (the step's "g" when the trace has it, else the order in which
// goroutines entered their syscalls: the program's one kernel thread takes them first come, first
// served), one lane per goroutine with the P it ran on most, its states over time, and the
// go/ready edges between goroutines. Fills m.go_lanes, m.go_states, m.go_edges and events' g.
void infer_goroutines(RenderModel& m);

// Runs every pass and stores the results in `m` (lanes, edges sorted, intervals sorted).
void build_model(RenderModel& m);

}  // namespace papaya::render
