// RealOs: TCP over IPv4. socket(2), setsockopt(2), bind(2), listen(2), getsockname(2),
// accept4(2), connect(2), recv(2), send(2), shutdown(2).
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "real/errno_map.hpp"
#include "real/real_os.hpp"

namespace papaya::real {

namespace {

// "127.0.0.1" directly (inet_pton(3)); a name such as "localhost" through getaddrinfo(3),
// IPv4 only; "" or "0.0.0.0" is every local address. A name that does not resolve is
// EADDRNOTAVAIL: the seam has no EAI_* codes, and that is what bind(2) says for an address that
// is not ours.
Result<sockaddr_in> ipv4_address(std::string_view host, std::uint16_t port) {
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  std::string h(host.empty() ? "0.0.0.0" : host);
  if (::inet_pton(AF_INET, h.c_str(), &addr.sin_addr) == 1) return addr;
  addrinfo hints = {};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(h.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return Errno::eaddrnotavail;
  }
  addr.sin_addr = reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr;
  ::freeaddrinfo(found);
  return addr;
}

// A failed setup step: keep its errno, close the half-made socket, return the error.
Errno fail_and_close(int fd) {
  Errno e = last_errno();
  ::close(fd);
  return e;
}

// tcp(7): "TCP_NODELAY If set, disable the Nagle algorithm. This means that segments are always
// sent as soon as possible, even if there is only a small amount of data." Without it, a chat
// line sent while the previous one is unacknowledged waits for the peer's delayed ACK (about
// 40 ms on Linux): the process design's fan-out p90 was 30 ms against Go's 0.5 ms
// (docs/results.md). Go's net package sets it on every TCP connection (go1.19 net/tcpsock.go
// newTCPConn: "setNoDelay(c.fd, true)"); the fiber design does too (real/fiber/fiber_os.cpp).
void set_nodelay(int fd) {
  const int one = 1;
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

Result<Fd> RealOs::listen(std::string_view host, std::uint16_t port, int backlog, Site) {
  Result<sockaddr_in> addr = ipv4_address(host, port);
  if (!addr) return addr.error();
  // SOCK_CLOEXEC changes nothing across fork; it only keeps the socket out of exec'd programs.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return last_errno();
  // socket(7) SO_REUSEADDR: bind may reuse a local address unless a socket is actively
  // listening on it, so a restarted server does not wait out TIME_WAIT.
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) return fail_and_close(fd);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) < 0) {
    return fail_and_close(fd);
  }
  if (::listen(fd, backlog) < 0) return fail_and_close(fd);
  return Fd{fd};
}

Result<std::uint16_t> RealOs::local_port(Fd fd, Site) {
  sockaddr_in addr = {};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) return last_errno();
  if (addr.sin_family != AF_INET) return Errno::einval;
  return static_cast<std::uint16_t>(ntohs(addr.sin_port));
}

Result<Fd> RealOs::accept(Fd listener, Site) {
  int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return last_errno();
  set_nodelay(fd);
  return Fd{fd};
}

Result<Fd> RealOs::connect(std::string_view host, std::uint16_t port, Site) {
  Result<sockaddr_in> addr = ipv4_address(host, port);
  if (!addr) return addr.error();
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return last_errno();
  // connect(2) interrupted by a signal (EINTR) goes on asynchronously; the seam has no way to
  // hand back that half-open socket, so it is closed and EINTR returned: the caller may retry.
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) < 0) {
    return fail_and_close(fd);
  }
  set_nodelay(fd);
  return Fd{fd};
}

Result<size_t> RealOs::recv(Fd fd, std::span<char> buf, Site) {
  ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  if (n < 0) return last_errno();
  return static_cast<size_t>(n);
}

Result<size_t> RealOs::send(Fd fd, std::string_view bytes, Site) {
  // send(2) MSG_NOSIGNAL: "Don't generate a SIGPIPE signal if the peer on a stream-oriented
  // socket has closed the connection. The EPIPE error is still returned."
  ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  if (n < 0) return last_errno();
  return static_cast<size_t>(n);
}

Status RealOs::shutdown(Fd fd, ShutHow how, Site) {
  int h = how == ShutHow::rd ? SHUT_RD : how == ShutHow::wr ? SHUT_WR : SHUT_RDWR;
  if (::shutdown(fd, h) < 0) return last_errno();
  return {};
}

}  // namespace papaya::real
