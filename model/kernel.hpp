// Kernel: the simulated Unix kernel as a state machine over plain values. It owns the process
// table, the open file descriptions, inodes, pipes and sockets, and the virtual clock. It has no
// scheduler, no fibers and no I/O: the executor (sim/) submits each process's pending operation,
// asks which processes are ready, and steps one of them. Every nondeterministic choice goes to
// the Choices given at construction.
//
// One rule, one function: each private member below implements one kernel rule and carries its
// man page sentence (man-pages 6.03) as its comment in the .cpp files; docs/kernel-rules.md lists
// them. REQUIRES clauses are asserted; a broken invariant aborts (model/check.hpp).
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/check.hpp"
#include "model/decision.hpp"
#include "model/limits.hpp"
#include "model/objects.hpp"
#include "model/op.hpp"
#include "model/outcome.hpp"
#include "model/process.hpp"
#include "model/table.hpp"
#include "os/result.hpp"

namespace papaya::model {

class StateHasher;

// What a pending operation touches, known before it runs (for dependency analysis).
enum class ObjKind : std::uint8_t {
  process,
  group,
  file,
  inode,
  pipe,
  socket,
  listener,
  port,
  clock
};
struct Touch {
  ObjKind kind;
  std::uint32_t id;
  friend bool operator==(const Touch&, const Touch&) = default;
};
struct Footprint {
  std::vector<Touch> touches;
  bool global = false;  // touches everything (fork, exit, kill(-1)): dependent on every step
};

struct KernelConfig {
  bool offer_faults = false;  // offer short sends as decisions (Linux permits them there)
  // Disk full as a fault: the regular file at this path (the chat log) lives alone on a small file
  // system. At each write to it the chooser decides whether that file system fills (and how many
  // of the write's bytes still fit) and, once full, whether space returns. "" : never full.
  std::string disk_full_path;
  // How fork names its child. false (sequential, the default, `papaya sim`): the next pid in
  // order, as a fresh Linux system hands them out. true (the exploring strategies): by the child's
  // fork path, a function of its parent's pid and how many children the parent forked before
  // (path_child_pid), so forks of different parents commute: equivalent executions name every
  // process alike whatever order its ancestors' siblings were forked in (docs/explore.md,
  // "Independence"). Linux promises neither; nothing in chat/ reads a pid's value.
  bool path_pids = false;
};

// The pid of the nth (0-based) child of `parent` under path pids: the children of a process are
// numbered like an implicit tree of fanout limits::path_pid_fanout (F): (parent - 1) * F + 2 + n.
// Injective: a pid x >= 2 has the parent (x - 2) / F + 1 and is its child number (x - 2) % F.
// 0 when there is none (n >= F, or the pid would reach limits::pid_max): fork fails with EAGAIN.
Pid path_child_pid(Pid parent, std::uint32_t n);

class Kernel {
 public:
  using Config = KernelConfig;
  explicit Kernel(Choices& choices, Config config = {});

