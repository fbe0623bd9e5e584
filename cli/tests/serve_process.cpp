#include "cli/tests/serve_process.hpp"

#include <signal.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "cli/tests/proc_table.hpp"
#include "cli/tests/spawn.hpp"

namespace papaya::cli::testing {

using namespace std::chrono_literals;

std::string test_key() {
  std::string key;
  for (int i = 0; i < 8; ++i) key += "0123456789abcdef";
  return key;
}

std::string write_key(const TempDir& dir) {
  std::string path = dir.file("key");
  write_file(path, test_key() + "\n", 0600);
  return path;
}

std::uint16_t port_in(const std::string& text) {
  static const std::regex listening(R"(papaya serve: listening on 127\.0\.0\.1:(\d+))");
  std::smatch m;
  return std::regex_search(text, m, listening) ? static_cast<std::uint16_t>(std::stoi(m[1])) : 0;
}

std::uint16_t wait_for_port(const std::string& path, std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (std::uint16_t port = port_in(read_file(path)); port != 0) return port;
    std::this_thread::sleep_for(5ms);
  }
  return 0;
}

ServeProcess::ServeProcess(const TempDir& dir, const std::vector<std::string>& extra)
    : log_path_(dir.file("chat.log")), err_path_(dir.file("serve.err")) {
  std::vector<std::string> args{papaya_binary(), "serve",   "--foreground", "--port",      "0",
                                "--log",         log_path_, "--key-file",   write_key(dir)};
  args.insert(args.end(), extra.begin(), extra.end());
  SpawnOptions o;
  o.stderr_path = err_path_;
  supervisor_ = spawn(args, o).pid;
  port_ = wait_for_port(err_path_, 10s);
  for (auto until = std::chrono::steady_clock::now() + 10s;
       server_ <= 0 && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(2ms)) {
    std::vector<pid_t> kids = children_of(supervisor_);
    if (!kids.empty()) server_ = kids.front();
  }
}

ServeProcess::~ServeProcess() {
  if (server_ > 0) ::kill(-server_, SIGKILL);
  if (!reaped_) {
    ::kill(-supervisor_, SIGKILL);  // spawn() gave the supervisor a group of its own
    (void)real::testing::wait_child(supervisor_, 5s);
  }
}

std::string ServeProcess::log() const { return read_file(log_path_); }

std::string ServeProcess::stderr_text() const { return read_file(err_path_); }

ChildOutcome ServeProcess::stop(int signo, std::chrono::milliseconds deadline) {
  ::kill(supervisor_, signo);
  ChildOutcome out = real::testing::wait_child(supervisor_, deadline);
  reaped_ = true;
  return out;
}

}  // namespace papaya::cli::testing
