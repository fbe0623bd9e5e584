// Independence of simulated operations, for partial-order reduction (docs/explore.md has every
// choice and its reason). The effect of a process's pending operation is the set of objects it
// reads or writes, computed from the operation and the kernel state before it runs; two steps of
// different processes are dependent when one writes an object the other reads or writes, or when
// either is global. Steps of one process are always ordered (program order).
//
// Objects are finer than Kernel::footprint's: a regular file's bytes and its flock state are two
// objects (flock and pread commute), a child's wait status is its own object (siblings' exits
// commute), file names are objects (open(O_CREAT) of a name not yet created), and the listening
// side of TCP (listen, connect, accept) is one object. Where unsure, an operation writes more.
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "model/op.hpp"
#include "model/outcome.hpp"
#include "os/types.hpp"

namespace papaya::model {
class Kernel;
struct Process;
}  // namespace papaya::model

namespace papaya::sim {

enum class Obj : std::uint8_t {
  process,   // a process's own state: its mask, fds, pgid; every step of it writes it
  alive,     // whether a pid names a process: fork of it and its exit write, kill(pid) reads
  signal,    // signals of one process (id: its pid; which ones: Access::sigs): a generation (kill,
             // a child's exit's SIGCHLD) reads one; a step of the process writes those it would
             // take delivery of (unmasked, not ignored), and so do its mask and action changes
  group,     // process group membership: fork and exit of a member read it, kill(-g) and setpgid
             // write it
  child,     // a process's wait status as its parent sees it (exit writes, waitpid takes)
  pidtable,  // the next pid: fork writes it
  bytes,     // a regular file's (inode's) bytes and size
  locks,     // an inode's flock state
  offset,    // an open file description's offset
  pipe,      // a pipe's bytes and ends
  socket,    // one direction of a stream: the bytes queued into one end (its receive queue)
  sock_state,   // a stream end's flags that its peer's close sets (end-of-file, pending error,
                // reset, peer closed) and its own shutdown
  sock_reset,   // a stream end's reset as its own first send after the peer closed records it
  sock_holder,  // one process's references to one stream end (id: end, process): its drops write
                // it; the peer's sends and its recvs at an empty queue read every process's
  net,          // the listening side of TCP: ports, listeners, their queues
  name,         // a name in the flat file namespace (hash of the path)
  clock,        // virtual time (read only: it moves only when every process is blocked)
  refs,         // a listener's open file description's references: every close writes it
  pgrp,         // a process's process group and session (its pgid, sid): setpgid, setsid write it,
                // getpgid reads it; the process's other steps neither read nor change it
  pipe_end,     // one process's references to one end of a pipe (id: pipe, end, process): its drops
                // write it; a write reads every process's of the read end, a read at end-of-file
                // every process's of the write end
  flock_sh,     // one description's shared flock (id: inode, description): LOCK_SH and LOCK_UN
                // through it write it; an exclusive request reads every description's
  flock_list,   // an inode's flock holder list, in grant order: a granted LOCK_SH appends to it,
                // an exclusive request searches it (a shared release leaves the rest in order)
  // A Go program's runtime (sim/go_footprint.cpp; docs/explore.md "Goroutine operations"). Ids are
  // go_obj_id(pid, the runtime's id of the object).
  go_sched,  // the scheduler: every P's run queue, runnext and status, the global queue, idle Ps,
             // spinning Ms, the netpoller's events and waiters, the goroutines in syscalls
  go_g,      // one goroutine's own state (its pending operation, its syscall's progress)
  go_mutex,  // a sync.Mutex (state bits and semaphore)
  go_rw,     // a sync.RWMutex (reader count, reader and writer semaphores, its writer Mutex)
  go_cond,   // a sync.Cond's notify list
  go_chan,   // a channel (buffer, closed flag, receive and send queues)
  go_kq,     // the queue of goroutine syscalls waiting for the process's first kernel thread
  go_task,   // one of the process's other kernel threads (a Go M running a file call)
  go_p,      // one P's syscall hand-back: whether it is _Psyscall (its goroutine may take it back
             // at exitsyscall) or running again, and its curg and syscalltick meanwhile; its run
             // queue and runnext stay the scheduler's (go_sched)
};

// The id of a Go program's runtime object: the process in the high bits, so two programs' objects
// never meet.
inline std::uint32_t go_obj_id(Pid pid, std::uint32_t id) {
  return (static_cast<std::uint32_t>(pid) << 20) | (id & 0xfffffu);
}

// A signal's bit in an access's signal set: its index in all_signals (they fit in 16 bits),
// looked up by the signal's number (one load, where a search of all_signals cost ~50
// instructions a call in effect_of's loops).
inline constexpr std::array<std::uint16_t, 32> sig_bits = [] {
  std::array<std::uint16_t, 32> b{};
  for (std::size_t i = 0; i < std::size(all_signals); ++i)
    b[static_cast<std::size_t>(all_signals[i])] = static_cast<std::uint16_t>(1u << i);
  return b;
}();
constexpr std::uint16_t sig_bit(Sig s) { return sig_bits[static_cast<std::size_t>(s) & 31u]; }
static_assert(std::size(all_signals) <= 16, "a signal set is 16 bits");
static_assert(
    [] {
      std::uint16_t seen = 0;
      for (Sig s : all_signals) {
        if (static_cast<int>(s) <= 0 || static_cast<int>(s) >= 32 || (seen & sig_bit(s)))
          return false;
        seen = static_cast<std::uint16_t>(seen | sig_bit(s));
      }
      return true;
    }(),
    "every signal numbered below 32, with a bit of its own");

struct Access {
  Obj obj = Obj::process;
  bool write = false;
  // Obj::signal only: which of the process's signals it touches (sig_bit), one access for what
  // were one per signal (a step's deliverable signals, about 8 a step in the chat: one access to
  // look up, compare and store instead of 8). 0 for every other object. (In the padding: an
  // access stays 8 bytes.)
  std::uint16_t sigs = 0;
  std::uint32_t id = 0;
  constexpr Access() = default;
  constexpr Access(Obj o, bool w, std::uint32_t i, std::uint16_t s = 0)
      : obj(o), write(w), sigs(s), id(i) {}
  friend bool operator==(const Access&, const Access&) = default;
};
static_assert(sizeof(Access) == 8);

struct Effect {
  Pid pid = 0;
  bool global = false;  // dependent on every step (setsid, setpgid, kill(-1))
  std::vector<Access> access;
};

// The effect of `pid`'s pending operation in `k`'s current state. REQUIRES: one is pending.
Effect effect_of(const model::Kernel& k, Pid pid);
// Appends the effect to `out` (reusing its storage).
void effect_of(const model::Kernel& k, Pid pid, Effect& out);
// The same, and blocked_step_is_event (below), from one pass over the process's signals.
void effect_of(const model::Kernel& k, Pid pid, Effect& out, bool& blocked_is_event);

// The objects `op`, run by `pid` (on any of its threads), reads and writes, without the process's
// own state and signals: a Go program's other kernel threads (they take no signals and change no
// process state), and what a goroutine's watched call waits on (the netpoller's edges).
void op_effect(const model::Kernel& k, Pid pid, const model::Op& op, Effect& out);

// The effect of a step of a Go program's runtime (an actor, sim/strategy.hpp go_actor_id) when
// nobody says better: global. The executor says better for every step of a run with a Go program
// (Strategy::step_effect, sim/go_footprint.cpp: the runtime objects each step touches); this is
// the fallback for a strategy driven without it.
void go_actor_effect(Pid actor, Effect& out);

// The objects kept per holding process (pipe_end, sock_holder): an id's low 6 bits are the
// holder's slot (1..63), the rest name the end. Slot 0 is the *family*: a read of it reads every
// holder's slot of the end at once (a write or an empty read of the other side looks at all of
// them), one access where there were 63.
inline bool is_family(Obj o) { return o == Obj::pipe_end || o == Obj::sock_holder; }
inline constexpr std::uint32_t family_slot_bits = 6;
inline constexpr std::uint32_t family_slot_mask = (1u << family_slot_bits) - 1;
inline std::uint32_t family_id(std::uint32_t id) { return id & ~family_slot_mask; }

// Whether two accesses conflict: one object, one of them a write. A family access (slot 0 of a
// family object) stands for every slot of its end; a signal access for each signal of its set
// (two signal accesses conflict when they share a signal).
inline bool conflict(const Access& a, const Access& b) {
  if (a.obj != b.obj || !(a.write || b.write)) return false;
  if (a.id == b.id) return a.obj != Obj::signal || (a.sigs & b.sigs) != 0;
  return is_family(a.obj) && family_id(a.id) == family_id(b.id) &&
         ((a.id & family_slot_mask) == 0 || (b.id & family_slot_mask) == 0);
}

// Whether two steps of different processes may be reordered without changing the outcome.
bool dependent(const Effect& a, const Effect& b);

// The effect of `pid`'s pending step should it only block (its process then sleeps in the call;
// no object another process can see changed). One thing still tells "before" from "after" it: a
// caught signal that is not blocked. Delivered at the step (it came first), it sets its flag and
// the call goes to sleep all the same (the lost-wakeup window); coming while the call sleeps, it
// interrupts it (EINTR). So when the process has such a signal, the blocked step is an event with
// the call's whole effect (effect_of): it races with the signal's senders, and with the step that
// would let the call through (connect for accept, exit for waitpid), whose reversal is the run
// where the call does not block at all; dfs, which runs both, names them apart. Otherwise it is
// no event (an empty `out.access`): it neither races nor orders anything. flock's blocked step
// keeps its whole effect too (conservative: a waiter queue makes the order of waiters visible).
// Computed, like effect_of, in the state before the step.
void blocked_effect_of(const model::Kernel& k, Pid pid, Effect& out);
// Whether blocked_effect_of is the whole effect (effect_of), not empty: for a caller that holds
// effect_of already (sim/step_recorder.hpp), without computing it twice.
bool blocked_step_is_event(const model::Kernel& k, Pid pid);

// Whether `pid`'s pending call is a blocking read or recv, into a buffer of at least one byte, of
// a pipe's read end or a stream socket: one that returns 0 (end of file) only once the other
// end's last reference is gone, and sleeps while the channel is empty and the other end open.
// Such a call that returned 0 was enabled by the drop that closed the other end (a close, exit,
// exec or shutdown): run before it, the call would have found the channel as empty and slept
// (sim/event_log.hpp, Event::eof).
bool waits_for_end_of_file(const model::Kernel& k, Pid pid);
// Whether `pid`'s pending call is such a recv or read of a stream end whose queue is empty, with
// a pending ECONNRESET and neither end-of-file nor SHUT_RD: without the error it would sleep.
// The error is set only by the peer's last close with bytes it never read (or the listener's,
// for a connection nobody accepted), so a call that fails with it was enabled by that close,
// as an end-of-file one is by the drop (Event::eof).
bool waits_for_reset(const model::Kernel& k, Pid pid);
// Whether a step of this kind can drop (or shut down) the last reference to a channel's end.
bool may_end_a_channel(model::OpKind kind);

// The channel (a pipe, or the queue into a stream end) that `pid`'s pending call reads, when it
// is one waits_for_end_of_file describes; 0 otherwise. Such a call that returns bytes from a
// channel the last write found empty was enabled by that write (Event::fed).
std::uint64_t channel_read_by(const model::Kernel& k, Pid pid);
// The channel `pid`'s pending write or send of at least one byte appends to, when that channel is
// empty and a blocking read or recv there would sleep (no end-of-file, SHUT_RD or pending
// error); 0 otherwise (Event::fills).
std::uint64_t empty_channel_written_by(const model::Kernel& k, Pid pid);

// Whether a step of this kind can tell a caught signal delivered at it from one delivered at the
// process's next step (it may block, or reads or changes signal state); false: the delivery
// commutes with it (docs/explore.md).
bool observes_caught_signals(model::OpKind kind);
// Of the calls that observe, which caught signals the pending call of `p` observes: take_caught(s)
// only s, sigprocmask only the signals whose blocked state it changes, every other call all.
SigSet caught_signals_observed(const model::Process& p);

std::string_view obj_name(Obj o);

}  // namespace papaya::sim
