// Os: the seam. chat/ talks to the world only through this interface; sim/ implements it on the
// modelled kernel (model/), real/ on Linux. Each member is one syscall-shaped operation with the
// contract of its man page (man-pages 6.03), errors returned as data, never thrown.
//
// Simulation contract (design.md): every call is a scheduling point, and the operation (kind and
// the objects it touches) is known before it runs. The trailing `Site` records the chat/ line that
// made the call; leave it defaulted.
//
// Per-process state lives in the process: a child's body captures what it needs by value. Never
// keep process state in globals: simulated processes share one address space.
#pragma once

#include <cstdint>
#include <functional>
#include <source_location>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "os/go_types.hpp"
#include "os/programs.hpp"
#include "os/result.hpp"
#include "os/types.hpp"

namespace papaya {

using Site = std::source_location;

class Os {
 public:
  virtual ~Os() = default;

  // ---- processes -------------------------------------------------------------------------
  // fork(2): creates a child that runs `child(os)` and then exits with status 0 (unless the body
  // exits first). The child gets a copy of the fd table (sharing open file descriptions, their
  // offsets and flock locks), the signal dispositions and mask, an empty pending set and the
  // caught flags as they were. Returns the child's pid in the parent.
  virtual Result<Pid> fork(std::function<void(Os&)> child, Site = Site::current()) = 0;
  // _exit(2): ends the calling process; closes all its descriptors. Never returns.
  [[noreturn]] virtual void exit(int code, Site = Site::current()) = 0;
  virtual Pid getpid(Site = Site::current()) = 0;
  // waitpid(2): pid > 0 a given child, -1 any child. With `nohang` returns pid 0 when no child has
  // changed state. ECHILD when there is no such child; EINTR when a caught signal interrupts.
  virtual Result<WaitStatus> waitpid(Pid pid, bool nohang, Site = Site::current()) = 0;
  // kill(2): pid > 0 one process; 0 every process in the caller's group (caller included);
  // < -1 every process in group -pid. ESRCH when nothing matched.
  virtual Status kill(Pid pid, Sig sig, Site = Site::current()) = 0;
  // setsid(2): new session and process group led by the caller; EPERM if already a group leader.
  virtual Result<Pid> setsid(Site = Site::current()) = 0;
  // setpgid(2): pid 0 = caller, pgid 0 = same as pid.
  virtual Status setpgid(Pid pid, Pid pgid, Site = Site::current()) = 0;
  // getpgid(2): pid 0 = caller.
  virtual Result<Pid> getpgid(Pid pid, Site = Site::current()) = 0;
  // execve(2) of the registered program `program` (os/programs.hpp) with `args`. Returns only on
  // failure: ENOENT when no program has that name. On success the calling image is gone (its
  // stack unwinds in the sim; Linux replaces it) and `program` runs in the same process: same
  // pid, parent and process group; caught signals reset to the default, ignored ones stay ignored,
  // the blocked mask, the pending signals and the pending alarm stay; descriptors stay open unless
  // close-on-exec (OpenFlags::cloexec, and every socket: see listen), and so do their open file
  // descriptions' offsets and flock locks; the caught flags (process memory) start cleared.
  // The default is for worlds without programs (test doubles): ENOENT.
  virtual Status exec(std::string_view program, ProgramArgs args, Site = Site::current()) {
    (void)program;
    (void)args;
    return Errno::enoent;
  }
  // getppid(2): the caller's parent (1, or whoever adopted it, once the parent has died).
  virtual Pid getppid(Site = Site::current()) = 0;
  // prctl(2) PR_SET_PDEATHSIG: `sig` is sent to the caller when its parent dies. Not inherited by
  // fork's child. Check getppid() after it: a parent that died before the call sends nothing.
  virtual Status set_parent_death_signal(Sig sig, Site = Site::current()) = 0;

