// The edge-triggered poller (real/fiber/scheduler.cpp) on the real kernel, each case with the
// thread waiting in epoll_wait and in its io_uring (docs/fiber.md, "Reads in the ring"; a TCP
// read then waits in the ring as a recv, one thread only): no wake-up is lost
// when bytes arrive between a read's EAGAIN and the park (the race Go's pdReady/pdWait states
// handle), nor when a short read of a stream socket lets the next read park without trying
// (end of stream and urgent data still wake it); a close wakes a parked reader with EBADF and
// the descriptor's number, handed out again, is registered afresh.
//
// Each case runs as an Os program on FiberOs in a forked child (the runtime starts once per
// process); the parent bounds it with a deadline, so a lost wake-up fails as "hung".
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <string>
#include <thread>

#include "os/os.hpp"
#include "real/fiber/fiber_os.hpp"
#include "real/fiber/scheduler.hpp"
#include "real/fiber/tests/loopback_pair.hpp"
#include "real/fiber/tests/wait_or_kill.hpp"

namespace papaya::real::fiber {
namespace {

// What the park hook does once it is armed: the bytes a peer sends while the reader is between
// its failed (or skipped) read and its park.
struct PollPlan {
  Fd watched = -1;       // the reader's descriptor
  int peer = -1;         // the other end, written with plain send(2)
  bool armed = false;    // fire at the next park of `watched` for reading
  bool harvest = false;  // then run the poller once (epoll_wait, timeout 0): the edge is taken and
                         // the ready flag set before the park looks at it
  std::string bytes;     // sent first
  bool urgent = false;   // then one byte with MSG_OOB, then "de"
  bool fin = false;      // then shutdown(SHUT_WR)
  bool evict = false;    // then evict the reader's descriptor: the first half of a close that
                         // another thread makes (FiberOs::close: evict, then close(2))
  int fired = 0;
};
PollPlan g_poll_plan;

void poll_test_hook(Fd fd, Readiness what) {
  PollPlan& p = g_poll_plan;
  if (!p.armed || fd != p.watched || what != Readiness::readable) return;
  p.armed = false;
  ++p.fired;
  if (!p.bytes.empty()) (void)::send(p.peer, p.bytes.data(), p.bytes.size(), MSG_NOSIGNAL);
  if (p.urgent) {
    (void)::send(p.peer, "c", 1, MSG_NOSIGNAL | MSG_OOB);
    (void)::send(p.peer, "de", 2, MSG_NOSIGNAL);
  }
  if (p.fin) (void)::shutdown(p.peer, SHUT_WR);
  if (p.evict) papaya::real::fiber::evict(fd);
  if (p.harvest) this_poller().wait(std::chrono::steady_clock::now());
}

// Reads until `want` bytes or a failure (each recv's result must be > 0).
std::string recv_exactly(Os& os, Fd fd, std::size_t want) {
  std::string got;
  char buf[64];
  while (got.size() < want) {
    Result<size_t> n = os.recv(fd, std::span<char>(buf, sizeof buf));
    if (!n || *n == 0) break;
    got.append(buf, *n);
  }
  return got;
}

// How the runtime's threads wait: epoll_wait, or io_uring_enter with TCP reads in the ring
// (docs/fiber.md, "Reads in the ring"). Every case runs both ways.
enum class PollMode { epoll, ring };
void PrintTo(PollMode m, std::ostream* os) { *os << (m == PollMode::ring ? "ring" : "epoll"); }

// Runs `program` on FiberOs with `threads` threads in a child; its exit code, or -1 when it did
// not end within `deadline` (killed), or -2 when it died of a signal.
int run_bounded(PollMode mode, unsigned threads, int (*program)(Os&),
                std::chrono::seconds deadline) {
  pid_t pid = ::fork();
  if (pid < 0) return -3;
  if (pid == 0) {
    ::setenv("PAPAYA_FIBER_RING", mode == PollMode::ring ? "1" : "0", 1);
    set_park_hook_for_tests(poll_test_hook);
    ::_exit(run_main({}, threads, program));
  }
  const auto until = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  if (!wait_or_kill(pid, until, status)) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
}

constexpr int kRounds = 2000;

// Each round: the reader's recv finds nothing (EAGAIN, or skipped after the previous round's
// one-byte short read), the hook sends the round's byte, and on odd rounds takes its edge
// before the park: only the ready flag can then stop the park from waiting forever.
int rounds_on(Os& os, Fd reader, int peer) {
  g_poll_plan.watched = reader;
  g_poll_plan.peer = peer;
  for (int i = 0; i < kRounds; ++i) {
    const char expect = static_cast<char>('a' + i % 26);
    g_poll_plan.bytes = std::string(1, expect);
    g_poll_plan.harvest = i % 2 == 1;
    g_poll_plan.armed = true;
    char buf[64];
    Result<size_t> n = os.recv(reader, std::span<char>(buf, sizeof buf));
    if (!n || *n != 1 || buf[0] != expect) {
      std::fprintf(stderr, "round %d: recv gave %s\n", i,
                   n ? std::to_string(*n).c_str() : "an error");
      return 10;
    }
  }
  if (g_poll_plan.fired != kRounds) {
    std::fprintf(stderr, "the hook fired %d times for %d rounds\n", g_poll_plan.fired, kRounds);
    return 11;  // some recv never parked: the race was not exercised
  }
  return 0;
}

int stream_rounds(Os& os) {
  LoopbackPair p = loopback_pair(os);
  if (p.server < 0) return 20;
  return rounds_on(os, p.server, p.client);
}

int socketpair_rounds(Os& os) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) return 20;
  return rounds_on(os, sv[0], sv[1]);
}

