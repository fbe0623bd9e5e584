// History: what the property checkers see of one run. A plain value, extracted from a trace
// (properties/from_trace.*) or written by hand in tests. The checkers are pure functions of it.
//
// Events concern the chat log file only; `step` orders them (it is the trace's step number, or any
// increasing number in a hand-made history). A process's lock state is what its own successful
// flock calls say it holds: that is the view the chat code acts on, and the one the shared-ofd
// flaw breaks (another process's LOCK_SH converts "my" LOCK_EX behind my back).
//
// Each event names its actor: the process, and in a goroutine program the goroutine that made the
// call (its trace step's "g"), so two goroutines of one process are two actors, as two processes
// are. A goroutine program's sync.RWMutex guarding the log is seen like flock: RLock/RUnlock are
// LOCK_SH/LOCK_UN, Lock/Unlock are LOCK_EX/LOCK_UN, by the goroutine.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace papaya::properties {

using Step = std::uint64_t;
using ProcessId = std::int32_t;
using GoroutineId = std::uint32_t;

// Who acted: a process (g 0), or goroutine g of a goroutine program.
struct Actor {
  ProcessId pid = 0;
  GoroutineId g = 0;
  friend auto operator<=>(const Actor&, const Actor&) = default;
};
// "process 3", "process 3 goroutine 7".
inline std::string actor_name(Actor a) {
  std::string out = "process " + std::to_string(a.pid);
  if (a.g != 0) out += " goroutine " + std::to_string(a.g);
  return out;
}

enum class LockMode { sh, ex };

struct LogEvent {
  enum class Kind {
    lock_blocked,   // a flock(mode) request on the log had to wait (or an RLock/Lock parked)
    lock_acquired,  // a flock(mode) request on the log succeeded (process now holds `mode`)
    lock_released,  // flock(LOCK_UN) on the log succeeded, or the process closed/exited
    write_begin,    // a write to the log started (bytes [offset, offset+length))
    write_end,      // that write finished (one step after write_begin for a one-page write):
                    // `length` bytes from `offset` written (fewer than begun: a short write)
    write_cut,      // that write ended with its process, `length` bytes from `offset` written
                    // (kill -9 between two pages of it): the log holds a torn line
    read,           // a read of the log returned bytes [offset, offset+length)
    truncate,       // ftruncate(2) of the log to `offset` bytes
  };
  Step step = 0;
  ProcessId pid = 0;
  Kind kind = Kind::read;
  LockMode mode = LockMode::sh;  // lock events
  std::uint64_t offset = 0;      // write_begin, write_cut, read
  std::uint64_t length = 0;      // write_begin: bytes to write; write_cut: written; read: returned
  std::uint64_t requested = 0;   // read: bytes asked for (fewer returned = it reached the end)
  std::uint64_t log_size = 0;    // read: the log's size when it ran (its end, if it reached it)
  bool by_exit = false;          // lock_released: the process was killed (kill -9) holding it
  std::int64_t time_ns = 0;      // virtual time of the step (slow-client's clock)
  GoroutineId g = 0;             // the goroutine of `pid` that made it (0: a plain process)
  bool go_rwmutex = false;       // lock events: of a goroutine's sync.RWMutex, not of flock(2)
  Actor actor() const { return {pid, g}; }
};

// One chunk a client received: its bytes received so far, and when (virtual time).
struct Receipt {
  std::uint64_t bytes = 0;
  std::int64_t time_ns = 0;
};

struct ClientRecord {
  std::string name;                     // e.g. "c1"
  std::vector<std::string> sent_lines;  // whole lines it sent, each ending in '\n'
  std::string received;                 // every byte it received, in order
  bool stayed_to_the_end = true;        // false when it left or vanished before quiescence
  bool lines_may_be_lost = false;       // true when its server cluster was killed (kill -9)
  bool cluster_killed = false;          // a process of the cluster serving it was killed (kill -9)
  bool waited_out = false;              // it ended by its settle alarm, still connected and waiting
                                        // (not a late client, whose normal end that is)
  bool stopped_reading = false;         // its plan: after joining it stops reading (slow-client)
  std::vector<Receipt> receipts;        // what it received when, in order (empty: not recorded)
  std::int64_t connected_ns = 0;        // when it connected
  std::int64_t ended_ns = -1;           // when it ended (-1: not recorded)
};

struct History {
  std::string log;               // the log's bytes at the end of the run
  std::vector<LogEvent> events;  // in step order
  std::vector<ClientRecord> clients;
  std::size_t max_line =
      4096;  // the server's limit ('\n' included): longer lines, or lines with NUL, are refused
  std::size_t history_lines = 7;  // lines a joining client first receives
  bool quiescent = true;          // the run ended with every process done
  std::string end_detail;         // why it did not, when it did not (deadlock, step bound, ...)
  // slow-client: the longest a connected client may wait for a line in the log while another
  // client has stopped reading (virtual time).
  std::int64_t delivery_bound_ns = 1'000'000'000;
};

}  // namespace papaya::properties