  // ---- the executor's interface
  // Creates pid 1, leader of its own process group and session, fds 0-2 open on a null device.
  Pid create_init();
  // The process's next operation. REQUIRES: live, nothing pending.
  void submit(Pid pid, const Op& op);
  // Whether stepping `pid` now would do something: its op is not blocked, or it was woken (its
  // channel changed so that it can proceed, or a signal it would act on is deliverable).
  // A signal is pending and unblocked whose action is to terminate the process (SIGKILL, or a
  // default action that terminates): the process dies at its next step.
  bool fatal_signal_pending(Pid pid) const { return fatal_pending(process(pid)).has_value(); }
  // A pending, unblocked signal that would do something (terminate it, or run its handler).
  bool signal_pending_acts(Pid pid) const { return signal_wakes(process(pid)); }
  bool ready(Pid pid) {
    PAPAYA_ASSERT(pid > 0 && static_cast<std::size_t>(pid) < table_.size(), "ready: no such pid");
    Process& p = *table_[static_cast<std::size_t>(pid)];
    if (!p.blocked) return p.state == ProcState::live && p.pending.has_value();
    return blocked_ready_inline(p);
  }
  // ready(pid), without looking at a process nothing happened to since it was last found not
  // ready. A process becomes ready only at a submit, a step that leaves its call in progress (the
  // next page of a write), a wake of its channel, a signal generated for it or a timer; each
  // marks it (may_be_ready), and only a ready() that answers no unmarks it. So a blocked process
  // nothing woke costs one bit test. check_invariants checks that every process ready() could
  // hold for is marked.
  bool ready_if_marked(Pid pid) {
    const auto i = static_cast<std::size_t>(pid);
    PAPAYA_ASSERT(pid > 0 && i < table_.size(), "ready: no such pid");
    if ((marked_[i / 64] & (std::uint64_t{1} << (i % 64))) == 0) return false;
    if (ready(pid)) return true;
    marked_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
    return false;
  }
  // Calls f(pid) for every process ready() holds for, in pid order: the same processes as asking
  // ready() of every process, found by visiting the marked ones only (see ready_if_marked).
  // f must not change the kernel. (The test is ready()'s.)
  template <class F>
  void for_each_ready(F&& f) {
    const std::size_t words = (table_.size() + 63) / 64;
    for (std::size_t w = 0; w < words; ++w) {
      for (std::uint64_t bits = marked_[w]; bits != 0; bits &= bits - 1) {
        const int b = std::countr_zero(bits);
        const auto pid = static_cast<Pid>(w * 64 + static_cast<std::size_t>(b));
        Process& p = *table_[static_cast<std::size_t>(pid)];  // pid < table_.size(): marked
        if (!p.blocked ? p.state == ProcState::live && p.pending.has_value()
                       : blocked_ready_inline(p))
          f(pid);
        else
          marked_[w] &= ~(std::uint64_t{1} << b);
      }
    }
  }
  // Runs the pending operation of `pid` (one step of it): signals first, then the operation.
  Outcome step(Pid pid);
  bool has_pending(Pid pid) const;
  // ---- a process's other threads (model/process.hpp Task): tid 1.. (0 is the first thread).
  // Whether `op` may run on a thread of `pid` other than its first: a call on a regular file
  // (read, write, pread, pwrite, lseek, file size, ftruncate), whose waits are the inode's and
  // the description's locks, never a signal.
  bool runs_on_a_task(Pid pid, const Op& op) const;
  // A thread of `pid` other than its first with nothing pending (a new one if none is idle).
  std::uint16_t idle_task(Pid pid);
  void submit(Pid pid, std::uint16_t tid, const Op& op);
  bool ready(Pid pid, std::uint16_t tid);
  // One step of thread `tid`'s call. No signal is delivered to it (the first thread takes them).
  Outcome step(Pid pid, std::uint16_t tid);
  const Op* pending(Pid pid, std::uint16_t tid) const;
  // Marks every socket of `pid` O_NONBLOCK, as Go's net package does for a goroutine program.
  void set_nonblocking_sockets(Pid pid);
  // Whether `op`, run by `pid` now, would block (what epoll's readiness says of its descriptor).
  bool would_block(Pid pid, const Op& op) const;
  // SIGKILL from outside the simulated world (kill -9 by an operator): generated like kill(2)'s,
  // so the process dies at its next step, even between two pages of a write.
  void kill_from_outside(Pid pid);

  // ---- time
  Duration now() const { return now_; }
  std::optional<Duration> next_timer() const;  // earliest alarm or sleep deadline
  void advance_to(Duration t);                 // REQUIRES: t >= now(); fires due timers

  // ---- inspection
  const Process& process(Pid pid) const;
  // The largest pid created so far (sequential pids: the last one handed out).
  Pid last_pid() const { return static_cast<Pid>(table_.size()) - 1; }
  // Whether `pid` names a process created in this run (live, zombie or reaped).
  bool exists(Pid pid) const {
    return pid > 0 && static_cast<std::size_t>(pid) < table_.size() &&
           table_[static_cast<std::size_t>(pid)] != nullptr;
  }
  // Processes created in this run, init included.
  int processes_created() const { return static_cast<int>(procs_.size()) - 1; }
  // Calls f(process) for every process created in this run, in pid order.
  template <class F>
  void for_each_process(F&& f) const {
    for (std::size_t i = 1; i < table_.size(); ++i)
      if (table_[i] != nullptr) f(static_cast<const Process&>(*table_[i]));
  }
  bool path_pids() const { return config_.path_pids; }
  // The pid the pending (or next) fork of `parent` gives its child; 0 when it fails with EAGAIN.
  Pid next_child_pid(Pid parent) const;
  bool live(Pid pid) const;
  std::optional<std::string> file_contents(std::string_view path) const;
  Footprint footprint(Pid pid) const;
  // For dependency analysis (sim/independence.cpp): a description, a stream end's peer.
  const OpenFile& open_file(OfdId id) const { return files_[id]; }
  SockId peer_of(SockId id) const { return socks_[id].peer; }
  const SockEnd& sock(SockId id) const { return socks_[id]; }
  const Listener& listener(std::uint32_t id) const { return listeners_[id]; }
  const PipeObj& pipe(PipeId id) const { return pipes_[id]; }
  // Stricter than Linux: things Linux permits that a correct program should not do (unlocking a
  // lock not held, exiting with a lock held, reading a hole). Drained by the executor.
  std::vector<std::string> take_warnings();
  bool has_warnings() const { return !warnings_.empty(); }
  // Paired checks of the object graph: descriptor references equal `refs`; lock holders mirror
  // each description's `lock`; stream byte counts match their segments.
  void check_invariants() const;
  // Feeds every field of every object (processes, descriptions, inodes, names, pipes, sockets,
  // listeners, ports, the clock) into `h`: the kernel's part of a visited state's key
  // (model/state_hash.cpp, sim/state_cache.hpp).
  void hash_state(StateHasher& h) const;

