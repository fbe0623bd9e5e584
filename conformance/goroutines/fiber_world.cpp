// run_on_fibers (fiber_world.hpp).
#include "conformance/goroutines/fiber_world.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "real/fiber/fiber_os.hpp"

namespace papaya::conformance::goroutines {

namespace {

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

std::string run_on_fibers(const GoScenario& s, unsigned threads,
                          std::chrono::milliseconds deadline) {
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0) return "HARNESS: pipe2\n";
  pid_t pid = ::fork();
  if (pid < 0) return "HARNESS: fork\n";
  if (pid == 0) {
    ::close(out[0]);
    ::close(err[0]);
    ::dup2(err[1], STDERR_FILENO);
    int code = real::fiber::run_main({}, threads, [&](Os& os) {
      write_all(out[1], s.body(os));
      return 0;
    });
    ::_exit(code);
  }
  ::close(out[1]);
  ::close(err[1]);
  std::string text[2];
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_pipes = 2;
  bool late = false;
  auto end = std::chrono::steady_clock::now() + deadline;
  while (open_pipes > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      late = true;
      break;
    }
    int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        text[i].append(buf, static_cast<std::size_t>(got));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  if (late) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string outcome = text[0];
  if (late) return outcome + "HARNESS: deadline passed; stderr: " + first_line(text[1]) + "\n";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return outcome + "main: returned\n";
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) {
    return outcome + "main: aborted: " + first_line(text[1]) + "\n";
  }
  return outcome + "HARNESS: child ended with status " + std::to_string(status) +
         "; stderr: " + first_line(text[1]) + "\n";
}

}  // namespace papaya::conformance::goroutines
