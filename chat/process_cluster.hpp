// Internal to the process design: the per-client processes the daemon forks.
//
//   cluster leader (forked by the daemon per connection): authenticates, forks Child SEND,
//                   then becomes Child RECV (process_auth.cpp)
//   Child RECV:     socket -> whole lines -> ChatLog::append (process_recv.cpp)
//   Child SEND:     history, then ChatLog::read_since -> socket on every SIGUSR1 (process_send.cpp)
//
// Everything a child needs is in ClusterContext, captured by value when it is forked.
#pragma once

#include "chat/chat_log.hpp"
#include "chat/exit_process.hpp"
#include "chat/process_server.hpp"
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
// Child RECV: REQUIRES SIGUSR1 ignored, SIGTERM default. Ends `send_pid` when the client leaves.
[[noreturn]] void run_recv(Os& os, const ClusterContext& ctx, Fd client, Pid send_pid);
// Child SEND: `cluster` is the leader's pid, for log messages.
// `join`: where the client joined the log (its size when the cluster had authenticated it, before
// Child RECV appended anything of the client's); Child SEND sends the history before it and
// everything after. nullopt (the paper's way): the log's end when Child SEND first reads it.
[[noreturn]] void run_send(Os& os, const ClusterContext& ctx, Fd client, Pid cluster,
                           std::optional<Offset> join);

// Opens the log as this child's variant wants it: its own description (correct) or the daemon's.
Result<ChatLog> open_child_log(Os& os, const ClusterContext& ctx);

}  // namespace papaya::chat