 private:
  struct Delivery {
    bool handler_ran = false;
    bool restart = true;  // every handler that ran had SA_RESTART
    std::optional<Sig> fatal;
  };

  Process& proc(Pid pid);
  const Process& proc(Pid pid) const;
  // Calls f(process) for every process created in this run, in pid order (holes skipped).
  template <class F>
  void each_process(F&& f) {
    for (std::size_t i = 1; i < table_.size(); ++i)
      if (table_[i] != nullptr) f(*table_[i]);
  }
  // Puts thread `tid`'s call state into `p`'s fields (and the first thread's into its slot), or
  // back. Rules see the thread that steps as `p`.
  static void swap_task(Process& p, std::uint16_t tid);
  Outcome run_pending(Process& p);
  // The lock owner a thread is (the inode's writer, the f_pos_lock holder): its tid in Linux.
  static Pid owner(const Process& p);
  void end_tasks(Process& p);
  bool blocked_ready(Process& p);
  // blocked_ready's common case inline: no deliverable signal and a channel that did not change
  // since the last evaluation, where the answer is `woken` as it was (a process woken, but not
  // chosen yet, is asked again at every step: 0.9 calls a step of a chat run, docs/performance.md
  // "Wave 10"). The rest is blocked_ready's.
  bool blocked_ready_inline(Process& p) {
    if (!p.recheck && (p.pending_signals.bits() & ~p.mask.bits()) == 0)
      return p.woken && p.state == ProcState::live && p.pending.has_value();
    return blocked_ready(p);
  }
  // Marks `p` as one ready() must be asked about again (ready_if_marked).
  void may_be_ready(const Process& p) {
    const auto i = static_cast<std::size_t>(p.pid);
    marked_[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  // The description `fd` of `p` refers to, or null. Inline: every descriptor call and most
  // readiness re-checks look one up (docs/performance.md, "Wave 10").
  OpenFile* file_of(Process& p, Fd fd) {
    return const_cast<OpenFile*>(std::as_const(*this).file_of(std::as_const(p), fd));
  }
  const OpenFile* file_of(const Process& p, Fd fd) const {
    if (fd < 0 || static_cast<std::size_t>(fd) >= p.fds.size()) return nullptr;
    const OfdId id = p.fds[static_cast<std::size_t>(fd)];
    return id == 0 ? nullptr : &files_[id];
  }
  void warn(std::string what);
  // Marks every thread blocked on `chan` for a re-check (and its process as may-be-ready). Most
  // wakes find nobody on their channel: the buckets say so without a look at the sleepers.
  void wake(Chan chan) {
    if ((chan_buckets_ & (std::uint64_t{1} << chan_bucket(chan))) != 0) wake_sleepers(chan);
  }
  void wake_sleepers(Chan chan);
  // Which of 64 buckets a channel's sleepers are counted in (chan_sleepers_).
  static unsigned chan_bucket(Chan chan) {
    const std::uint64_t key = std::uint64_t{chan.id} << 8 | static_cast<std::uint64_t>(chan.kind);
    return static_cast<unsigned>((key * 0x9e3779b97f4a7c15ull) >> 58);
  }
  // The thread whose call state `p`'s fields hold now (p.task) blocks on p.chan, or stops being
  // blocked (if it was): `blocked` and sleepers_ change together.
  void set_blocked(Process& p);
  void clear_blocked(Process& p);
  Outcome block(Process& p, Chan chan);
  bool can_proceed(const Process& p) const { return can_proceed(p, *p.pending); }
  bool can_proceed(const Process& p, const Op& op) const;
  Outcome interrupted(Process& p);

  // processes (proc_rules.cpp)
  Outcome sys(Process& p, const op::Fork&);
  Outcome sys(Process& p, const op::Exit&);
  Outcome sys(Process& p, const op::Getpid&);
  Outcome sys(Process& p, const op::Waitpid&);
  Outcome sys(Process& p, const op::Setsid&);
  Outcome sys(Process& p, const op::Setpgid&);
  Outcome sys(Process& p, const op::Getpgid&);
  Outcome sys(Process& p, const op::Exec&);
  void exec_reset_caught_signals(Process& p);
  void exec_close_cloexec_descriptors(Process& p);
  Outcome sys(Process& p, const op::Getppid&);
  Outcome sys(Process& p, const op::SetPdeathsig&);
  void do_exit(Process& p, WaitStatus how);
  void close_all_descriptors(Process& p);
  void reparent_children(Process& p);
  void send_parent_death_signal(Process& child);
  void notify_parent(Process& p);
  void reap(Process& child);
  bool waitpid_matches(const Process& p, Pid want, const Process& child) const;
  bool waitpid_can_proceed(const Process& p, const op::Waitpid& o) const;
  bool group_exists_in_session(Pid pgid, Pid sid) const;

  // signals (signal_rules.cpp)
  Outcome sys(Process& p, const op::Kill&);
  Outcome sys(Process& p, const op::Sigaction&);
  Outcome sys(Process& p, const op::Sigprocmask&);
  Outcome sys(Process& p, const op::Sigsuspend&);
  Outcome sys(Process& p, const op::Pause&);
  Outcome sys(Process& p, const op::TakeCaught&);
  Outcome sys(Process& p, const op::Alarm&);
  void generate(Process& target, Sig sig);
  static bool default_terminates(Sig sig);
  static bool discarded_at_generation(const Process& p, Sig sig);
  Delivery deliver(Process& p);
  std::optional<Sig> fatal_pending(const Process& p) const;
  bool signal_wakes(const Process& p) const;
  static bool restartable(OpKind kind, const Process& p);
  static bool interruptible(ChanKind kind);
  Outcome terminate(Process& p, Sig sig);

  // files (file_rules.cpp)
  Outcome sys(Process& p, const op::Open&);
  Outcome sys(Process& p, const op::Close&);
  Outcome sys(Process& p, const op::Dup&);
  Outcome sys(Process& p, const op::Read&);
  Outcome sys(Process& p, const op::Write&);
  Outcome sys(Process& p, const op::Pread&);
  Outcome sys(Process& p, const op::Pwrite&);
  Outcome sys(Process& p, const op::Lseek&);
  Outcome sys(Process& p, const op::FileSize&);
  Outcome sys(Process& p, const op::Unlink&);
  Outcome sys(Process& p, const op::Ftruncate&);
  std::optional<Fd> lowest_free_fd(const Process& p) const;
  Result<OfdId> new_open_file(FileKind kind, OpenFlags flags, std::uint32_t object);
  Outcome install_fd(Process& p, OfdId ofd, bool cloexec = false);
  void release_description(OfdId id);
  void close_fd(Process& p, Fd fd);
  std::size_t read_inode(OpenFile& f, Inode& ino, std::span<char> buf, Offset off);
  Outcome write_regular(Process& p, OfdId id, std::string_view bytes, std::optional<Offset> at);
  // The disk-full fault's decisions at the first step of a write to `ino` (file_rules.cpp).
  void offer_disk_full(InodeId ino, std::size_t count);
  // How many of the `n` bytes a page of a write at `pos` of `ino` may add under the file
  // system's size limit (n when there is none).
  std::size_t fs_room(InodeId ino, Offset pos, std::size_t n) const;
  void finish_write(Process& p);
  bool pos_lock_free(const Process& p, const OpenFile& f) const;
  bool writer_lock_free(const Process& p, const Inode& ino) const;
  static bool readable(const OpenFile& f);
  static bool writable(const OpenFile& f);

  // flock (flock_rules.cpp)
  Outcome sys(Process& p, const op::Flock&);
  Outcome flock_step(Process& p, const op::Flock& o);
  Outcome flock_lock_inode(Process& p, OfdId id, LockMode want, bool nonblocking);
  static bool flock_locks_conflict(OfdId a, LockMode a_mode, OfdId b, LockMode b_mode);
  OfdId flock_first_conflict(const Inode& ino, OfdId ofd, LockMode want) const;
  void flock_insert_block(Process& p, OfdId blocker);
  void flock_wake_blocks(std::vector<Pid>& blocked);
  void flock_delete_block(Process& p);
  void flock_release(OfdId id);
  void flock_grant(OfdId id, LockMode mode, Process& by);

  // pipes (pipe_rules.cpp)
  Outcome sys(Process& p, const op::Pipe&);
  Outcome pipe_read(Process& p, PipeObj& pipe, PipeId id, std::span<char> buf);
  Outcome pipe_write(Process& p, PipeObj& pipe, PipeId id, std::string_view bytes);
  static bool pipe_read_can_proceed(const PipeObj& pipe);
  static bool pipe_write_can_proceed(const PipeObj& pipe, std::size_t want);

  // sockets (socket_rules.cpp)
  Outcome sys(Process& p, const op::Listen&);
  Outcome sys(Process& p, const op::LocalPort&);
  Outcome sys(Process& p, const op::Accept&);
  Outcome sys(Process& p, const op::Connect&);
  Outcome sys(Process& p, const op::Recv&);
  Outcome sys(Process& p, const op::Send&);
  Outcome sys(Process& p, const op::Shutdown&);
  Outcome sock_recv(Process& p, SockId id, std::span<char> buf);
  Outcome sock_send(Process& p, SockId id, std::string_view bytes, bool nosignal);
  Outcome send_result(Process& p, Outcome out);
  void enqueue_segments(SockEnd& to, std::string_view bytes);
  std::size_t arrived_bytes(const SockEnd& s, std::size_t want);
  bool recv_can_proceed(const SockEnd& s) const;
  bool send_can_proceed(const SockEnd& s, std::size_t want) const;
  bool connect_can_proceed(std::uint16_t port) const;
  void close_socket_end(SockId id);
  void close_listener(std::uint32_t id);
  std::optional<std::uint16_t> ephemeral_port();

  // time and logging (time_rules.cpp)
  Outcome sys(Process& p, const op::Now&);
  Outcome sys(Process& p, const op::Sleep&);
  Outcome sys(Process& p, const op::Log&);

  Choices& choices_;
  Config config_;
  Duration now_{0};
  // With sequential pids procs_[pid] is table_[pid]; path pids leave holes (null) in table_.
  std::deque<Process> procs_;    // creation order; [0] unused (a deque: references stay valid)
  std::vector<Process*> table_;  // index = pid: the process, or null (no process has that pid)
  Table<OpenFile> files_;        // index = OfdId; [0] unused
  Table<Inode> inodes_;          // index = InodeId; [0] unused
  Table<PipeObj> pipes_;         // index = PipeId; [0] unused
  Table<SockEnd> socks_;         // index = SockId; [0] unused
  Table<Listener> listeners_;    // index = listener id; [0] unused
  std::map<std::string, InodeId, std::less<>> names_;  // the flat file namespace
  std::map<std::uint16_t, std::uint32_t> ports_;       // port -> open listener
  std::uint16_t next_ephemeral_ = 0;
  // Every blocked thread: its channel, process and thread (derived from the processes' and
  // threads' `blocked` and `chan`, paired in check_invariants). wake() looks at these instead of
  // the whole process table. Unordered: a wake only sets flags, whatever order it finds them in.
  struct Sleeper {
    Chan chan;
    Pid pid = 0;
    std::uint16_t tid = 0;
  };
  std::vector<Sleeper> sleepers_;
  // The sleepers counted by their channel's bucket (chan_bucket), and bit b set while bucket b
  // counts any: a wake of a channel whose bucket is empty has nobody to wake. Derived from
  // sleepers_ (changed with it, paired in check_invariants), not hashed.
  std::array<std::uint32_t, 64> chan_sleepers_{};
  std::uint64_t chan_buckets_ = 0;
  // Bit pid: the process may be ready (ready_if_marked). Every process ready() holds for is
  // marked; a marked one may not be ready. Derived state, not hashed (model/state_hash.cpp).
  std::array<std::uint64_t, limits::pid_max / 64> marked_{};
  std::vector<std::string> warnings_;
  // The disk-full fault: the log's file system's size limit while it is full (nullopt: room).
  std::optional<std::uint64_t> fs_limit_;
};

}  // namespace papaya::model
