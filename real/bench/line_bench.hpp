// `papaya bench line`: what one chat line costs end to end in each design. A point is one design
// with N connected clients: start the chat server (as `papaya bench cpu --workload chat` does:
// server_command, own session, pinned to core 0 with --pin), connect and join N clients
// (real/bench/line_clients.hpp, in this process, on core 1 with --pin), send warm-up lines, then
// `lines` lines one at a time, each from the next client in turn, each only after the last one
// reached every client; the server tree's on-CPU time over those lines comes from the sampler
// (real/sampler/tree_sampler.hpp: schedstat, every descendant). Reported per line: server CPU per
// sent line and per delivered line (to another client), and the latency from the send to the
// read that brought the last other client its copy. docs/results.md has the figures.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace papaya::real::bench {

struct LineBenchConfig {
  std::vector<std::string> designs{"process", "fiber", "go"};
  std::vector<int> connections{2, 16};
  int lines = 2000;        // measured, per point
  int warmup_lines = 100;  // sent first, not measured
  double gap_ms = 1;       // idle time after each line's last copy arrived
  int line_bytes = 128;    // newline included
  int repeat = 3;
  bool pin = false;
  std::string out_dir = "bench-line";
  std::string papaya_exe;
  std::string peers_dir;
};

struct LineResult {
  std::string design;
  int connections = 0;
  int repeat = 0;
  std::uint64_t lines = 0;       // measured lines sent
  std::uint64_t deliveries = 0;  // their copies read by another client
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  int processes = 0;         // in the server tree at the end
  double wall_s = 0;         // of the measured lines
  double server_cpu_us = 0;  // the server tree's on-CPU time over the measured lines
  double client_cpu_us = 0;  // this process's (the clients')
  double other_pct = 0;      // the busiest core's use by anyone else meanwhile, % of that core
  // Latency per line: send -> the last other client read its copy (microseconds).
  double line_p50_us = 0, line_p99_us = 0, line_max_us = 0;
  // Latency per delivery: send -> one other client read its copy (microseconds).
  double delivery_p50_us = 0, delivery_p99_us = 0;
  std::string error;  // set when the point could not be measured

  double cpu_us_per_line() const;
  double cpu_us_per_delivery() const;
};

LineResult run_line_point(const LineBenchConfig& cfg, const std::string& design, int connections,
                          int repeat, const std::string& scratch);

// Every point, designs interleaved within each (connections, repeat) round (A B C A B C ...).
std::vector<LineResult> run_line_bench(const LineBenchConfig& cfg,
                                       const std::function<void(const LineResult&)>& progress);

std::string line_csv_header();
std::string line_csv_row(const LineResult& r);
// Per N and design, the medians over rounds (and their range) of CPU per line and per delivery
// and of the latency percentiles; CPU per line relative to `process` computed per round (back to
// back), then the median taken. Points with an error are left out and counted.
std::string line_table(const std::vector<LineResult>& results);

}  // namespace papaya::real::bench
