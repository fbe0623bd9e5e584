// `papaya serve --foreground` as a test fixture: started on an ephemeral port with a fresh key
// and log in a temp directory; on destruction both its process groups are SIGKILLed and the
// supervisor reaped, whatever the test's assertions did.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "real/tests/child.hpp"

namespace papaya::cli::testing {

using real::testing::ChildOutcome;
using real::testing::TempDir;

// A valid key: 128 hex digits.
std::string test_key();
// Writes test_key() + "\n" to dir/key with mode 0600; returns the path.
std::string write_key(const TempDir& dir);

class ServeProcess {
 public:
  // papaya serve --foreground --port 0 --log DIR/chat.log --key-file DIR/key <extra...>
  ServeProcess(const TempDir& dir, const std::vector<std::string>& extra = {});
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Listening (port known) and the server process forked (its group known).
  bool started() const { return port_ != 0 && server_ > 0; }
  std::uint16_t port() const { return port_; }
  pid_t supervisor() const { return supervisor_; }
  pid_t server_group() const { return server_; }
  std::string log() const;  // the chat log's bytes
  std::string stderr_text() const;
  // Sends `signo` to the supervisor and waits for it to exit.
  ChildOutcome stop(int signo, std::chrono::milliseconds deadline = std::chrono::seconds(10));

 private:
  std::string log_path_;
  std::string err_path_;
  pid_t supervisor_ = -1;
  pid_t server_ = -1;
  std::uint16_t port_ = 0;
  bool reaped_ = false;
};

// The port in a "papaya serve: listening on 127.0.0.1:PORT" line of `text`; 0 if none.
std::uint16_t port_in(const std::string& text);
// Waits until `path` contains "listening on 127.0.0.1:PORT"; 0 on timeout.
std::uint16_t wait_for_port(const std::string& path, std::chrono::milliseconds deadline);

}  // namespace papaya::cli::testing
