// FiberOs (fiber_os.hpp): the goroutine calls and the parking socket calls.
#include "real/fiber/fiber_os.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/fiber/operations.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include "real/errno_map.hpp"
#include "real/fiber/go_sync.hpp"
#include "real/fiber/scheduler.hpp"

namespace papaya::real::fiber {

namespace {

bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

// The self-pipe's write end, for the handler (one signal_notify per process).
int relay_pipe_write = -1;

// signal-safety(7): write(2) is async-signal-safe; errno is saved and restored, as a handler must
// ("a signal handler ... should save and restore errno").
extern "C" void relay_handler(int sig) {
  const int saved = errno;
  const unsigned char b = static_cast<unsigned char>(sig);
  if (::write(relay_pipe_write, &b, 1) < 0) {
    // The pipe is full (64 KiB of signals nobody relayed): this one goes, as Go drops a signal
    // when its channel is full.
  }
  errno = saved;
}

// fcntl(2) F_SETFL O_NONBLOCK: "If the operation would block, the call fails with EAGAIN".
void make_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK)) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Go's net package turns Nagle's algorithm off on every TCP connection it accepts or dials
// (go1.19 net/tcpsock.go newTCPConn: "setNoDelay(c.fd, true)"; SetNoDelay: "The default is true
// (no delay), meaning that data is sent as soon as possible after a Write"). tcp(7): "TCP_NODELAY
// If set, disable the Nagle algorithm. This means that segments are always sent as soon as
// possible, even if there is only a small amount of data." Without it a chat line written while
// the previous one is unacknowledged waits for the client's delayed ACK (docs/fiber.md, "Fan-out
// latency"). Not a TCP socket (a Unix one): setsockopt fails with EOPNOTSUPP, ignored as Go does.
void set_nodelay(int fd) {
  const int one = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

void FiberOs::go(std::function<void(Os&)> body, Site) {
  spawn([this, body = std::move(body)] { body(*this); });
}
void FiberOs::gosched(Site) { boost::this_fiber::yield(); }

GoMutex FiberOs::new_mutex(Site) { return fiber::new_mutex(); }
void FiberOs::lock(GoMutex m, Site) { fiber::lock(m); }
void FiberOs::unlock(GoMutex m, Site) { fiber::unlock(m); }
bool FiberOs::try_lock(GoMutex m, Site) { return fiber::try_lock(m); }
GoRWMutex FiberOs::new_rwmutex(Site) { return fiber::new_rwmutex(); }
void FiberOs::rlock(GoRWMutex rw, Site) { fiber::rlock(rw); }
void FiberOs::runlock(GoRWMutex rw, Site) { fiber::runlock(rw); }
void FiberOs::lock(GoRWMutex rw, Site) { fiber::lock(rw); }
void FiberOs::unlock(GoRWMutex rw, Site) { fiber::unlock(rw); }
GoCond FiberOs::new_cond(GoMutex m, Site) { return fiber::new_cond(m); }
void FiberOs::wait(GoCond c, Site) { fiber::wait(c); }
void FiberOs::signal(GoCond c, Site) { fiber::signal(c); }
void FiberOs::broadcast(GoCond c, Site) { fiber::broadcast(c); }
GoChan FiberOs::new_chan(std::size_t capacity, Site) { return fiber::new_chan(capacity); }
void FiberOs::chan_send(GoChan ch, std::int64_t v, Site) { fiber::chan_send(ch, v); }
GoReceived FiberOs::chan_recv(GoChan ch, Site) { return fiber::chan_recv(ch); }
void FiberOs::chan_close(GoChan ch, Site) { fiber::chan_close(ch); }
GoSelected FiberOs::select(std::span<const GoCase> cases, bool with_default, Site) {
  return fiber::select(cases, with_default);
}

GoChan FiberOs::signal_notify(SigSet sigs, Site) {
  const GoChan ch = fiber::new_chan(1);
  int ends[2];
  if (::pipe2(ends, O_NONBLOCK | O_CLOEXEC) < 0) {
    log(LogLevel::error, std::string("signal_notify: pipe2: ") + std::strerror(errno) +
                             "; the signals keep their default action");
    return ch;
  }
  relay_pipe_write = ends[1];
  struct sigaction sa = {};
  sa.sa_handler = relay_handler;
  sa.sa_flags = SA_RESTART;
  ::sigemptyset(&sa.sa_mask);
  for (Sig s : all_signals)
    if (sigs.has(s)) ::sigaction(static_cast<int>(s), &sa, nullptr);  // Sig is Linux's number
  spawn([this, sigs, ch, from = ends[0]] {
    char buf[64];
    for (;;) {
      Result<size_t> n = read(from, std::span<char>(buf, sizeof buf));
      if (!n && n.error() == Errno::eintr) continue;
      if (!n) {
        log(LogLevel::error, std::string("signal relay: reading its pipe: ") +
                                 std::string(errno_name(n.error())) +
                                 "; signals are no longer relayed");
        return;
      }
      for (size_t i = 0; i < *n; ++i) {
        const auto s = static_cast<Sig>(static_cast<unsigned char>(buf[i]));
        if (!sigs.has(s)) continue;
        const GoCase post[] = {GoCase::send(ch, static_cast<std::int64_t>(s))};
        (void)fiber::select(post, /*with_default=*/true);  // full: a signal already waits
      }
    }
  });
  return ch;
}

// accept4(2) on a non-blocking listener: "EAGAIN or EWOULDBLOCK: The socket is marked
// nonblocking and no connections are present to be accepted"; then park until it is readable.
// The new socket is SOCK_NONBLOCK too, and TCP_NODELAY as Go's (set_nodelay).
Result<Fd> FiberOs::accept(Fd listener, Site) {
  make_nonblocking(listener);
  for (;;) {
    int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
      set_nodelay(fd);
      open_stream(fd);
      return Fd{fd};
    }
    if (!would_block(errno)) return last_errno();
    if (!this_poller().park(listener, Readiness::readable)) return Errno::ebadf;
  }
}