  // ---- signals ---------------------------------------------------------------------------
  // sigaction(2): sets the disposition of `sig`, returns the previous one. EINVAL for SIGKILL.
  virtual Result<SigAction> sigaction(Sig sig, SigAction action, Site = Site::current()) = 0;
  // sigprocmask(2): changes the blocked set, returns the previous one. SIGKILL cannot be blocked.
  virtual Result<SigSet> sigprocmask(SigHow how, SigSet set, Site = Site::current()) = 0;
  // sigsuspend(2): atomically replaces the mask with `mask` and waits until a signal is caught
  // (or terminates the process). Restores the mask and returns EINTR, always.
  virtual Status sigsuspend(SigSet mask, Site = Site::current()) = 0;
  // pause(2): waits until a signal is caught or terminates the process. Returns EINTR, always.
  virtual Status pause(Site = Site::current()) = 0;
  // The caught flag of `sig` (set by a SigAction::catch_flag handler), read and cleared at once,
  // like `if (flag) { flag = 0; ... }` on a sig_atomic_t. Touches only process memory.
  virtual bool take_caught(Sig sig, Site = Site::current()) = 0;
  // alarm(2)/setitimer(ITIMER_REAL): SIGALRM after `after` (zero cancels); returns the time that
  // was left on the previous alarm.
  virtual Result<Duration> alarm(Duration after, Site = Site::current()) = 0;

  // ---- files -----------------------------------------------------------------------------
  // open(2). `mode` applies with O_CREAT.
  virtual Result<Fd> open(std::string_view path, OpenFlags flags, unsigned mode = 0600,
                          Site = Site::current()) = 0;
  // close(2): closes the descriptor; the open file description goes (and its flock lock is
  // released) when its last descriptor closes. Also closes sockets and pipe ends.
  virtual Status close(Fd fd, Site = Site::current()) = 0;
  // dup(2): a new descriptor for the same open file description.
  virtual Result<Fd> dup(Fd fd, Site = Site::current()) = 0;
  // pipe(2): {read end, write end}.
  virtual Result<std::pair<Fd, Fd>> pipe(Site = Site::current()) = 0;
  // read(2)/write(2) at the description's offset (O_APPEND: write at the end). May be short.
  virtual Result<size_t> read(Fd fd, std::span<char> buf, Site = Site::current()) = 0;
  virtual Result<size_t> write(Fd fd, std::string_view bytes, Site = Site::current()) = 0;
  // pread(2)/pwrite(2): at `off`, the description's offset unchanged.
  virtual Result<size_t> pread(Fd fd, std::span<char> buf, Offset off, Site = Site::current()) = 0;
  virtual Result<size_t> pwrite(Fd fd, std::string_view bytes, Offset off,
                                Site = Site::current()) = 0;
  virtual Result<Offset> lseek(Fd fd, Offset off, Whence whence, Site = Site::current()) = 0;
  // fstat(2)'s st_size.
  virtual Result<Offset> file_size(Fd fd, Site = Site::current()) = 0;
  // flock(2): the lock belongs to the open file description. EWOULDBLOCK (eagain) on a conflict
  // with `nonblocking`; EINTR when a caught signal interrupts a blocked request.
  virtual Status flock(Fd fd, FlockArgs args, Site = Site::current()) = 0;
  virtual Status unlink(std::string_view path, Site = Site::current()) = 0;
  // ftruncate(2): the file becomes exactly `length` bytes (cut, or extended with zeros). EINVAL
  // when `fd` is not a regular file or length < 0; EBADF (or EINVAL) when not open for writing.
  virtual Status ftruncate(Fd fd, Offset length, Site = Site::current()) = 0;

  // ---- sockets (TCP over IPv4) -----------------------------------------------------------
  // socket+SO_REUSEADDR+bind+listen(2). Port 0 picks an ephemeral port (see local_port).
  // Socket descriptors (listen, accept, connect) are close-on-exec (SOCK_CLOEXEC).
  virtual Result<Fd> listen(std::string_view host, std::uint16_t port, int backlog,
                            Site = Site::current()) = 0;
  virtual Result<std::uint16_t> local_port(Fd fd, Site = Site::current()) = 0;
  virtual Result<Fd> accept(Fd listener, Site = Site::current()) = 0;
  virtual Result<Fd> connect(std::string_view host, std::uint16_t port, Site = Site::current()) = 0;
  // recv(2): any positive amount that has arrived, up to the buffer; 0 at end of stream.
  virtual Result<size_t> recv(Fd fd, std::span<char> buf, Site = Site::current()) = 0;
  // send(2) with MSG_NOSIGNAL: EPIPE instead of SIGPIPE when the peer is gone. May be short.
  virtual Result<size_t> send(Fd fd, std::string_view bytes, Site = Site::current()) = 0;
  virtual Status shutdown(Fd fd, ShutHow how, Site = Site::current()) = 0;

