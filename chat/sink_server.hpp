// The paper's "rudimentary IM server" in papaya's process design, for `papaya bench`'s sink
// workload: accept, fork one process per client, and in it read the client's bytes 4096 at a
// time and write them to /dev/null through a 4096-byte buffer (the C server's stdio), until
// EOF. No key, no log, no fan-out: the same job as the paper's C and Go servers, so the three can
// be compared (docs/results.md).
#pragma once

#include <string>

#include "os/os.hpp"

namespace papaya::chat {

struct SinkConfig {
  size_t read_bytes = 4096;               // the paper's C server reads 4096 bytes at a time
  std::string output_path = "/dev/null";  // where every read is written
  // The paper's C server prints through stdio, fully buffered off a terminal: glibc writes in
  // blocks of the output's st_blksize (4096 for /dev/null), one write(2) per ~2.8 1460-byte
  // lines, not one per read. Equal output paths make the process/c comparison fair
  // (measuring.md: "A fair comparison equalises read size and output path").
  size_t output_buffer_bytes = 4096;
  int max_clients = 1024;
};

// Runs the accept loop on an already-listening socket until SIGTERM or SIGINT, then SIGTERMs its
// process group (every client process), reaps them and returns 0; 1 when the output cannot be
// opened or accept fails for good. REQUIRES: the caller leads its own process group.
int run_sink_server(Os& os, const SinkConfig& cfg, Fd listener);

}  // namespace papaya::chat
