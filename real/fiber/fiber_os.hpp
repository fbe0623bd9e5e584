// FiberOs: RealOs with goroutines, the Os of the fiber design on Linux (docs/fiber.md). Every
// goroutine is a Boost.Fiber fiber on one of the runtime's threads (scheduler.hpp); Go's sync
// objects and channels are go_sync.hpp's. Socket calls never block the thread: they are made
// non-blocking (MSG_DONTWAIT, SOCK_NONBLOCK, an O_NONBLOCK listener) and a would-block parks the
// fiber in its thread's epoll loop until the descriptor is ready, as Go's netpoller parks a
// goroutine; file calls block the thread, as Go's syscalls do (the thread's other fibers wait).
//
// Choices (docs/fiber.md lists them with Go's behaviour beside):
//  - accepted and connected TCP sockets have Nagle's algorithm off (TCP_NODELAY), as Go's net
//    package leaves every TCPConn;
//  - connect(2) to the loopback completes at once, so connect blocks the thread like a syscall;
//  - read/write on a non-blocking socket that would block park the fiber too;
//  - a descriptor is registered in epoll once, edge-triggered, as Go's netpollopen does; after a
//    short read of a TCP socket the next read parks without trying (epoll(7): the socket is
//    empty), where Go's Read tries and gets EAGAIN (one recv(2) saved per wake-up);
//  - sleep parks the fiber (time.Sleep), it does not block the thread;
//  - close wakes the goroutines parked on the descriptor first (they get EBADF), as Go's does;
//  - a goroutine starts on a thread chosen round-robin and stays there (no work stealing);
//  - no deadlock detector: goroutines all asleep just sleep;
//  - signals reach goroutines through signal_notify only (the other signal calls are RealOs's,
//    per thread where Linux's are).
#pragma once

#include <functional>

#include "real/real_os.hpp"

namespace papaya::real::fiber {

class FiberOs final : public RealOs {
 public:
  explicit FiberOs(Options options) : RealOs(std::move(options)) {}

  // ---- goroutines ----
  void go(std::function<void(Os&)> body, Site = Site::current()) override;
  void gosched(Site = Site::current()) override;
  GoMutex new_mutex(Site = Site::current()) override;
  void lock(GoMutex m, Site = Site::current()) override;
  void unlock(GoMutex m, Site = Site::current()) override;
  bool try_lock(GoMutex m, Site = Site::current()) override;
  GoRWMutex new_rwmutex(Site = Site::current()) override;
  void rlock(GoRWMutex rw, Site = Site::current()) override;
  void runlock(GoRWMutex rw, Site = Site::current()) override;
  void lock(GoRWMutex rw, Site = Site::current()) override;
  void unlock(GoRWMutex rw, Site = Site::current()) override;
  GoCond new_cond(GoMutex m, Site = Site::current()) override;
  void wait(GoCond c, Site = Site::current()) override;
  void signal(GoCond c, Site = Site::current()) override;
  void broadcast(GoCond c, Site = Site::current()) override;
  GoChan new_chan(std::size_t capacity, Site = Site::current()) override;
  void chan_send(GoChan ch, std::int64_t v, Site = Site::current()) override;
  GoReceived chan_recv(GoChan ch, Site = Site::current()) override;
  void chan_close(GoChan ch, Site = Site::current()) override;
  GoSelected select(std::span<const GoCase> cases, bool with_default,
                    Site = Site::current()) override;
  // signal.Notify as Go's runtime does it: a handler (SA_RESTART, on whichever thread the
  // kernel picks) writes the signal's number to a non-blocking self-pipe, and a relay goroutine
  // parked on the pipe's read end sends it on, never blocking.
  GoChan signal_notify(SigSet sigs, Site = Site::current()) override;

  // ---- sockets that park the goroutine ----
  Result<Fd> accept(Fd listener, Site = Site::current()) override;
  Result<Fd> connect(std::string_view host, std::uint16_t port, Site = Site::current()) override;
  Result<size_t> recv(Fd fd, std::span<char> buf, Site = Site::current()) override;
  Result<size_t> send(Fd fd, std::string_view bytes, Site = Site::current()) override;
  Result<size_t> read(Fd fd, std::span<char> buf, Site = Site::current()) override;
  Result<size_t> write(Fd fd, std::string_view bytes, Site = Site::current()) override;
  Status close(Fd fd, Site = Site::current()) override;
  Status sleep(Duration d, Site = Site::current()) override;
};

// Runs `main` as the main goroutine of this process on a FiberOs with `threads` scheduler
// threads (0: one per core the process may run on, like GOMAXPROCS) and returns its result; the
// calling thread only waits. Other goroutines are left parked: the caller should end the process,
// as Go exits when main returns (returning from main() is fine: no thread that exits owns a fiber
// scheduler). Once per process.
int run_main(RealOs::Options options, unsigned threads, const std::function<int(Os&)>& main);

}  // namespace papaya::real::fiber
