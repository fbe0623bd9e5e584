// The `process` design: the paper's architecture (one daemon, and per client a cluster of two
// processes, Child RECV and Child SEND, around a shared append-only log), done right, with the
// original's flaws available as named variants (variant.hpp). docs/chat.md draws it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "chat/variant.hpp"
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
  Variant variant = Variant::correct;
  friend bool operator==(const ServerConfig&, const ServerConfig&) = default;
};

// Runs the accept loop on an already-listening socket until SIGTERM or SIGINT, then ends every
// process of the server and returns the exit code: 0 after a signal, 1 when the log cannot be
// opened or accept fails for good, 2 for a bad configuration (key not 128 bytes, max_line 0,
// caller not a group leader). Everything is reported with os.log.
// REQUIRES: the caller leads its own process group (it will kill(-getpgid(0), ...)); checked.
// Installs its own signal dispositions and mask: SIGUSR1 ignored (inherited by the children),
// SIGTERM, SIGINT, SIGCHLD and SIGALRM caught. Uses alarm(2) while waiting in accept.
int run_process_server(Os& os, const ServerConfig& cfg, Fd listener);

}  // namespace papaya::chat
