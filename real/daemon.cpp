#include "real/daemon.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace papaya::real {

namespace {

// Wire format on the readiness pipe: "R" (ready) or "F<code> <reason>" (failed).
constexpr char ready_mark = 'R';
constexpr char failed_mark = 'F';

std::string errno_text(const char* call) { return std::string(call) + ": " + std::strerror(errno); }

// In the daemon, before the body: no terminal, no working directory, no inherited streams.
std::string detach_streams_and_cwd() {
  // daemon(7): "change the current directory to the root directory (/), in order to avoid that
  // the daemon involuntarily blocks mount points from being unmounted".
  if (::chdir("/") < 0) return errno_text("chdir /");
  int null = ::open("/dev/null", O_RDWR | O_NOCTTY);
  if (null < 0) return errno_text("open /dev/null");
  for (int fd = 0; fd <= 2; ++fd) {
    if (::dup2(null, fd) < 0) return errno_text("dup2 /dev/null");
  }
  if (null > 2) ::close(null);
  return {};
}

// The first child: new session, then fork the daemon and leave. Never returns.
[[noreturn]] void first_child(const std::function<int(Readiness&)>& body, int ready_fd) {
  Readiness readiness(ready_fd);
  if (::setsid() < 0) {
    readiness.failed(1, errno_text("setsid"));
    ::_exit(1);
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    readiness.failed(1, errno_text("fork"));
    ::_exit(1);
  }
  if (pid > 0) ::_exit(0);  // the daemon is orphaned on purpose: init (or a subreaper) adopts it
  if (::setpgid(0, 0) < 0) {
    readiness.failed(1, errno_text("setpgid"));
    ::_exit(1);
  }
  if (std::string why = detach_streams_and_cwd(); !why.empty()) {
    readiness.failed(1, why);
    ::_exit(1);
  }
  ::_exit(body(readiness));
}

// Reads the pipe until the daemon closes its end, or until the deadline. False on timeout.
bool read_until_eof(int fd, std::chrono::milliseconds timeout, std::string& out) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p = {fd, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) return false;
    if (rc < 0) return true;  // poll itself failed: judge by what arrived
    char buf[512];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    out.append(buf, static_cast<size_t>(n));
  }
}

LaunchOutcome interpret(const std::string& message) {
  if (!message.empty() && message[0] == ready_mark) return {0, {}};
  if (!message.empty() && message[0] == failed_mark) {
    size_t space = message.find(' ');
    int code = std::atoi(message.substr(1, space - 1).c_str());
    std::string why = space == std::string::npos ? "" : message.substr(space + 1);
    return {code == 0 ? 1 : code, why.empty() ? "daemon failed to start" : why};
  }
  return {1, "daemon exited before it was ready"};
}

}  // namespace

Readiness::~Readiness() {
  if (fd_ >= 0) ::close(fd_);
}

void Readiness::say(std::string_view message) {
  if (fd_ < 0) return;
  // One write(2) below PIPE_BUF: pipe(7) makes it atomic, so the launcher reads all or nothing.
  [[maybe_unused]] ssize_t n = ::write(fd_, message.data(), message.size());
  ::close(fd_);
  fd_ = -1;
}

void Readiness::ready() { say(std::string(1, ready_mark)); }

void Readiness::failed(int exit_code, std::string_view why) {
  say(std::string(1, failed_mark) + std::to_string(exit_code) + " " +
      std::string(why.substr(0, 400)));
}

LaunchOutcome daemonise(const std::function<int(Readiness&)>& body,
                        std::chrono::milliseconds ready_timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return {1, errno_text("pipe")};
  pid_t first = ::fork();
  if (first < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return {1, errno_text("fork")};
  }
  if (first == 0) {
    ::close(fds[0]);
    first_child(body, fds[1]);
  }
  ::close(fds[1]);  // else the launcher's own copy would keep EOF from ever arriving
  int status = 0;
  while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
  }
  std::string message;
  bool finished = read_until_eof(fds[0], ready_timeout, message);
  ::close(fds[0]);
  if (!finished && message.empty()) {
    return {1, "daemon not ready after " + std::to_string(ready_timeout.count()) + " ms"};
  }
  return interpret(message);
}

}  // namespace papaya::real