class FiberPoll : public testing::TestWithParam<PollMode> {
 protected:
  void SetUp() override {
    if (GetParam() == PollMode::ring && !ring_supported())
      GTEST_SKIP() << "this kernel gives no io_uring with what the runtime needs (ring.hpp)";
  }
};

TEST_P(FiberPoll, BytesArrivingBetweenAShortReadAndTheParkWakeTheReaderEveryRound) {
  EXPECT_EQ(run_bounded(GetParam(), 1, stream_rounds, std::chrono::seconds(20)), 0)
      << "-1: hung (a wake-up was lost)";
}

TEST_P(FiberPoll, BytesArrivingBetweenEagainAndTheParkWakeTheReaderEveryRound) {
  EXPECT_EQ(run_bounded(GetParam(), 1, socketpair_rounds, std::chrono::seconds(20)), 0)
      << "-1: hung (a wake-up was lost)";
}

// Registers the pair's server end (its first recv parks: the hook sends "w") and leaves it
// known empty (a one-byte short read): the next recv parks without reading. False on failure.
bool warm_up(Os& os, const LoopbackPair& p) {
  g_poll_plan = PollPlan{};
  g_poll_plan.watched = p.server;
  g_poll_plan.peer = p.client;
  g_poll_plan.bytes = "w";
  g_poll_plan.armed = true;
  return recv_exactly(os, p.server, 1) == "w";
}

// A FIN that comes with the data: the read of the data is short, and the next read must not
// park (no edge is to come) but return end of stream.
int eof_after_short_read(Os& os) {
  for (int i = 0; i < 200; ++i) {
    LoopbackPair p = loopback_pair(os);
    if (p.server < 0 || !warm_up(os, p)) return 20;
    g_poll_plan.bytes = "abc";
    g_poll_plan.urgent = false;
    g_poll_plan.fin = true;
    g_poll_plan.harvest = i % 2 == 1;
    g_poll_plan.armed = true;
    if (recv_exactly(os, p.server, 3) != "abc") return 12;
    char buf[8];
    Result<size_t> n = os.recv(p.server, std::span<char>(buf, sizeof buf));
    if (!n || *n != 0) return 13;
    (void)os.close(p.server);
    (void)os.close(p.client);
  }
  return 0;
}

TEST_P(FiberPoll, EndOfStreamThatCameWithTheDataIsReadAfterTheShortRead) {
  EXPECT_EQ(run_bounded(GetParam(), 1, eof_after_short_read, std::chrono::seconds(20)), 0)
      << "-1: hung (parked after a short read with end of stream pending)";
}

// tcp(7): a read stops at the urgent mark; "ab", urgent "c", "de" read as "ab" then "de". The
// short "ab" must not make the next read park.
int urgent_after_short_read(Os& os) {
  for (int i = 0; i < 100; ++i) {
    LoopbackPair p = loopback_pair(os);
    if (p.server < 0 || !warm_up(os, p)) return 20;
    g_poll_plan.bytes = "ab";
    g_poll_plan.urgent = true;
    g_poll_plan.fin = false;
    g_poll_plan.harvest = i % 2 == 1;
    g_poll_plan.armed = true;
    if (recv_exactly(os, p.server, 4) != "abde") return 14;
    (void)os.close(p.server);
    (void)os.close(p.client);
  }
  return 0;
}

TEST_P(FiberPoll, UrgentDataThatStopsAReadShortDoesNotStrandTheRest) {
  EXPECT_EQ(run_bounded(GetParam(), 1, urgent_after_short_read, std::chrono::seconds(20)), 0)
      << "-1: hung (parked after a read stopped at the urgent mark)";
}

// Close while parked, on two threads: a reader goroutine parks on one end of a socketpair; the
// main goroutine closes it: the reader's recv returns EBADF. Every round reuses the numbers
// the previous round closed, and a reader parked on the new socket is woken by its bytes (a
// registration left behind by the old one would leave it asleep).
int close_while_parked(Os& os) {
  for (int i = 0; i < 200; ++i) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) return 20;
    const Fd a = sv[0];
    GoChan done = os.new_chan(1);
    os.go([a, done](Os& g) {  // parks: nothing has been sent yet
      char buf[8];
      Result<size_t> n = g.recv(a, std::span<char>(buf, sizeof buf));
      g.chan_send(done, n && *n == 1 && buf[0] == 'x' ? 1 : 0);
    });
    (void)os.sleep(std::chrono::milliseconds(1));
    if (::send(sv[1], "x", 1, MSG_NOSIGNAL) != 1) return 21;
    if (os.chan_recv(done).value != 1) return 15;
    os.go([a, done](Os& g) {
      char buf[8];
      Result<size_t> n = g.recv(a, std::span<char>(buf, sizeof buf));
      g.chan_send(done, !n && n.error() == Errno::ebadf ? 1 : 0);
    });
    (void)os.sleep(std::chrono::milliseconds(1));
    (void)os.close(a);
    if (os.chan_recv(done).value != 1) return 16;
    (void)os.close(sv[1]);
  }
  return 0;
}

