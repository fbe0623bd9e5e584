// Internal to the process design: the per-client processes the daemon forks.
//
//   cluster leader (forked by the daemon per connection): authenticates, forks Child RECV,
//                   then becomes Child SEND (process_auth.cpp)
//   Child RECV:     socket -> whole lines -> ChatLog::append (process_recv.cpp)
//   Child SEND:     history, then ChatLog::read_since -> socket on every SIGUSR1 (process_send.cpp)
//
// The cluster lives and dies as one (issue 9): Child RECV is Child SEND's child, so SEND hears of
// RECV's end by SIGCHLD (blocked except in SEND's sigsuspend: it cannot be missed), and RECV asks
// the kernel for SIGTERM at SEND's death (prctl PR_SET_PDEATHSIG). Whichever half ends, however,
// the other closes the client's socket and ends. The half-cluster flaw drops both.
//
// Everything a child needs is in ClusterContext, captured by value when it is forked.
#pragma once

#include "chat/chat_log.hpp"
#include "chat/exit_process.hpp"
#include "chat/process/process_server.hpp"
#include "os/os.hpp"

namespace papaya::chat {

// Exit codes of a cluster leader, read by the daemon when it reaps it.
enum ClusterExit : int { cluster_left = 0, cluster_auth_failed = 3, cluster_failed = 4 };

struct ClusterContext {
  ServerConfig cfg;
  Flaws flaws;
  Pid pgid = 0;        // the server's process group: notified on append, ended on shutdown
  Fd listener = -1;    // the daemon's listening socket: closed by the children
  Fd shared_log = -1;  // the daemon's log description (shared_ofd / shared_offset), else -1
};

// The cluster leader's body. Never returns.
[[noreturn]] void run_cluster(Os& os, const ClusterContext& ctx, Fd client);
// Child RECV: REQUIRES SIGUSR1 ignored, SIGTERM default. Exits when the client leaves (its
// parent, Child SEND, then ends too). `cluster` is the leader's pid (Child SEND's), for logs.
[[noreturn]] void run_recv(Os& os, const ClusterContext& ctx, Fd client, Pid cluster);
// Child SEND: the cluster leader itself. REQUIRES SIGUSR1 and SIGCHLD blocked, SIGCHLD caught
// (unless half_cluster). `join`: where the client joined the log (its size when the cluster had
// authenticated it, before Child RECV appended anything of the client's); Child SEND sends the
// history before it and everything after. nullopt (the paper's way): the log's end when Child
// SEND first reads it. Ends `recv_pid` when it must stop first (the client is gone, the log
// cannot be read).
[[noreturn]] void run_send(Os& os, const ClusterContext& ctx, Fd client, std::optional<Offset> join,
                           Pid recv_pid);

// Opens the log as this child's variant wants it: its own description (correct) or the daemon's.
Result<ChatLog> open_child_log(Os& os, const ClusterContext& ctx);

}  // namespace papaya::chat
