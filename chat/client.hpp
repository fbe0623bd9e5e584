// The line-mode chat client (`papaya chat`): the original's ncurses client without the curses.
#pragma once

#include <cstdint>
#include <string>

#include "os/os.hpp"

namespace papaya::chat {

struct ClientConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string key;   // exactly 128 bytes (key.hpp validates a key file)
  std::string user;  // lines go out as "user: text\n" ("text\n" when empty)
};

// Line-mode client: reads lines from `in` (e.g. fd 0), sends "user: line\n"; writes every byte the
// server sends to `out` (e.g. fd 1). Returns 0 at end of input after flushing its lines (it then
// shuts down its sending side and waits until the server closes), 1 if the server closes first,
// 2 if it cannot connect or authenticate. Forks a receiver process.
//
// The protocol has no authentication answer: the server just closes on a bad key. So a server
// that closes before sending a single byte counts as an authentication failure (2); once bytes
// have arrived, a close is the server closing first (1). A final line without '\n' is sent with
// one. Catches SIGCHLD (no SA_RESTART) to notice the receiver ending while blocked reading `in`.
int run_line_client(Os& os, const ClientConfig& cfg, Fd in, Fd out);

}  // namespace papaya::chat