  // ---- goroutines (the goroutine design; docs/design.md "Goroutines on the seam") ----------
  // Go 1.19's runtime and sync package inside the calling process. Each call is one scheduling
  // point of the calling goroutine, like `go`, `mu.Lock()` or `<-ch` in Go; the process's first
  // body is its main goroutine, and when main returns the process exits (with all goroutines).
  // Socket calls (accept, recv, send, connect) made on a goroutine park only that goroutine until
  // the netpoller reports the descriptor ready, as net.Conn does; file calls (read, write, flock,
  // ...) are blocking system calls that hand the goroutine's P off, as os.File does. A goroutine
  // program does not fork. Misuse that makes Go fail ("sync: unlock of unlocked mutex", "close of
  // closed channel", "send on closed channel") ends the process: a crash verdict in the sim, an
  // abort on Linux; "all goroutines are asleep - deadlock!" is a deadlock verdict in the sim.
  // Worlds without goroutines (test doubles) keep the defaults, which throw std::logic_error.
  //
  // `go f()`: starts `body` as a new goroutine of the calling process. It receives its own Os
  // (the new goroutine's), which it must use for every call; it ends when `body` returns.
  virtual void go(std::function<void(Os&)> body, Site = Site::current());
  // runtime.Gosched(): yields the processor; the caller stays runnable.
  virtual void gosched(Site = Site::current());
  // sync.Mutex: Lock, Unlock, TryLock (true when it took the lock).
  virtual GoMutex new_mutex(Site = Site::current());
  virtual void lock(GoMutex m, Site = Site::current());
  virtual void unlock(GoMutex m, Site = Site::current());
  virtual bool try_lock(GoMutex m, Site = Site::current());
  // sync.RWMutex: RLock, RUnlock, Lock, Unlock. A blocked Lock keeps new readers out (writer
  // preference), so a goroutine that takes RLock twice can deadlock behind a writer.
  virtual GoRWMutex new_rwmutex(Site = Site::current());
  virtual void rlock(GoRWMutex rw, Site = Site::current());
  virtual void runlock(GoRWMutex rw, Site = Site::current());
  virtual void lock(GoRWMutex rw, Site = Site::current());
  virtual void unlock(GoRWMutex rw, Site = Site::current());
  // sync.Cond with L = `m`: Wait (m held; unlocks, parks, relocks), Signal (wakes the longest
  // waiter), Broadcast (wakes all). No spurious wakeups, but Go's rule stands: wait in a loop.
  virtual GoCond new_cond(GoMutex m, Site = Site::current());
  virtual void wait(GoCond c, Site = Site::current());
  virtual void signal(GoCond c, Site = Site::current());
  virtual void broadcast(GoCond c, Site = Site::current());
  // make(chan int64, capacity); `ch <- v`; `v, ok := <-ch`; close(ch).
  virtual GoChan new_chan(std::size_t capacity, Site = Site::current());
  virtual void chan_send(GoChan ch, std::int64_t v, Site = Site::current());
  virtual GoReceived chan_recv(GoChan ch, Site = Site::current());
  virtual void chan_close(GoChan ch, Site = Site::current());
  // select over at most two cases, with a `default:` when `with_default`. Among ready cases Go
  // picks uniformly at random (a chooser decision in the sim).
  virtual GoSelected select(std::span<const GoCase> cases, bool with_default,
                            Site = Site::current());
  // os/signal.Notify(c, sigs...) with c := make(chan os.Signal, 1): "Notify causes package
  // signal to relay incoming signals to c" and "Package signal will not block sending to c" (a
  // signal that finds the channel full is dropped; one waiting is enough to stop). The value
  // received is the Sig's number. From then on the signals in `sigs` no longer have their default
  // action (they are caught, SA_RESTART, as Go's runtime installs its handler); a goroutine of the
  // runtime relays them. Call it once per program, before the signals can come.
  virtual GoChan signal_notify(SigSet sigs, Site = Site::current());

  // ---- time and logging ------------------------------------------------------------------
  // CLOCK_MONOTONIC (virtual time in the sim).
  virtual Duration now(Site = Site::current()) = 0;
  // nanosleep(2): EINTR when a caught signal interrupts.
  virtual Status sleep(Duration d, Site = Site::current()) = 0;
  // The server's log: syslog or stderr on Linux, trace events in the sim.
  virtual void log(LogLevel level, std::string_view message, Site = Site::current()) = 0;
};

}  // namespace papaya
