// RenderModel: a trace as the renderers see it. Parsed from the JSON Lines file (load.hpp) into
// one Event per step, then annotated by the inference passes (infer.hpp): one lane per process
// with its role, the cross-process edges (fork, kill -> effect, unlock -> grant, write -> read,
// exit -> reap) and the intervals (flock held, blocked). The renderers (dot.hpp, perfetto.hpp)
// are pure functions of a RenderModel and RenderOptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/op.hpp"
#include "model/outcome.hpp"
#include "traces/trace.hpp"

namespace papaya::render {

// One argument of an operation as the trace wrote it.
struct Arg {
  std::string name;
  std::string text;                    // as shown: "3", "SIGUSR1", "ex", "{SIGINT,SIGTERM}", "true"
  std::optional<std::int64_t> number;  // the integer (booleans as 0/1), when it is one
};

// One step of the trace.
struct Event {
  std::size_t step = 0;
  std::size_t line = 0;  // the step's line in the file (1-based), for messages
  std::int64_t time_ns = 0;
  Pid pid = 0;
  model::OpKind op = model::OpKind::getpid;
  std::vector<Arg> args;
  std::string text;  // path, host or log message ("" if none)
  model::StepStatus status = model::StepStatus::done;
  std::string err;                        // "EINTR"; "" when the call succeeded (or did not finish)
  std::optional<std::int64_t> ret;        // done without errno
  std::optional<std::int64_t> ret2;       // pipe's write end
  std::optional<std::int64_t> exit_code;  // exited normally (or waitpid's child did)
  std::string term_signal;                // killed by this signal (or waitpid's child was)
  bool killed_from_outside = false;       // "fault": "kill -9": a KillFault's victim
  std::uint32_t inode = 0;                // a regular file's inode (0: none)
  std::optional<std::int64_t> pos;        // its bytes this step: [pos, pos + moved)
  std::optional<std::int64_t> moved;
  std::string site;     // call site "chat/process_recv.cpp:45"
  std::uint32_t g = 0;  // a Go program's step: the goroutine whose syscall it is (0: not Go)