TEST_P(FiberPoll, CloseWakesAReaderParkedOnAnotherThreadAndTheReusedNumberWorks) {
  EXPECT_EQ(run_bounded(GetParam(), 2, close_while_parked, std::chrono::seconds(20)), 0)
      << "-1: hung (a parked reader was not woken)";
}

// The same on TCP sockets, whose reads wait in the ring when the runtime has one (one thread):
// the close either finds the reader's recv still queued (the main goroutine only yielded: the
// slot becomes a NOP) or in the kernel (it slept: the recv is cancelled), the reader gets EBADF
// and the peer sees the end (the cancelled recv no longer holds the socket open); the next
// round's accepted socket gets the closed number and its reader gets its byte.
int close_while_reading_tcp(Os& os) {
  for (int i = 0; i < 200; ++i) {
    LoopbackPair p = loopback_pair(os);
    if (p.server < 0) return 20;
    const Fd a = p.server;
    GoChan done = os.new_chan(1);
    os.go([a, done](Os& g) {
      char buf[8];
      Result<size_t> n = g.recv(a, std::span<char>(buf, sizeof buf));
      g.chan_send(done, n && *n == 1 && buf[0] == 'x' ? 1 : 0);
    });
    (void)os.sleep(std::chrono::milliseconds(1));
    if (::send(p.client, "x", 1, MSG_NOSIGNAL) != 1) return 21;
    if (os.chan_recv(done).value != 1) return 15;
    os.go([a, done](Os& g) {
      char buf[8];
      Result<size_t> n = g.recv(a, std::span<char>(buf, sizeof buf));
      g.chan_send(done, !n && n.error() == Errno::ebadf ? 1 : 0);
    });
    if (i % 2 == 0)
      (void)os.sleep(std::chrono::milliseconds(1));
    else
      os.gosched();
    (void)os.close(a);
    if (os.chan_recv(done).value != 1) return 16;
    char byte = 0;
    Result<size_t> end = os.recv(p.client, std::span<char>(&byte, 1));
    if (!end || *end != 0) return 17;
    (void)os.close(p.client);
  }
  return 0;
}

TEST_P(FiberPoll, CloseWakesATcpReaderWhoseRecvIsQueuedOrInTheKernelAndThePeerSeesTheEnd) {
  EXPECT_EQ(run_bounded(GetParam(), 1, close_while_reading_tcp, std::chrono::seconds(20)), 0)
      << "-1: hung (a reader was not woken, or the peer never saw the end)";
  EXPECT_EQ(run_bounded(GetParam(), 2, close_while_reading_tcp, std::chrono::seconds(20)), 0)
      << "two threads (epoll in both modes): -1: hung";
}

// A close on another thread that has woken the parked fibers (evict) but not yet closed the
// descriptor, while this reader is between its read (skipped after a short read) and its park:
// the park must not register the still open descriptor afresh and wait on it (close(2) then
// takes it out of the epoll set without an event: the reader would sleep for good); the read
// fails with EBADF, as a read parked before the close does. The hook plays the other thread.
int evicted_between_read_and_park(Os& os) {
  for (int i = 0; i < 50; ++i) {
    LoopbackPair p = loopback_pair(os);
    if (p.server < 0 || !warm_up(os, p)) return 20;
    g_poll_plan.bytes.clear();
    g_poll_plan.evict = true;
    g_poll_plan.armed = true;
    char buf[8];
    Result<size_t> n = os.recv(p.server, std::span<char>(buf, sizeof buf));
    if (n || n.error() != Errno::ebadf) return 18;
    // The second half of that close; the next round's sockets may get the same numbers.
    (void)os.close(p.server);
    (void)os.close(p.client);
  }
  return 0;
}

TEST_P(FiberPoll, AReaderParkingAfterAnotherThreadsCloseBeganGetsEbadfInsteadOfWaitingForGood) {
  EXPECT_EQ(run_bounded(GetParam(), 1, evicted_between_read_and_park, std::chrono::seconds(20)), 0)
      << "-1: hung (the park registered the descriptor being closed and waited on it)";
}

INSTANTIATE_TEST_SUITE_P(Modes, FiberPoll, testing::Values(PollMode::epoll, PollMode::ring),
                         [](const testing::TestParamInfo<PollMode>& i) {
                           return std::string(i.param == PollMode::ring ? "ring" : "epoll");
                         });

}  // namespace
}  // namespace papaya::real::fiber
