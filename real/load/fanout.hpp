// Fan-out latency for the chat workload: every line `papaya load --fanout` sends carries a
// marker "@<run> <sender> <seq> <send_ns> " after the user prefix (fixed width, so it is written
// into the line in place); every connection parses the lines it receives and, for a marker of
// this run from another connection, records now - send_ns (steady clock, one process, so one
// clock). Deliveries are counted per (receiver, sender) against the sequence numbers sent:
// expected = lines sent x (connections - 1), and what never came is `missing`.
//
// The receive time is when the generator reads the line, so a generator that is itself late
// adds to the figure (its own lateness is reported beside it).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "real/load/latency_histogram.hpp"

namespace papaya::real::load {

constexpr std::size_t fanout_marker_bytes = 49;

// "@tttttttt ssssss qqqqqqqqqq nnnnnnnnnnnnnnnnnnnn ": run tag (hex), sender, sequence number,
// send time in ns.
std::string fanout_marker(std::uint32_t run, int sender, std::uint32_t seq, std::uint64_t ns);

struct Marker {
  std::uint32_t run = 0;
  int sender = 0;
  std::uint32_t seq = 0;
  std::uint64_t ns = 0;
};
// The marker in `line` (anywhere after its first '@'), or false when there is none or it does
// not parse.
bool parse_marker(std::string_view line, Marker& out);

class FanoutTracker {
 public:
  FanoutTracker(int connections, std::uint32_t run);
  // Writes the next marker of `sender` into `line` at `at` (which must leave room) and counts
  // the line as sent; returns its sequence number. Sequence 0 is never used for counted lines.
  std::uint32_t stamp(std::string& line, std::size_t at, int sender, std::uint64_t now_ns);
  // Bytes that arrived on `receiver`'s connection at `now_ns` (split into lines here).
  void on_bytes(int receiver, std::string_view bytes, std::uint64_t now_ns);

  std::uint64_t expected() const;  // sum over senders of lines stamped x (connections - 1)
  std::uint64_t received() const { return received_; }      // first arrivals at other connections
  std::uint64_t duplicates() const { return duplicates_; }  // a (sender, seq) seen again
  std::uint64_t reordered() const { return reordered_; }    // arrived after a later one
  std::uint64_t lines_seen() const { return lines_seen_; }  // every line, own ones included
  const LatencyHistogram& latency() const { return latency_; }
  // True once every connection has received at least one line of this run (own included).
  bool everyone_heard() const { return heard_ == connections_; }
  std::uint32_t run() const { return run_; }

 private:
  void on_line(int receiver, std::string_view line, std::uint64_t now_ns);

  int connections_;
  std::uint32_t run_;
  std::vector<std::uint32_t> next_seq_;  // per sender: last stamped
  std::vector<std::uint32_t> highest_;   // per receiver x sender: highest seq seen
  // (receiver, sender) -> sequence numbers skipped below highest_, not yet arrived (sparse:
  // the servers deliver each sender's lines in order, so this is almost always empty)
  std::map<std::pair<int, int>, std::vector<std::uint32_t>> gaps_;
  std::vector<std::string> partial_;  // per receiver: an unfinished line
  std::vector<bool> heard_any_;
  int heard_ = 0;
  std::uint64_t received_ = 0, duplicates_ = 0, reordered_ = 0, lines_seen_ = 0;
  LatencyHistogram latency_;
};

}  // namespace papaya::real::load
