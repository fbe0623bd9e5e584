// What `papaya bench cpu` writes: results.csv (one row per point), results.md (the paper's table
// beside ours) and plots (gnuplot script + data; PNG and SVG when gnuplot is installed).
#pragma once

#include <string>
#include <vector>

#include "real/bench/cpu_bench.hpp"

namespace papaya::real::bench {

// The paper's Table (FreeBSD 13.0, 1 vCPU, top every 500 ms): N, C mean %, C CV, Go mean %, Go CV.
struct PaperRow {
  int connections;
  double c_mean, c_cv, go_mean, go_cv;
};
const std::vector<PaperRow>& paper_table();

std::string csv_header();
std::string csv_row(const PointResult& r);
// Parses rows written by csv_row (for tests and for re-rendering); skips the header.
std::vector<PointResult> parse_csv(const std::string& text);

// Median over repeats of each design's kept-interval mean CPU and CV per N, beside the paper's;
// ratios to `c` computed per round (back to back) and then the median taken.
std::string markdown_table(const std::vector<PointResult>& results);

// The chat workload's table: per N and design, server CPU, PSS per connection, fan-out latency
// percentiles, deliveries per CPU-second and lines missing.
std::string chat_table(const std::vector<PointResult>& results);

// Writes results.csv, results.md, plot data and plot.gp into `dir`, then runs gnuplot if
// present. Returns a note for the user ("plots: ...png" or why not).
std::string write_outputs(const std::string& dir, const std::vector<PointResult>& results);

}  // namespace papaya::real::bench
