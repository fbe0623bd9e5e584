// The fiber runtime under load, on the real kernel: a goroutine-per-connection echo server (an Os
// program) in a forked child on 2 scheduler threads, or on one (then its reads wait in an
// io_uring, docs/fiber.md "Reads in the ring"); the test is its clients. Every line comes back
// (parking and wakeups across threads work under load), and with 1,000 idle connections parked
// the server uses no CPU (no busy polling).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "os/os.hpp"
#include "real/fiber/fiber_os.hpp"
#include "real/fiber/scheduler.hpp"

namespace papaya::real::fiber {
namespace {

// The server: a goroutine accepts; a goroutine per connection echoes what it reads.
int echo_server(Os& os, Fd listener) {
  for (;;) {
    Result<Fd> c = os.accept(listener);
    if (!c) continue;
    os.go([fd = *c](Os& g) {
      char buf[4096];
      for (;;) {
        Result<size_t> n = g.recv(fd, buf);
        if (!n || *n == 0) break;
        std::string_view rest(buf, *n);
        while (!rest.empty()) {
          Result<size_t> w = g.send(fd, rest);
          if (!w) break;
          rest.remove_prefix(*w);
        }
      }
      (void)g.close(fd);
    });
  }
}

struct Server {
  pid_t pid = -1;
  std::uint16_t port = 0;
  ~Server() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

// Replies to every connection with its TCP_NODELAY as FiberOs::accept left it ("1\n" or "0\n").
int nodelay_server(Os& os, Fd listener) {
  for (;;) {
    Result<Fd> c = os.accept(listener);
    if (!c) continue;
    int on = -1;
    socklen_t len = sizeof on;
    if (::getsockopt(*c, IPPROTO_TCP, TCP_NODELAY, &on, &len) != 0) on = -1;
    (void)os.send(*c, std::to_string(on) + "\n");
    (void)os.close(*c);
  }
}

// 127.0.0.1, an ephemeral port, the server forked onto `threads` fiber threads.
void start(Server& s, unsigned threads, int (*program)(Os&, Fd) = echo_server) {
  int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(l, 0);
  sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(l, 4096), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len), 0);
  s.port = ntohs(a.sin_port);
  s.pid = ::fork();
  ASSERT_GE(s.pid, 0);
  if (s.pid == 0) {
    ::setenv("PAPAYA_FIBER_RING", "1", 1);  // one thread: reads in the ring (opt-in)
    ::_exit(run_main({}, threads, [l, program](Os& os) { return program(os, l); }));
  }
  ::close(l);
}

// A blocking client socket with a 5 s receive timeout (every wait is bounded).
int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string read_exactly(int fd, std::size_t n) {
  std::string out;
  char buf[4096];
  while (out.size() < n) {
    ssize_t got = ::recv(fd, buf, std::min(sizeof buf, n - out.size()), 0);
    if (got <= 0) break;
    out.append(buf, static_cast<std::size_t>(got));
  }
  return out;
}

// utime + stime of `pid` in clock ticks (proc(5) /proc/pid/stat fields 14 and 15), all threads.
long cpu_ticks(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

// Whether process `pid` has an io_uring open (a descriptor linking to "anon_inode:[io_uring]").
bool echo_has_ring(pid_t pid) {
  std::error_code ec;
  for (const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code lec;
    if (std::filesystem::read_symlink(e.path(), lec).string() == "anon_inode:[io_uring]")
      return true;
  }
  return false;
}

// 200 connections x 20 rounds, every connection with a line in flight: every line comes back.
void echo_every_line(const Server& s) {
  std::vector<int> conns;
  for (int i = 0; i < 200; ++i) {
    int fd = connect_to(s.port);
    ASSERT_GE(fd, 0) << "connect " << i << ": errno " << errno;
    conns.push_back(fd);
  }
  std::size_t echoed = 0;
  for (int round = 0; round < 20; ++round) {
    for (std::size_t i = 0; i < conns.size(); ++i) {  // every connection has a line in flight
      std::string line = "round " + std::to_string(round) + " conn " + std::to_string(i) + "\n";
      ASSERT_EQ(::send(conns[i], line.data(), line.size(), MSG_NOSIGNAL),
                static_cast<ssize_t>(line.size()));
    }
    for (std::size_t i = 0; i < conns.size(); ++i) {
      std::string line = "round " + std::to_string(round) + " conn " + std::to_string(i) + "\n";
      ASSERT_EQ(read_exactly(conns[i], line.size()), line) << "round " << round << " conn " << i;
      ++echoed;
    }
  }
  EXPECT_EQ(echoed, 200u * 20u);
  for (int fd : conns) ::close(fd);
}

TEST(FiberEcho, EveryLineComesBackOnTwoThreadsUnderLoad) {
  Server s;
  start(s, 2);
  echo_every_line(s);
  EXPECT_FALSE(echo_has_ring(s.pid)) << "two threads wait in epoll_wait";
}

TEST(FiberEcho, EveryLineComesBackOnOneThreadWithItsReadsInTheRing) {
  Server s;
  start(s, 1);
  echo_every_line(s);
  EXPECT_EQ(echo_has_ring(s.pid), ring_supported()) << "one thread waits in its io_uring";
}

// Go's net package accepts with Nagle's algorithm off; so does FiberOs. With it on, a chat line
// sent while the previous one is unacknowledged waited for the client's delayed ACK (tens of ms:
// docs/fiber.md, "Fan-out latency").
TEST(FiberEcho, AnAcceptedConnectionHasNaglesAlgorithmOffAsGosNetPackageLeavesIt) {
  Server s;
  start(s, 1, nodelay_server);
  int fd = connect_to(s.port);
  ASSERT_GE(fd, 0) << "connect: errno " << errno;
  EXPECT_EQ(read_exactly(fd, 2), "1\n") << "TCP_NODELAY of the accepted socket";
  ::close(fd);
}

// 1,000 connections, each with its goroutine parked in recv again after one echo: over 3 s the
// server uses at most 1% of a core.
void echo_idle_costs_nothing(unsigned threads) {
  Server s;
  start(s, threads);
  std::vector<int> conns;
  for (int i = 0; i < 1000; ++i) {
    int fd = connect_to(s.port);
    ASSERT_GE(fd, 0) << "connect " << i << ": errno " << errno;
    ASSERT_EQ(::send(fd, "x", 1, MSG_NOSIGNAL), 1);
    ASSERT_EQ(read_exactly(fd, 1), "x");  // its goroutine exists and is parked in recv again
    conns.push_back(fd);
  }
  const long before = cpu_ticks(s.pid);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const long used = cpu_ticks(s.pid) - before;
  const long hz = ::sysconf(_SC_CLK_TCK);
  std::printf(
      "idle fiber echo server, 1000 connections, %u thread(s)%s: %ld ticks (%.2f%% CPU) in 3 s\n",
      threads, echo_has_ring(s.pid) ? ", reads in the ring" : "", used,
      100.0 * static_cast<double>(used) / static_cast<double>(3 * hz));
  EXPECT_LE(used, 3) << "an idle server must sleep in epoll_wait or io_uring_enter, not poll "
                     << "(1% of 3 s is " << 3 * hz / 100 << " ticks)";
  for (int fd : conns) ::close(fd);
}

TEST(FiberEcho, AThousandIdleConnectionsCostNoCpu) { echo_idle_costs_nothing(2); }

TEST(FiberEcho, AThousandIdleConnectionsWithTheirReadsInTheRingCostNoCpu) {
  echo_idle_costs_nothing(1);
}

}  // namespace
}  // namespace papaya::real::fiber