  const Arg* arg(std::string_view name) const;
  std::optional<std::int64_t> num(std::string_view name) const;  // the argument's integer
  std::string_view str(std::string_view name) const;             // its text ("" if absent)
  bool ok() const { return status == model::StepStatus::done && err.empty(); }
  std::string_view site_file() const;  // "chat/process_recv.cpp"
};

struct Warning {
  std::size_t step = 0;
  std::string text;
};

// One process: its steps in order and what it is.
struct Lane {
  Pid pid = 0;
  Pid parent = 0;                  // 0: unknown (init, or forked before the trace)
  std::string role;                // "init", "daemon", "auth -> Child RECV", "client", "" (unknown)
  std::vector<std::size_t> steps;  // indices into RenderModel::events
};

enum class EdgeKind { fork, kill, unlock_grant, write_read, reap };
std::string_view edge_kind_name(EdgeKind k);  // "fork", "kill", "unlock->grant", ...

// A happens-before edge between two steps of different processes (from < to).
struct Edge {
  EdgeKind kind = EdgeKind::fork;
  std::size_t from = 0;
  std::size_t to = 0;
  std::string label;  // "SIGUSR1", "bytes [0,24)", ...
  friend bool operator==(const Edge&, const Edge&) = default;
};

enum class IntervalKind { lock_sh, lock_ex, blocked };
std::string_view interval_kind_name(IntervalKind k);  // "LOCK_SH held", "LOCK_EX held", "blocked"

// A stretch of one process's life: [first, last] are step indices of that process's steps
// (inclusive). A lock is held from its grant to its unlock (or exit); a process is blocked from
// the step that blocked to the step that completed the call.
struct Interval {
  IntervalKind kind = IntervalKind::blocked;
  Pid pid = 0;
  std::size_t first = 0;
  std::size_t last = 0;
  bool open = false;        // never ended within the trace (last = the process's last step)
  std::uint32_t inode = 0;  // locks: the file
  std::string what;         // blocked: the operation ("flock"); locks: ""
  friend bool operator==(const Interval&, const Interval&) = default;
};

// One change of a goroutine's or a P's state (model/go/events.hpp), as a "go" line lists it.
struct GoChange {
  bool is_g = true;
  std::uint32_t id = 0;  // the G, or the P
  std::string from, to, why, wait;
  int p = -1;  // G changes: the P it runs on or leaves
};

// One "go" line: a Go runtime's step (or a sysmon pass, a program's start) before step `at`.
struct GoStep {
  std::size_t seq = 0;  // its index among the go lines
  std::size_t at = 0;   // the trace step it comes before
  std::size_t line = 0;
  Pid pid = 0;
  std::string by;       // "P0", "exitsyscall", "poller", "sysmon", "start"
  std::uint32_t g = 0;  // the goroutine whose operation ran (0: none)
  std::string op;       // "Mutex.Lock", "chan send", ... ("" when none)
  std::uint32_t obj = 0;
  std::string status;  // "done", "parked", ...
  std::string site;
  std::vector<GoChange> changes;
};

// One goroutine of a Go program: its kernel steps (events) and runtime operations (go steps),
// and the P it ran on most (its group in the pictures; -1: it never ran).
struct GoLane {
  Pid pid = 0;
  std::uint32_t g = 0;
  int home_p = -1;
  std::uint32_t parent = 0;           // the goroutine that started it (0: main, or unknown)
  std::vector<std::size_t> steps;     // indices into RenderModel::events
  std::vector<std::size_t> go_steps;  // indices into RenderModel::go (ones with an op)
  std::string role;                   // from its call sites: "accept loop", "hub.cpp", ...
};

// A goroutine's state over a stretch of the merged order (order.hpp): running on P `p`,
// runnable, waiting (on `wait`), in a syscall.
struct GoState {
  Pid pid = 0;
  std::uint32_t g = 0;
  std::string state;  // "running", "runnable", "waiting", "syscall"
  std::string wait;
  int p = -1;
  std::size_t begin = 0;  // merged positions [begin, end)
  std::size_t end = 0;
};

// A goroutine readied or started another: from the go step that did it to the other's next
// drawn item.
struct GoEdge {
  std::string kind;         // "go", "ready"
  std::size_t from_go = 0;  // index into RenderModel::go
  Pid pid = 0;
  std::uint32_t to_g = 0;
  std::string label;  // "chan send", "Mutex.Unlock", ...
};

struct RenderModel {
  std::string name;  // where it came from (file name), for titles
  traces::Header header;
  Verdict verdict = Verdict::ok;
  std::string detail;
  std::vector<Event> events;  // events[i].step == i
  std::vector<Warning> warnings;
  // inferred (build_model)
  std::vector<Lane> lanes;          // by pid
  std::vector<Edge> edges;          // by (from, to, kind)
  std::vector<Interval> intervals;  // by (pid, first)
  // goroutine programs (empty for a process run)
  std::vector<GoStep> go;          // in file order
  std::vector<GoLane> go_lanes;    // by (pid, home P, g)
  std::vector<GoState> go_states;  // by (pid, g, begin)
  std::vector<GoEdge> go_edges;
  // The merged order of steps and go lines (their position in the file among both): for a
  // process run step_pos[i] == i. Pictures order and time everything by it.
  std::vector<std::size_t> step_pos, go_pos;
  std::size_t positions = 0;

  const Lane* lane(Pid pid) const;
  bool is_go(Pid pid) const;  // a Go program: it has goroutine lanes
};

// What to draw. Steps are step indices of the trace.
struct RenderOptions {
  std::vector<std::size_t> highlight;  // drawn as violations (the last step too, verdict not ok)
  bool full = false;                   // DOT: do not collapse runs of uninteresting steps
  std::size_t from = 0;                // the first step drawn
  std::size_t max_steps = 0;           // how many steps from `from` (0: all)
  std::vector<Pid> pids;               // the processes drawn (empty: all)
};

// What the options select: the steps [begin, end) of the processes `pids` (empty: all).
struct Window {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::vector<Pid> pids;
  bool contains(std::size_t step) const { return step >= begin && step < end; }
  bool truncated(std::size_t steps) const { return begin > 0 || end < steps; }
  bool shows(Pid pid) const;
  bool shows(const RenderModel& m, std::size_t step) const {  // in the window, of a drawn process
    return contains(step) && shows(m.events[step].pid);
  }
};
Window window_of(const RenderModel& m, const RenderOptions& o);

// The steps to highlight: the options' ones and, when the verdict is not ok, the last step.
std::vector<std::size_t> highlighted_steps(const RenderModel& m, const RenderOptions& o);

}  // namespace papaya::render
