// What a line costs the fiber runtime in system calls of its own, on the real kernel
// (docs/fiber.md, "What the sink does per line"): the sink's loop
// (chat/goroutine/goroutine_sink.cpp: recv up to 4096 bytes, write what came to /dev/null) reads
// lines that arrive one at a time over TCP, and the runtime's counters (PollCounts, scheduler.hpp)
// must show per read at most one wait and nothing else: no recv failing with EAGAIN after a short
// read (the short-read rule), no timed wait, no doorbell, no epoll_ctl after the first registration
// (edge-triggered, once). The EAGAIN read and an epoll_ctl per park were the fiber sink's until
// wave 6 (docs/results.md); a timed wait or a doorbell would be a wake-up per line more.
//
// The program runs on FiberOs with one thread in a forked child (the runtime starts once per
// process); a plain thread of the child writes the lines, and the child reports its counts to
// the parent over a pipe.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "os/os.hpp"
#include "real/fiber/fiber_os.hpp"
#include "real/fiber/scheduler.hpp"
#include "real/fiber/tests/loopback_pair.hpp"
#include "real/fiber/tests/wait_or_kill.hpp"

namespace papaya::real::fiber {
namespace {

constexpr int kCostLines = 150;
constexpr std::size_t kCostLineBytes = 1460;  // papaya load's line: 1 Mbit/s is 85.6 a second
constexpr auto kCostGap = std::chrono::milliseconds(3);

int g_cost_report_fd = -1;  // the pipe to the parent (set before fork)

// What the child measured over the lines (all from the reading thread's PollCounts).
struct LineCost {
  long reads = 0;  // recvs that returned bytes
  long bytes = 0;
  long waits = 0;
  long timed_waits = 0;
  long doorbells = 0;
  long controls = 0;
  long reads_would_block = 0;
};

int sink_lines_program(Os& os) {
  LoopbackPair p = loopback_pair(os);
  if (p.server < 0) return 20;
  Result<Fd> out = os.open("/dev/null", OpenFlags::wronly | OpenFlags::cloexec);
  if (!out) return 21;
  const PollCounts before = poll_counts();
  // The load generator: a thread outside the runtime, one line every kCostGap, then the end.
  std::thread writer([client = p.client] {
    const std::string line(kCostLineBytes, 'x');
    for (int i = 0; i < kCostLines; ++i) {
      std::this_thread::sleep_for(kCostGap);
      (void)::send(client, line.data(), line.size(), MSG_NOSIGNAL);
    }
    (void)::shutdown(client, SHUT_WR);
  });
  LineCost cost;
  std::vector<char> buf(4096);
  for (;;) {
    Result<size_t> n = os.recv(p.server, std::span<char>(buf.data(), buf.size()));
    if (!n || *n == 0) break;
    ++cost.reads;
    cost.bytes += static_cast<long>(*n);
    (void)os.write(*out, std::string_view(buf.data(), *n));
  }
  writer.join();
  const PollCounts after = poll_counts();
  cost.waits = static_cast<long>(after.waits - before.waits);
  cost.timed_waits = static_cast<long>(after.timed_waits - before.timed_waits);
  cost.doorbells = static_cast<long>(after.doorbells - before.doorbells);
  cost.controls = static_cast<long>(after.controls - before.controls);
  cost.reads_would_block = static_cast<long>(after.reads_would_block - before.reads_would_block);
  const std::string report = std::to_string(cost.reads) + " " + std::to_string(cost.bytes) + " " +
                             std::to_string(cost.waits) + " " + std::to_string(cost.timed_waits) +
                             " " + std::to_string(cost.doorbells) + " " +
                             std::to_string(cost.controls) + " " +
                             std::to_string(cost.reads_would_block) + "\n";
  if (::write(g_cost_report_fd, report.data(), report.size()) < 0) return 22;
  return 0;
}

// Runs the program on one thread with epoll (the default runtime) in a child, within 30 s.
bool measure_line_cost(LineCost& cost, std::string& why) {
  int ends[2];
  if (::pipe(ends) != 0) {
    why = "pipe failed";
    return false;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    why = "fork failed";
    return false;
  }
  if (pid == 0) {
    ::close(ends[0]);
    g_cost_report_fd = ends[1];
    ::setenv("PAPAYA_FIBER_RING", "0", 1);
    ::_exit(run_main({}, 1, sink_lines_program));
  }
  ::close(ends[1]);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  if (!wait_or_kill(pid, until, status)) {
    ::close(ends[0]);
    why = "the child hung (a lost wake-up?)";
    return false;
  }
  char text[256] = {};
  const ssize_t got = ::read(ends[0], text, sizeof text - 1);
  ::close(ends[0]);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got <= 0) {
    why = "the child failed (status " + std::to_string(status) + ")";
    return false;
  }
  if (std::sscanf(text, "%ld %ld %ld %ld %ld %ld %ld", &cost.reads, &cost.bytes, &cost.waits,
                  &cost.timed_waits, &cost.doorbells, &cost.controls,
                  &cost.reads_would_block) != 7) {
    why = std::string("unreadable report: ") + text;
    return false;
  }
  return true;
}

TEST(FiberLineCost, EachLineCostsOneWaitOneReadAndNoOtherCallOfTheRuntime) {
  LineCost c;
  std::string why;
  ASSERT_TRUE(measure_line_cost(c, why)) << why;
  const std::string counts = "reads " + std::to_string(c.reads) + ", waits " +
                             std::to_string(c.waits) + ", timed " + std::to_string(c.timed_waits) +
                             ", doorbells " + std::to_string(c.doorbells) + ", epoll_ctl " +
                             std::to_string(c.controls) + ", EAGAIN reads " +
                             std::to_string(c.reads_would_block);
  std::printf("per %d lines: %s\n", kCostLines, counts.c_str());
  ASSERT_EQ(c.bytes, static_cast<long>(kCostLines * kCostLineBytes)) << counts;
  // The lines came one at a time (3 ms apart): most reads followed a wait. On a machine so
  // busy that the reader fell behind by more than a gap, several lines share a read.
  ASSERT_GE(c.reads, kCostLines / 4) << "lines did not arrive one at a time: " << counts;
  ASSERT_GE(c.waits, c.reads / 2) << "the reader hardly ever waited: " << counts;
  // Per read at most one wait (and the one that saw the end of stream).
  EXPECT_LE(c.waits, c.reads + 2) << counts;
  // The short-read rule: after a short read the next recv parks without trying. The first
  // recv (before any line) and a read woken by an edge whose bytes an earlier read took may
  // still find the socket empty: a handful, not one per line.
  EXPECT_LE(c.reads_would_block, 2 + c.reads / 20) << counts;
  // No fiber sleeps: every wait is without a timeout. One thread: no doorbell. The socket was
  // registered once (edge-triggered): at most that registration in the window.
  EXPECT_EQ(c.timed_waits, 0) << counts;
  EXPECT_EQ(c.doorbells, 0) << counts;
  EXPECT_LE(c.controls, 1) << counts;
}

}  // namespace
}  // namespace papaya::real::fiber
