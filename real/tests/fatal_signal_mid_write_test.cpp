// FatalSignalMidWrite on Linux (docs/kernel-rules.md): a write(2) to a regular file that SIGKILL
// interrupts leaves the pages it had copied so far, and the file grows by whole pages only
// (generic_perform_write checks fatal_signal_pending() before each page). The simulator's rule,
// and the kill -9 finding of docs/properties.md (a torn line in the log), rest on it. No
// man-page sentence promises it and a race decides where the write stops, so this is a Linux-only
// observation, not a sim-vs-Linux conformance scenario: it retries with a later kill until the
// kill lands inside the write.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using testing::TempDir;

constexpr std::size_t big = std::size_t{256} << 20;  // long enough to be caught in the middle

void sleep_us(long us) {
  timespec ts{us / 1'000'000, (us % 1'000'000) * 1000};
  while (::nanosleep(&ts, &ts) != 0) {
  }
}

// Forks a writer that writes `big` bytes (a page-aligned O_APPEND start) to `path` in one call,
// kills it with SIGKILL after `delay_us`, and returns the file's size.
off_t size_after_killed_write(const std::string& path, long delay_us) {
  (void)::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  EXPECT_GE(fd, 0);
  static std::vector<char> buf(big, 'x');
  pid_t pid = ::fork();
  if (pid == 0) {
    (void)::write(fd, buf.data(), buf.size());
    ::_exit(0);
  }
  ::close(fd);
  sleep_us(delay_us);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  struct stat st = {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_size;
}

TEST(FatalSignalMidWrite, AWriteKilledInTheMiddleLeavesWholePagesOnLinux) {
  TempDir dir;
  const std::string path = dir.file("big");
  const long page = ::sysconf(_SC_PAGESIZE);
  ASSERT_GT(page, 0);
  bool caught_inside = false;
  for (long delay_us = 200; delay_us <= 200'000 && !caught_inside; delay_us *= 2) {
    const off_t size = size_after_killed_write(path, delay_us);
    if (size == 0 || size == static_cast<off_t>(big)) continue;  // too early, or too late
    caught_inside = true;
    std::printf("killed after %ld us: %lld of %zu bytes written (%lld pages)\n", delay_us,
                static_cast<long long>(size), big, static_cast<long long>(size / page));
    EXPECT_EQ(size % page, 0) << "a killed write stopped inside a page: " << size << " bytes";
    EXPECT_LT(size, static_cast<off_t>(big));
  }
  EXPECT_TRUE(caught_inside) << "no kill landed inside the write (every delay too early or late)";
}

}  // namespace
}  // namespace papaya::real
