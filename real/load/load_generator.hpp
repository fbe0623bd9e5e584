// `papaya load`: an open-loop, constant-rate TCP load generator on one epoll loop (tcpkali, the
// paper's tool, is not packaged for Debian). Each connection sends plan.line_bytes-byte lines on
// its own schedule (phase-staggered), with TCP_NODELAY so each line leaves as its own segment as
// on a 1500-MTU link (loopback's 64 KiB MSS would let Nagle merge them); authenticates with the
// 128-byte key first when given one; drains whatever the server sends.
//
// Sequence: ramp (connect one by one, spread over `ramp`), then "ramped" on `ramped_to` and the
// measured window of `seconds`, then the report.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "real/load/load_plan.hpp"

namespace papaya::real::load {

struct LoadOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7777;
  LoadPlan plan;
  std::chrono::milliseconds seconds{10'000};   // the measured window
  std::chrono::milliseconds ramp{0};           // 0: 4 ms per connection, at least 200 ms
  std::string key;                             // 128 bytes, or empty: no authentication
  std::string user = "load";                   // lines read "<user><i>: aaaa...\n"
  std::FILE* ramped_to = nullptr;              // "ramped\n" written and flushed here, if set
  std::chrono::microseconds late_after{1000};  // a send this much past its instant is late
  const volatile std::sig_atomic_t* stop =
      nullptr;  // set (by a signal handler): end the window now
  // Chat workload: mark every line and measure fan-out latency (real/load/fanout.hpp). Before
  // the window, connection 0 sends join probes until every connection has received one (all
  // have joined); after it, the generator keeps reading up to `drain` for lines still on their
  // way.
  bool fanout = false;
  // Idle: open (and authenticate) every connection, then send nothing for the window.
  bool idle = false;
  std::chrono::milliseconds join_timeout{10'000};
  std::chrono::milliseconds drain{3'000};
};

struct FanoutReport {
  std::uint64_t expected = 0;  // lines sent in the window x (connections - 1)
  std::uint64_t received = 0;  // of those, arrived at another connection by the end of the drain
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;  // send -> arrival at another connection
  std::uint64_t missing() const { return expected > received ? expected - received : 0; }
};

struct LoadReport {
  int connections = 0;           // open at the end of the window
  double window_s = 0;           // measured window, seconds
  std::uint64_t lines_due = 0;   // scheduled in the window
  std::uint64_t lines_sent = 0;  // bytes_sent / line_bytes
  std::uint64_t bytes_sent = 0;
  std::uint64_t late = 0;  // sends started more than late_after past their instant
  double max_late_ms = 0;
  double late_p50_ms = 0;  // lateness percentiles over every send, 0.1 ms resolution
  double late_p99_ms = 0;
  std::uint64_t backlogged = 0;  // instants that found the previous line still unsent (EAGAIN)
  std::uint64_t bytes_received = 0;
  double cpu_pct = 0;  // the generator's own CPU over the window, % of one core
  // The generator's own wait for a CPU over the window (/proc/thread-self/schedstat: "time spent
  // waiting on a runqueue"), % of the window, and its epoll wake-ups: a starved generator shows
  // a high wait and few wake-ups, each finding many sends due.
  double runq_wait_pct = 0;
  std::uint64_t wakeups = 0;
  bool fanout = false;
  FanoutReport fan;
  std::string error;  // first failure (connect refused, reset, ...), empty when none
  std::vector<std::uint64_t> late_hist;  // sends per 0.1 ms of lateness; the last bucket: >= 100 ms
  // Sets late_p50_ms and late_p99_ms from late_hist.
  void compute_percentiles();
  // Achieved rate per connection, bits per second.
  double rate_bps_per_connection() const;
  // One line, key=value, for people and for `papaya bench` to parse.
  std::string summary_line() const;
};

// One connection as the generator opens them: connect(2) to host:port, TCP_NODELAY, the key
// sent whole when there is one, then O_NONBLOCK. The descriptor, or -1 with `error` set.
// (`papaya bench line` opens its clients with it too.)
int open_connection(const LoadOptions& o, std::string& error);

// Runs the whole sequence. `error` in the report is set when a connection failed; connections
// that fail to connect during the ramp make the run stop there.
LoadReport run_load(const LoadOptions& options);

}  // namespace papaya::real::load
