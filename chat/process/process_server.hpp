// The `process` design: the paper's architecture (one daemon, and per client a cluster of two
// processes, Child RECV and Child SEND, around a shared append-only log), done right, with the
// original's flaws available as named variants (variant.hpp). docs/chat.md draws it.
#pragma once

#include "chat/server.hpp"
#include "os/os.hpp"

namespace papaya::chat {

// Runs the accept loop on an already-listening socket until SIGTERM or SIGINT, then ends every
// process of the server and returns the exit code: 0 after a signal, 1 when the log cannot be
// opened or accept fails for good, 2 for a bad configuration (key not 128 bytes, max_line 0,
// caller not a group leader). Everything is reported with os.log.
// REQUIRES: the caller leads its own process group (it will kill(-getpgid(0), ...)); checked.
// Installs its own signal dispositions and mask: SIGUSR1 ignored (inherited by the children),
// SIGTERM, SIGINT, SIGCHLD and SIGALRM caught. Uses alarm(2) while waiting in accept.
int run_process_server(Os& os, const ServerConfig& cfg, Fd listener);

}  // namespace papaya::chat
