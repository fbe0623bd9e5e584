// `papaya bench cpu`: the paper's experiment, one point at a time. A point is one design at one
// connection count: start the server (pinned to the server core with --pin), ramp the load
// generator (`papaya load`, pinned with the sampler to the other core), sample the server's whole
// tree every 500 ms (real/sampler/tree_sampler.hpp), then stop both. docs/results.md has the
// method and the figures.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "real/sampler/stats.hpp"

namespace papaya::real::bench {

struct CpuBenchConfig {
  std::vector<std::string> designs{"process", "c", "go", "go-raw"};
  std::string workload = "sink";  // or chat
  std::vector<int> connections{1, 2, 4, 8, 16, 32, 64};
  double seconds = 60;    // sampled seconds wanted per point
  double max_extend = 1;  // keep sampling up to seconds x this until `seconds` are quiet
  int repeat = 1;
  bool pin = false;
  // Exactly two designs, run at once (both servers on the server core, each with its own load
  // generator on the other), sampled in the same intervals: a host slowdown hits both alike.
  bool paired = false;
  bool own_sessions = true;    // server and load each in its own session (autogroup): spawn.cpp
  std::string rate = "1Mbps";  // chat: 10kbps of 128-byte lines unless told (cmd_bench.cpp)
  int line_bytes = 1460;
  double warmup_s = 1;  // after the ramp, before sampling
  double drain_s = 3;   // chat: papaya load --drain (seconds to wait for lines on their way)
  double quiet_pct = 10;
  std::string out_dir = "bench-out";
  int max_clients = 1100;  // papaya serve --max-clients
  std::string papaya_exe;  // for `serve` (design process) and `load`
  std::string peers_dir;   // c_sink, go_sink, go_raw_sink, go_chat
};

struct PointResult {
  std::string design;
  std::string workload;
  int connections = 0;
  int repeat = 0;
  int intervals = 0;
  int quiet = 0;
  int dropped_load_jump = 0;
  sampler::Summary kept;  // quiet intervals whose load cost did not jump
  sampler::Summary all;   // every interval
  double other_pct_median = 0;
  int processes = 0;
  std::uint64_t pss_idle_kib = 0;
  std::uint64_t pss_loaded_kib = 0;
  double pss_per_conn_kib = 0;   // whole PSS: moves with other programs mapping the same files
  double anon_per_conn_kib = 0;  // anonymous PSS (proc_tree.hpp): the per-connection figure
  double kernel_per_conn_kib = 0;
  double load_rate_bps = 0;  // achieved per connection
  std::uint64_t load_late = 0;
  double load_late_p50_ms = 0;
  double load_late_p99_ms = 0;
  std::uint64_t load_lines_due = 0;
  double load_cpu_pct = 0;
  std::uint64_t load_bytes_received = 0;  // what the server sent back (chat: history + fan-out)
  double load_runq_wait_pct = 0;          // the generator's own wait for a CPU, % of its window
  // Chat workload: send -> arrival at every other connection (real/load/fanout.hpp).
  std::uint64_t fanout_expected = 0;
  std::uint64_t fanout_received = 0;
  std::uint64_t fanout_duplicates = 0;
  double fanout_p50_ms = 0, fanout_p90_ms = 0, fanout_p99_ms = 0, fanout_max_ms = 0;
  double load_window_s = 0;
  // Deliveries to other connections per second of the load's window.
  double deliveries_per_s() const;
  // Deliveries to other connections per second of server CPU (lines per core-second).
  double deliveries_per_cpu_s() const;
  std::string paired_with;  // --paired: the design measured at the same time
  std::string error;        // set when the point could not be measured
};

// The argv that starts `design`'s server on `port`, or an error (peer not built, workload not
// offered by this design). `scratch` holds the key and log files.
struct ServerCommand {
  std::vector<std::string> argv;
  std::string stdout_path = "/dev/null";
  std::string error;
};
ServerCommand server_command(const CpuBenchConfig& cfg, const std::string& design, int port,
                             const std::string& scratch);

PointResult run_point(const CpuBenchConfig& cfg, const std::string& design, int connections,
                      int repeat, const std::string& scratch);

// Designs `a` and `b` at once (CpuBenchConfig::paired): two results, or two errors.
std::vector<PointResult> run_paired_point(const CpuBenchConfig& cfg, const std::string& a,
                                          const std::string& b, int connections, int repeat,
                                          const std::string& scratch);

// Every point, designs interleaved within each (connections, repeat) round (A B C A B C ...);
// `progress` is told of each result as it comes.
std::vector<PointResult> run_cpu_bench(const CpuBenchConfig& cfg,
                                       const std::function<void(const PointResult&)>& progress);

}  // namespace papaya::real::bench
