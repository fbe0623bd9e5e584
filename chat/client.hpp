// The line-mode chat client (`papaya chat`): the original's ncurses client without the curses.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "os/os.hpp"

namespace papaya::chat {

struct ClientConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string key;   // exactly 128 bytes (key.hpp validates a key file)
  std::string user;  // lines go out as "user: text\n" ("text\n" when empty)
  // At the end of input, how long to wait at most for the last line sent to come back before
  // shutting down the sending side (zero: do not wait). See run_line_client.
  Duration linger = std::chrono::seconds(2);
  // The server's max_line, '\n' included, if known (0: unknown). A line longer than this, which
  // the server refuses and so never echoes, is not waited for.
  size_t max_line = 0;
};

// Line-mode client: reads lines from `in` (e.g. fd 0), sends "user: line\n"; writes every byte the
// server sends to `out` (e.g. fd 1). Returns 0 once it has sent its lines to the end of input,
// lingered (below) and shut down its sending side (it then prints what the server still sends,
// until the server closes), 1 if the server closes first, 2 if it cannot connect or authenticate.
//
// The linger. The server ends a client's cluster as soon as it sees the end of the client's
// stream, so lines still on their way back (the client's own included) would be lost. So at the
// end of input the client first waits until its last line sent has come back (exact match on a
// whole received line), at most `linger`, and only then shuts down its sending side. Lines the
// client knows the server refuses (with a NUL byte, longer than a known max_line) are not waited
// for. A line identical to ours that arrives first (from the history, say) ends the wait early.
//
// Processes: the caller receives until the server closes; a forked sender reads `in` and sends;
// with a nonzero linger a forked matcher follows the lines sent and received (client.cpp). Both
// children are ended (SIGKILL) and reaped before it returns. SIGPIPE is ignored while it runs
// (the previous disposition is restored).
//
// The protocol has no authentication answer: the server just closes on a bad key. So a server
// that closes before sending a single byte counts as an authentication failure (2); once bytes
// have arrived, a close is the server closing first (1). A final line without '\n' is sent with
// one.
int run_line_client(Os& os, const ClientConfig& cfg, Fd in, Fd out);

}  // namespace papaya::chat
