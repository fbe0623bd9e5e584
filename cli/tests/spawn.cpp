#include "cli/tests/spawn.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "real/tests/child.hpp"

namespace papaya::cli::testing {

std::string papaya_binary() { return PAPAYA_BINARY; }

namespace {

int open_or_null(const std::string& path, int flags) {
  return ::open(path.empty() ? "/dev/null" : path.c_str(), flags | O_CLOEXEC, 0600);
}

// Only async-signal-safe calls between fork and exec (signal-safety(7)): the test process may
// have threads, so argv is built before the fork.
[[noreturn]] void exec_child(char* const* argv, const SpawnOptions& o, int in, int out, int err) {
  if (o.new_group) ::setpgid(0, 0);
  // dup2(2) clears FD_CLOEXEC on the copy: only fds 0-2 survive the exec.
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  ::execv(argv[0], argv);
  static const char msg[] = "spawn: execv failed\n";
  [[maybe_unused]] ssize_t n = ::write(2, msg, sizeof msg - 1);
  ::_exit(127);
}

// `papaya serve ...` with `--design D` added right after "serve" when PAPAYA_SERVE_DESIGN=D:
// CMake registers the serve tests once per design (cli/tests/CMakeLists.txt).
std::vector<std::string> with_design(const std::vector<std::string>& args) {
  const char* design = std::getenv("PAPAYA_SERVE_DESIGN");
  if (design == nullptr || args.size() < 2 || args[0] != papaya_binary() || args[1] != "serve")
    return args;
  std::vector<std::string> out(args.begin(), args.begin() + 2);
  out.push_back("--design");
  out.push_back(design);
  out.insert(out.end(), args.begin() + 2, args.end());
  return out;
}

}  // namespace

std::string serve_design() {
  const char* design = std::getenv("PAPAYA_SERVE_DESIGN");
  return design == nullptr ? "process" : design;
}

Spawned spawn(const std::vector<std::string>& args, const SpawnOptions& o) {
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
  if (o.pipe_stdin && ::pipe2(in_pipe, O_CLOEXEC) < 0) std::abort();
  if (o.pipe_stdout && ::pipe2(out_pipe, O_CLOEXEC) < 0) std::abort();
  int in = o.pipe_stdin ? in_pipe[0] : open_or_null("", O_RDONLY);
  int out = o.pipe_stdout ? out_pipe[1] : open_or_null(o.stdout_path, O_WRONLY | O_CREAT | O_TRUNC);
  int err = open_or_null(o.stderr_path, O_WRONLY | O_CREAT | O_TRUNC);
  const std::vector<std::string> full = with_design(args);
  std::vector<char*> argv;
  for (const std::string& a : full) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) std::abort();
  if (pid == 0) exec_child(argv.data(), o, in, out, err);
  if (o.new_group) ::setpgid(pid, pid);  // setpgid(2): both sides call it; whichever is first wins
  ::close(in);
  ::close(out);
  ::close(err);
  return Spawned{pid, o.pipe_stdin ? in_pipe[1] : -1, o.pipe_stdout ? out_pipe[0] : -1};
}

RunResult run_papaya(const std::vector<std::string>& args, const std::string& scratch_dir,
                     std::chrono::milliseconds deadline) {
  std::vector<std::string> argv{papaya_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  SpawnOptions o;
  o.stdout_path = scratch_dir + "/run.out";
  o.stderr_path = scratch_dir + "/run.err";
  Spawned s = spawn(argv, o);
  real::testing::ChildOutcome end = real::testing::wait_child(s.pid, deadline);
  RunResult r{end.exited, end.exited ? end.code : -1, read_file(o.stdout_path),
              read_file(o.stderr_path)};
  ::unlink(o.stdout_path.c_str());
  ::unlink(o.stderr_path.c_str());
  return r;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& contents, unsigned mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) std::abort();
  if (::write(fd, contents.data(), contents.size()) != static_cast<ssize_t>(contents.size()))
    std::abort();
  ::close(fd);
  ::chmod(path.c_str(), mode);
}

namespace {
// Reads `fd` into `out` until `done(out)`, end of file, or the deadline; returns done(out).
template <class Done>
bool read_while(int fd, std::string& out, Done done, std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!done(out)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p = {fd, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return done(out);
    out.append(buf, static_cast<size_t>(n));
  }
  return true;
}
}  // namespace

std::string read_all(int fd, std::chrono::milliseconds deadline) {
  std::string out;
  (void)read_while(
      fd, out, [](const std::string&) { return false; }, deadline);
  return out;
}

bool read_until_contains(int fd, std::string& out, const std::string& needle,
                         std::chrono::milliseconds deadline) {
  return read_while(
      fd, out, [&](const std::string& s) { return s.find(needle) != std::string::npos; }, deadline);
}

}  // namespace papaya::cli::testing
