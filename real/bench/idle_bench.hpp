// `papaya bench idle`: what a design pays to hold N idle connections. A point: start the server
// (own session), measure its tree's PSS and the kernel's share idle, open N connections with
// `papaya load --idle` (authenticated for the chat workload, then silent), sample the tree's CPU
// for `seconds`, measure PSS and the kernel's share again, count the tree's processes, stop
// both. Bounded: the ramp and every wait have a deadline; every process is stopped by its
// group. docs/results.md has the figures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "real/bench/cpu_bench.hpp"

namespace papaya::real::bench {

struct IdleResult {
  std::string design;
  std::string workload;
  int connections = 0;      // asked for
  int held = 0;             // open at the generator at the end
  int processes = 0;        // in the server tree, loaded
  double ramp_s = 0;        // until every connection was open (and authenticated)
  double cpu_pct_mean = 0;  // server tree while idle, % of one core
  double cpu_pct_max = 0;   // the busiest interval
  std::uint64_t pss_idle_kib = 0, pss_loaded_kib = 0;
  double pss_per_conn_kib = 0;
  double anon_per_conn_kib = 0;    // anonymous PSS (proc_tree.hpp): the per-connection figure
  double kernel_per_conn_kib = 0;  // /proc/meminfo KernelStack + PageTables + SUnreclaim delta
  std::string error;
};

IdleResult run_idle_point(const CpuBenchConfig& cfg, const std::string& design, int connections,
                          const std::string& scratch);

std::string idle_csv_header();
std::string idle_csv_row(const IdleResult& r);

}  // namespace papaya::real::bench
