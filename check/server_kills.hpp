// Which scenario clients a kill -9 of a server process (a sim::Options KillFault) cut off, read
// off the trace. A client's connection is served by the cluster the server forked after accepting
// it (Child SEND, the leader, which forks Child RECV); the listener's queue is FIFO (accept(2): "It
// extracts the first connection request on the queue of pending connections"), so the k-th connect
// that completed is the k-th the server accepted.
#pragma once

#include <string>
#include <vector>

#include "traces/trace.hpp"

namespace papaya::properties {

struct KillEffect {
  bool lines_may_be_lost = false;  // no process reading its socket was left to write its lines:
                                   // a process of its cluster was killed (the cluster ends as
                                   // one), or the server before serving it
  bool cut_off = false;            // it stopped hearing from the server (the same cases)
  bool cluster_killed = false;     // a process of its cluster (not the server) was killed
};

// One entry per transcript path (client c's is transcript_paths[c-1]); all false when the trace
// has no killed_from_outside step and no write of its cluster to the log fell short (the
// disk-full fault, sim::Options::disk_full: that client is disconnected, its lines may be lost).
// In the goroutine design one writer goroutine of the server process appends everyone's lines: a
// client is the one whose line failed when the writer, after its failed append and before its
// next whole one, shuts that client's connection down (the k-th accepted descriptor: the k-th
// connect).
std::vector<KillEffect> kill_effects(const traces::Trace& trace,
                                     const std::vector<std::string>& transcript_paths);

}  // namespace papaya::properties
