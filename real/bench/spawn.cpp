#include "real/bench/spawn.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace papaya::real::bench {

namespace {

using Clock = std::chrono::steady_clock;

void redirect(const std::string& path, int target) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    ::dup2(fd, target);
    ::close(fd);
  }
}

// sched(7), "The autogroup feature": "A new autogroup is created when a new session is created
// via setsid(2)". With autogroups on (/proc/sys/kernel/sched_autogroup_enabled, the Debian
// default), CPU time is shared between groups first and between the tasks of a group second, and
// a group's weight on a core follows its load there. Left in the caller's session, the load
// generator pinned to core 1 shared one group with a forked server tree busy on core 0: the
// group's weight on core 1 shrank to a sliver, and other sessions' tasks there (even nice 10
// ones: nice only orders tasks inside a group) kept it waiting 8-17 ms a turn
// (docs/results.md). Its own session gives each measured program its own group, as its own
// machine would.
pid_t new_session() { return ::setsid(); }

}  // namespace

Spawned spawn(const SpawnSpec& spec) {
  Spawned s;
  int out[2] = {-1, -1};
  if (spec.pipe_stdout && ::pipe2(out, O_CLOEXEC) != 0) {
    s.error = std::string("pipe: ") + std::strerror(errno);
    return s;
  }
  std::vector<char*> argv;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    s.error = std::string("fork: ") + std::strerror(errno);
    return s;
  }
  if (pid == 0) {
    if (spec.own_session)
      (void)new_session();
    else
      ::setpgid(0, 0);
    if (spec.core) (void)pin_self(*spec.core);
    if (spec.pipe_stdout)
      ::dup2(out[1], 1);
    else
      redirect(spec.stdout_path, 1);
    redirect(spec.stderr_path, 2);
    ::execv(argv[0], argv.data());
    dprintf(2, "exec %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  // The child's setsid makes it a group leader; the parent must not setpgid it first (setsid(2):
  // "EPERM The process group ID of any process equals the PID of the calling process"), so it
  // waits, bounded, until the group exists: stop_group signals the group.
  for (int i = 0; i < 500 && ::getpgid(pid) != pid; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  s.pid = pid;
  if (spec.pipe_stdout) {
    ::close(out[1]);
    s.stdout_fd = out[0];
  }
  return s;
}

std::optional<std::string> read_line(int fd, std::chrono::milliseconds deadline) {
  std::string line;
  const auto end = Clock::now() + deadline;
  while (line.size() < 65536) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;
    char c = 0;
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    if (c == '\n') return line;
    line += c;
  }
  return line;
}

bool wait_for(pid_t pid, std::chrono::milliseconds deadline) {
  const auto end = Clock::now() + deadline;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (Clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void stop_group(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  ::kill(-pid, SIGTERM);
  if (wait_for(pid, grace)) {
    ::kill(-pid, SIGKILL);  // stragglers of the group, if any
    return;
  }
  ::kill(-pid, SIGKILL);
  (void)wait_for(pid, std::chrono::seconds(5));
}

// sched_setaffinity(2): "If pid is zero, then the calling thread is used." A child created by
// fork(2) inherits its parent's CPU affinity mask, and the mask is preserved across execve(2).
bool pin_self(int core) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(core, &set);
  return ::sched_setaffinity(0, sizeof set, &set) == 0;
}

int online_cores() { return static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)); }

std::optional<int> free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::optional<int> port;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

bool wait_listening(int port, std::chrono::milliseconds deadline, pid_t server) {
  const auto end = Clock::now() + deadline;
  while (Clock::now() < end) {
    int status = 0;
    if (server > 0 && ::waitpid(server, &status, WNOHANG) == server) return false;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string self_exe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace papaya::real::bench
