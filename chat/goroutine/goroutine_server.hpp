// The `goroutine` design: one process, a goroutine per client, the log still a file on disk.
//
//   main goroutine   accept loop: admits up to max_clients connections, `go serve(conn)` each
//   serve (reader)   per client: authenticates (a watchdog goroutine shuts the socket down after
//                    auth_timeout), registers the client, starts its sender, then frames the
//                    client's bytes into whole lines (LineFramer: the same limits as the process
//                    design) and queues them for the writer
//   sender           per client: the last `history` lines before its join point, then every new
//                    byte of the log, read from its own offset (pread under RLock) whenever its
//                    notification channel says the log grew; whole lines only
//   writer           one goroutine: takes the queued lines, appends each whole (Lock; one O_APPEND
//                    write; Unlock), then notifies every sender
//
// Why a single writer goroutine rather than every reader taking Lock to append: appends are
// serialised by construction (the RWMutex then only separates the writer from the senders'
// reads, as flock(LOCK_EX)/flock(LOCK_SH) do in the process design), the queue between readers
// and the writer bounds what slow disks can pin in memory, and notification happens in one place.
// Why channels for notification rather than one Cond broadcast: a capacity-1 channel filled with a
// non-blocking select never makes the writer wait for a sender, and a sender waiting on it can
// also learn that its client left (the channel is closed). hub.hpp has the details and the policy
// for slow clients (docs/goroutines.md, "The goroutine chat").
//
// Same wire protocol, authentication, history and limits as the process design (server.hpp's
// ServerConfig). The design's answers to what the process design does with signals:
//   idle_timeout   a watchdog goroutine per client (the process design's alarm(2) per recv) shuts
//                  a silent client's socket down: "client N: idle for T ms (idle_timeout);
//                  disconnected"
//   full disk      the queue carries each line's client: a line the log cannot take is dropped
//                  (the log cut back to its last whole line) and its client disconnected, as Child
//                  RECV drops its own
//   SIGTERM/SIGINT signal.Notify: a goroutine closes the listener; the accept loop then shuts
//                  every client's socket down, waits for their goroutines and the writer, logs
//                  "stopped" and returns 0 (the process design's exit code and log lines)
#pragma once

#include "chat/server.hpp"
#include "os/os.hpp"

namespace papaya::chat {

// Runs the accept loop on an already-listening socket until SIGTERM or SIGINT (returns 0); returns
// 1 when the log cannot be opened or accept fails for good, 2 for a bad configuration. REQUIRES: a
// world with goroutines (Os::go).
int run_goroutine_server(Os& os, const ServerConfig& cfg, Fd listener);

}  // namespace papaya::chat
