// Trace: the record of one simulated run, kept compactly in memory while the run goes (no JSON is
// built per step) and serialised to versioned JSON Lines on request (traces/jsonl.hpp).
//
// A trace is a header (what was run: papaya version, format version, design, variant, scenario
// parameters, seed, strategy), one Step per scheduling step (which process, which operation with
// its arguments, what it did, the decisions taken, the call site), and the verdict.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/decision.hpp"
#include "model/go/events.hpp"
#include "model/go/runtime.hpp"
#include "model/op.hpp"
#include "model/outcome.hpp"
#include "os/errno.hpp"
#include "os/types.hpp"
#include "traces/chunked.hpp"
#include "traces/verdict.hpp"

namespace papaya::traces {

// 2: steps name the goroutine (and the kernel thread) that made them ("g", "m"); version 1 traces
// predate that and are refused (re-record them).
inline constexpr int format_version = 2;

// kill -9 from outside the simulated world (an operator, the OOM killer): at the start of step
// `step`, SIGKILL goes to process `pid` (when not 0), else to the (pick mod n)-th, in pid order, of
// the n live processes outside init's process group (the system under test: a chat scenario puts
// its server in a group of its own), and that process takes step `step` at once: its death.
// Nothing happens when there is no such live process (init is never a victim).
struct KillFault {
  std::uint64_t step = 0;
  std::uint32_t pick = 0;
  Pid pid = 0;
  friend bool operator==(const KillFault&, const KillFault&) = default;
};
// "kill -9 at step 120 of process 4", "kill -9 at step 120 of live server process 1 (pick)".
std::string describe_kill(const KillFault& k);

struct Header {
  std::string papaya_version;
  std::string design;                // "process", ... ("" for a bare Os program)
  std::string variant;               // "correct", ...
  std::string scenario_json = "{}";  // the scenario's parameters, one JSON object
  std::uint64_t seed = 0;
  std::string strategy;  // "random", "replay"
  std::uint64_t max_steps = 0;
  bool faults = false;
  std::vector<KillFault> kills;  // in step order (written only when there are some)
  // The disk-full fault: the file alone on a file system that may fill (sim::Options::disk_full;
  // written only when set; absent: never full). Its fault decisions are in the steps' "dec".
  std::string disk_full;
  // Goroutine programs' runtime (written only when not the defaults, so older traces read back
  // with GOMAXPROCS 2 and no preemption offered).
  int gomaxprocs = 2;
  bool go_preempt = false;
  // Pids named by fork path (sim::Options::path_pids; written as "pids": "path" only when set, so
  // older traces and `papaya sim`'s read back with pids in order).
  bool path_pids = false;
};

struct Decision {
  model::DecisionKind kind = model::DecisionKind::schedule;
  std::uint32_t options = 0;  // how many there were (>= 2: single options are not decisions)
  std::uint32_t chosen = 0;   // which one, in [0, options)
  friend bool operator==(const Decision&, const Decision&) = default;
};

inline constexpr std::uint32_t no_text = 0xffffffffu;

// One scheduling step: the chosen process's pending operation ran (or a step of it did). Its
// position in Trace::steps is its step number. Kept small and trivially copyable (104 bytes).
// The actor is `pid` and, in a goroutine program, goroutine `g` (0: a plain process, or a Go
// program's step no goroutine made: its death by a signal) on the process's kernel thread `m`
// (0: its first thread; the M that ran the goroutine's system call).
struct Step {
  std::int64_t time_ns = 0;
  std::int64_t ret = 0;  // the value (done); exit code (exited normally)
  std::array<std::int64_t, 3> args{};
  const char* file = "";  // call site (std::source_location: static storage)
  Pid pid = 0;
  std::int32_t ret2 =
      0;  // second value (pipe's write end; waitpid's status); signal (exited by one)
  std::uint32_t text = no_text;      // index into Trace::texts (path, host, log message)
  std::uint32_t first_decision = 0;  // this step's decisions: decisions[first, first + count)
  std::uint32_t line : 31 = 0;
  std::uint32_t killed_from_outside : 1 = 0;  // this step is a KillFault's victim dying
  std::uint32_t inode =
      0;  // a regular file's inode (0: none); its bytes this step: [pos, pos+moved)
  std::int64_t pos = 0;
  std::int64_t moved = 0;
  std::uint16_t decision_count = 0;
  model::OpKind op = model::OpKind::getpid;
  model::StepStatus status = model::StepStatus::done;
  Errno err = Errno::ok;
  std::uint32_t g = 0;
  std::uint16_t m = 0;
};

static_assert(sizeof(Step) <= 104, "keep trace steps small: one is appended per scheduling step");

// A warning whose text starts with this marks the step at which a property broke (written by
// check/minimise.cpp into counterexamples; the renderer highlights it).
inline constexpr std::string_view violation_prefix = "violation: ";

struct Warning {
  std::uint64_t step = 0;
  std::string text;
};

// A goroutine's sync.RWMutex call that returned (RLock and Lock: it holds the lock now). A
// goroutine's runtime steps are not trace steps: it happened after step `step - 1`, before step
// `step`. The History reads the log guard's acquisitions and releases off these
// (check/log_events.cpp). Written as {"type":"go_lock","step":N,"pid":P,"g":G,"rw":R,
// "op":"rlock"} lines.
struct GoLockEvent {
  enum class Kind : std::uint8_t { rlock, runlock, lock, unlock };
  std::uint64_t step = 0;
  Pid pid = 0;
  std::uint32_t g = 0;
  std::uint32_t rw = 0;  // the RWMutex's id in its process's runtime
  Kind kind = Kind::rlock;
  friend bool operator==(const GoLockEvent&, const GoLockEvent&) = default;
};
std::string_view go_lock_kind_name(GoLockEvent::Kind k);
// A Go runtime's step, or another moment its G/P states changed, between two trace steps: written
// as a "go" line before step `at` (traces/jsonl.hpp), with the changes it made (go_events).
enum class GoBy : std::uint8_t { p, exitsyscall, poller, sysmon, start };
std::string go_by_name(GoBy b, std::uint32_t id);  // "P0", "exitsyscall", "sysmon", ...
inline constexpr std::uint8_t no_go_op = 0xff;

struct GoRecord {
  std::uint64_t at = 0;   // the trace step it comes before (the steps recorded so far)
  const char* file = "";  // the goroutine operation's call site ("" when none)
  Pid pid = 0;
  std::uint32_t by_id = 0;  // the P, for GoBy::p
  std::uint32_t g = 0;      // the goroutine whose operation ran (0: the scheduler only)
  std::uint32_t obj = 0;    // its object: Mutex, RWMutex, Cond, channel or poll descriptor id
  std::uint32_t line = 0;
  std::uint32_t first_event = 0;  // Trace::go_events[first_event, first_event + event_count)
  std::uint32_t event_count = 0;
  GoBy by = GoBy::p;
  std::uint8_t op = no_go_op;  // the GoOp's index (model::go::go_op_index_name)
  model::go::GoStatus status = model::go::GoStatus::done;
};

struct Trace {
  Header header;
  Chunked<Step> steps;
  std::vector<GoLockEvent> go_locks;  // in order
  std::vector<GoRecord> go;           // in order; go[i].at non-decreasing
  std::vector<model::go::GoEvent> go_events;
  std::vector<Decision> decisions;
  std::vector<std::string> texts;
  std::vector<Warning> warnings;
  // the verdict line
  Verdict verdict = Verdict::ok;
  std::string detail;
  std::int64_t virtual_time_ns = 0;
};

// A trace read back: enough to replay it (header, decisions) and to check a replay against it
// (each step's line in canonical form).
struct LoadedTrace {
  Header header;
  std::vector<Decision> decisions;
  std::vector<std::string> step_lines;  // canonical serialisation of each step line
  std::vector<std::string> go_lines;    // and of each "go" line (G/P state changes)
  Verdict verdict = Verdict::ok;
  std::string detail;
  std::uint64_t steps = 0;
};

}  // namespace papaya::traces
