// Samples a server's whole process tree every interval (measuring.md's method):
//  - CPU from /proc/<pid>/task/*/schedstat, on-CPU nanoseconds. stat's utime+stime count 10 ms
//    ticks, so at 0.5 s per interval and a few % CPU spread over 65-257 processes, rounding to
//    ticks would dominate the per-interval CV; schedstat is exact to the nanosecond.
//  - The tree is found again at every interval; a process new since the last one contributes
//    all its CPU so far, a process gone since loses its last partial interval.
//  - An interval is quiet when other tenants used at most `quiet_pct` of each core: /proc/stat's
//    per-core busy time minus our own processes' (the server on its core, load + sampler on
//    theirs when pinned; without pinning, the total over all cores is compared against
//    quiet_pct x cores).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "real/sampler/proc_text.hpp"

namespace papaya::real::sampler {

struct SamplerConfig {
  int server_root = 0;
  // More servers on the server's core, sampled in the same intervals (`papaya bench cpu
  // --paired`): their CPU is ours when telling other tenants' use apart.
  std::vector<int> co_roots;
  std::vector<int> helpers;        // the load generator's pid(s); the sampler itself is added
  std::optional<int> server_core;  // set when pinned
  std::optional<int> helper_core;
  double quiet_pct = 10;
};

struct Interval {
  double seconds = 0;             // wall-clock length
  double server_pct = 0;          // the server tree's CPU, % of one core
  double helper_pct = 0;          // load generator + sampler, % of one core
  double other_pct = 0;           // the busiest core's use by anyone else, % of that core
  int processes = 0;              // in the server tree at the end of the interval
  std::vector<double> co_pct;     // each co_root's tree, % of one core
  std::vector<int> co_processes;  // in each co_root's tree
  bool quiet = false;
};

class TreeSampler {
 public:
  explicit TreeSampler(SamplerConfig config);
  // Takes the baseline the next interval is measured from.
  void start();
  // Measures the interval since the last start()/sample().
  Interval sample();

 private:
  std::uint64_t delta_ns(const std::vector<int>& pids, std::map<int, std::uint64_t>& last);

  SamplerConfig config_;
  std::map<int, std::uint64_t> server_last_;
  std::vector<std::map<int, std::uint64_t>> co_last_;
  std::map<int, std::uint64_t> helper_last_;
  std::vector<CoreTicks> cores_last_;
  std::chrono::steady_clock::time_point t_last_;
};

// Other tenants' use from per-core busy % (from /proc/stat) minus ours. Pinned (both cores
// given): the busiest core's remainder, % of that core. Unpinned: the remainder summed over all
// cores. `quiet` compares it with quiet_pct (x cores when unpinned).
struct OthersUse {
  double pct = 0;
  bool quiet = false;
};
OthersUse others_use(const std::vector<double>& busy_pct, double server_pct, double helper_pct,
                     const SamplerConfig& config);

// PSS summed over the tree of `root` (kB); 0 if the tree is gone.
std::uint64_t tree_pss_kib(int root);
// Anonymous PSS summed over the tree of `root` (kB; proc_tree.hpp says why per-connection
// figures use it); 0 if the tree is gone.
std::uint64_t tree_anon_pss_kib(int root);

}  // namespace papaya::real::sampler
