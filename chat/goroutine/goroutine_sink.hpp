// The sink workload in the goroutine design: the paper's "rudimentary IM server" written the way
// its Go server is (`go handleConnection(conn)`), for `papaya bench`'s sink workload on FiberOs
// (`papaya serve --design fiber --workload sink`). One process; the main goroutine accepts and
// starts one goroutine per client, which reads the client's bytes `read_bytes` at a time and
// writes each read to the output (/dev/null), until end of stream. The same job, read size and
// output path as the process design's sink (sink_server.hpp), so the two designs differ only in
// a goroutine against a forked process per client (docs/fiber.md says which Go peer it matches).
#pragma once

#include "chat/sink_server.hpp"
#include "os/os.hpp"

namespace papaya::chat {

// Runs the accept loop on an already-listening socket until SIGTERM or SIGINT (signal.Notify:
// a goroutine closes the listener), then returns 0, leaving the clients' goroutines to end with
// the process, as a Go program's do when main returns. Returns 1 when the output cannot be
// opened or accept fails for good. REQUIRES: a world with goroutines (Os::go).
int run_goroutine_sink_server(Os& os, const SinkConfig& cfg, Fd listener);

}  // namespace papaya::chat
