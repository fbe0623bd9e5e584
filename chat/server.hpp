// What every chat design shares: its configuration, and the one server start that dispatches on
// the design (process: chat/process/, goroutine: chat/goroutine/).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "chat/design.hpp"
#include "os/os.hpp"

namespace papaya::chat {

struct ServerConfig {
  std::string log_path;
  std::string key;         // exactly 128 bytes (key.hpp validates a key file)
  size_t history = 7;      // lines a joining client receives first
  size_t max_line = 4096;  // longest accepted line, '\n' included
  Duration auth_timeout = std::chrono::seconds(1);
  // An authenticated client that sends nothing for this long is disconnected (SIGALRM's default
  // action ends its Child RECV; Child SEND then closes). Zero: no idle timeout (the default).
  Duration idle_timeout = Duration::zero();
  int max_clients = 256;  // live client clusters; more connections are closed at once
  Design design = Design::process;
  Variant variant = Variant::correct;  // one of variants_of(design)
  friend bool operator==(const ServerConfig&, const ServerConfig&) = default;
};

// Runs cfg.design's server on an already-listening socket until SIGTERM or SIGINT and returns its
// exit code (0 after a signal, 1 when the log cannot be opened or accept fails for good, 2 for a
// bad configuration, including a variant that is not the design's). See each design's header for
// what it REQUIRES of the caller (the process design: a process-group leader).
int run_server(Os& os, const ServerConfig& cfg, Fd listener);

}  // namespace papaya::chat
