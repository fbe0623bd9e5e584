// The start-up sequence of `papaya serve`, whatever the server inside: refuse early and clearly,
// bind and open files while still privileged, then drop privileges, then serve.
//
//   1. --user looked up, and we may become it            (refused: exit 2)
//   2. pid file locked (real/pid_file.hpp)                (refused: exit 2)
//   3. log file opened/created, chowned to --user         (refused: exit 2)
//   4. listening socket bound; "papaya serve: listening on HOST:PORT" on stderr (refused: exit 2)
//   5. foreground: drop privileges, write the pid file, supervise the server in its own group
//      daemon:     daemonise, write the pid file, open syslog, drop privileges, say ready, serve
//
// The server itself is a callback, so this file knows nothing of chat/: cli/cmd_serve.cpp hands
// in chat::run_process_server with its configuration.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "os/os.hpp"

namespace papaya::real {

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7777;  // 0: an ephemeral port, printed on stderr
  int backlog = 128;
  std::string log_path;  // the chat log: created 0660 if missing, owned by --user
  std::string user;      // empty: keep the current user
  bool foreground = false;
  std::string pid_file;                             // empty: none
  std::string ident = "papaya";                     // syslog ident / stderr log prefix
  std::chrono::milliseconds ready_timeout{10'000};  // daemon mode: launcher's patience
};

// The server: runs on `os` (a RealOs logging to stderr or syslog) in a process that leads its
// own process group, with `listener` bound and listening. Returns its exit code.
using ServerBody = std::function<int(Os& os, Fd listener)>;

// Runs the sequence above; returns the process's exit code. Messages for the operator go to
// stderr as one line each, prefixed "papaya serve: ".
int serve(const ServeOptions& options, const ServerBody& server);

}  // namespace papaya::real
