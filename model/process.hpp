// A simulated process as a value: ids, state, fd table, signal state, timers, and its pending
// operation with the wait channel it sleeps on (xv6's proc). The Kernel owns them; the executor
// reads them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/objects.hpp"
#include "model/op.hpp"
#include "os/types.hpp"

namespace papaya::model {

enum class ProcState : std::uint8_t { live, zombie, reaped };

// A wait channel (xv6's `chan`): what a blocked process sleeps on. Any change to that object marks
// its sleepers for a re-check (Kernel::wake).
enum class ChanKind : std::uint8_t {
  none,
  children,     // waitpid: a child of this process (id = the waiter's pid) changed state
  signal,       // pause/sigsuspend: only a signal wakes it
  timer,        // sleep: the clock reaching its deadline
  flock,        // flock: the lock state of inode `id`
  pipe,         // pipe `id`'s bytes or ends
  socket,       // socket end `id`'s receive side (recv) or its peer's (send)
  listener,     // listener `id`'s queue (accept, connect)
  inode_write,  // inode `id`'s writer (i_rwsem): uninterruptible
  ofd_pos,      // description `id`'s f_pos_lock: uninterruptible
};
struct Chan {
  ChanKind kind = ChanKind::none;
  std::uint32_t id = 0;
  friend bool operator==(const Chan&, const Chan&) = default;
};

// The state of an operation that takes several steps: a regular-file write page by page (holding
// the inode's writer lock and, without O_APPEND, the description's f_pos_lock), a pipe write
// larger than PIPE_BUF.
struct Progress {
  bool active = false;
  std::size_t done = 0;  // bytes transferred so far
  Offset pos = 0;        // regular file: where the next page goes
  InodeId inode = 0;     // inode whose writer lock this process holds, or 0
  OfdId pos_ofd = 0;     // description whose f_pos_lock this process holds, or 0
};

// A blocking flock request in progress (fs/locks.c's struct file_lock used as a request): from
// the first time it blocks until the call returns. Requests form trees (fs/locks.c's header
// comment): a request is blocked either on a held lock (`on_request` false, `blocker` the
// description holding it) or on an earlier waiting request it conflicts with (`on_request` true,
// `blocker` that request's pid); `blocked` are the requests blocked on this one, oldest first.
struct FlockWait {
  bool active = false;
  bool queued = false;  // on a blocker's list (fl_blocker set): not yet woken
  bool on_request = false;
  std::uint32_t blocker = 0;
  OfdId ofd = 0;
  LockMode mode = LockMode::none;
  std::vector<Pid> blocked;
};

// A thread of a process other than its first: clone(2) "CLONE_THREAD ... the child is placed in
// the same thread group as the calling process" and "CLONE_FILES ... the calling process and the
// child process share the same file descriptor table". What is its own is a system call in
// progress: its pending operation, the channel it sleeps on, a multi-page write's progress. A
// Go program's M runs a goroutine's system call on one while the process's first thread is busy
// (sim/executor_go.cpp). Tasks run regular-file calls only (Kernel::runs_on_a_task); signals are
// delivered to the first thread.
struct Task {
  std::optional<Op> pending;
  bool blocked = false;
  Chan chan;
  bool recheck = false;
  bool woken = false;
  Progress progress;
};

inline constexpr int signal_slots = 32;  // indexed by signal number

struct Process {
  Pid pid = 0;
  Pid ppid = 0;  // 0: no parent (init, or an orphan after init exited)
  Pid pgid = 0;
  Pid sid = 0;
  std::optional<Sig> parent_death_signal;  // prctl(PR_SET_PDEATHSIG); not inherited by fork
  ProcState state = ProcState::live;
  WaitStatus status;                  // how it ended, once a zombie
  std::vector<OfdId> fds;             // fd -> description; 0 = not open
  std::vector<std::uint8_t> cloexec;  // fd -> FD_CLOEXEC (a descriptor flag; absent = 0)
  std::vector<Pid> children;          // live and zombie children, oldest first
  std::uint32_t forks = 0;            // children it has forked (the path pid of the next one)
  // signals
  std::array<SigAction, signal_slots> actions{};
  SigSet mask;
  SigSet pending_signals;
  SigSet caught;                     // the catch_flag "handlers'" flags (process memory)
  std::optional<SigSet> saved_mask;  // sigsuspend's mask to restore
  // timers (virtual nanoseconds)
  std::optional<Duration> alarm_at;
  std::optional<Duration> sleep_until;
  // the pending operation
  std::optional<Op> pending;
  bool blocked = false;
  Chan chan;
  bool recheck = false;  // blocked, and its channel changed since: re-evaluate
  bool woken = false;    // blocked, and its condition held at the last re-evaluation
  Progress progress;
  FlockWait flock_wait;
  // Its other threads (tid = index + 1), and which one's call state the fields above hold while
  // the kernel steps it (0: the first thread's; the others' are then in `tasks`).
  std::vector<Task> tasks;
  std::uint16_t task = 0;
  // Go's net package puts every socket in O_NONBLOCK mode (internal/poll): a goroutine program's
  // socket calls fail with EAGAIN instead of blocking (Kernel::set_nonblocking_sockets).
  bool nonblocking_sockets = false;
};

}  // namespace papaya::model
