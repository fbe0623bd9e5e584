#include "real/tests/child.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace papaya::real::testing {

std::string ChildOutcome::describe() const {
  if (timed_out) return "child timed out (killed)";
  if (exited) return "child exited with " + std::to_string(code);
  if (signaled) return std::string("child killed by ") + strsignal(signo);
  return "child: no status";
}

[[noreturn]] void child_fail(const char* file, int line, const char* what) {
  std::string msg =
      std::string(file) + ":" + std::to_string(line) + ": in child: CHECK(" + what + ") failed\n";
  [[maybe_unused]] ssize_t n = ::write(2, msg.data(), msg.size());
  ::_exit(1);
}

ChildOutcome wait_child(pid_t pid, std::chrono::milliseconds deadline) {
  ChildOutcome out;
  auto until = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return out;
    if (std::chrono::steady_clock::now() > until) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      out.timed_out = true;
      return out;
    }
    timespec nap = {0, 1'000'000};
    ::nanosleep(&nap, nullptr);
  }
  if (WIFEXITED(status)) {
    out.exited = true;
    out.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out.signaled = true;
    out.signo = WTERMSIG(status);
  }
  return out;
}

ChildOutcome run_in_child(const std::function<int()>& body, std::chrono::milliseconds deadline) {
  pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    return {};
  }
  if (pid == 0) ::_exit(body());
  return wait_child(pid, deadline);
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/papaya-real-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (DIR* d = ::opendir(path_.c_str())) {
    while (dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        ::unlink(file(e->d_name).c_str());
      }
    }
    ::closedir(d);
  }
  ::rmdir(path_.c_str());
}

}  // namespace papaya::real::testing