Result<Fd> FiberOs::connect(std::string_view host, std::uint16_t port, Site site) {
  Result<Fd> fd = RealOs::connect(host, port, site);
  if (fd) {
    make_nonblocking(*fd);
    set_nodelay(*fd);
    open_stream(*fd);
  }
  return fd;
}

// recv(2) MSG_DONTWAIT: "Enables nonblocking operation; if the operation would block, the call
// fails with the error EAGAIN or EWOULDBLOCK." Then park until an edge (Go's FD.Read: read, on
// EAGAIN waitRead, read again); before_read skips the read that would fail when the last one
// of this stream socket came back short (scheduler.cpp, after_read). On a thread with a ring
// a TCP socket's read that would wait is a recv in the ring instead (Poller::ring_recv): the
// wake-up brings the bytes (docs/fiber.md, "Reads in the ring").
Result<size_t> FiberOs::recv(Fd fd, std::span<char> buf, Site) {
  bool ring = false;
  ReadStart start = before_read(fd, &ring);
  for (;;) {
    if (start == ReadStart::evicted) return Errno::ebadf;
    if (start == ReadStart::wait_in_ring) {
      const long n = this_poller().ring_recv(fd, buf);
      if (n >= 0) {
        after_read(fd, static_cast<size_t>(n), buf.size());
        return static_cast<size_t>(n);
      }
      if (n != -EAGAIN) {
        errno = static_cast<int>(-n);
        return last_errno();
      }
      ring = false;  // a kernel whose recv in the ring would not wait: this read parks in epoll
      start = ReadStart::read;
      continue;
    }
    ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n >= 0) {
      after_read(fd, static_cast<size_t>(n), buf.size());
      return static_cast<size_t>(n);
    }
    if (!would_block(errno)) return last_errno();
    count_read_would_block();
    if (ring)
      start = ReadStart::wait_in_ring;
    else if (!this_poller().park(fd, Readiness::readable))
      start = ReadStart::evicted;
  }
}

Result<size_t> FiberOs::send(Fd fd, std::string_view bytes, Site) {
  for (;;) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return static_cast<size_t>(n);
    if (!would_block(errno)) return last_errno();
    if (!this_poller().park(fd, Readiness::writable)) return Errno::ebadf;
  }
}

Result<size_t> FiberOs::read(Fd fd, std::span<char> buf, Site site) {
  if (before_read(fd, nullptr) == ReadStart::evicted) return Errno::ebadf;
  for (;;) {
    Result<size_t> r = RealOs::read(fd, buf, site);
    if (r) after_read(fd, *r, buf.size());
    if (r || r.error() != Errno::eagain) return r;
    count_read_would_block();
    if (!this_poller().park(fd, Readiness::readable)) return Errno::ebadf;
  }
}

Result<size_t> FiberOs::write(Fd fd, std::string_view bytes, Site site) {
  for (;;) {
    Result<size_t> r = RealOs::write(fd, bytes, site);
    if (r || r.error() != Errno::eagain) return r;
    if (!this_poller().park(fd, Readiness::writable)) return Errno::ebadf;
  }
}

// Go's (*netFD).Close: pd.evict() first, so goroutines blocked on the descriptor return
// ErrNetClosing (here EBADF) instead of waiting on a number the kernel may reuse; then close(2).
Status FiberOs::close(Fd fd, Site site) {
  evict(fd);
  Status result;
  (void)close_evicted(fd, [&] {
    result = RealOs::close(fd, site);
    return 0;
  });
  return result;
}

// time.Sleep parks the goroutine on a timer: the thread's other fibers run meanwhile.
Status FiberOs::sleep(Duration d, Site) {
  boost::this_fiber::sleep_for(d);
  return {};
}

int run_main(RealOs::Options options, unsigned threads, const std::function<int(Os&)>& main) {
  static FiberOs* os = new FiberOs(std::move(options));  // lives as long as the process
  return run(threads, [&] { return main(*os); });
}

}  // namespace papaya::real::fiber
