// Parsers for the /proc files the sampler reads, on text alone (tests feed them canned text).
// proc(5), man-pages 6.03, is quoted at each one.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace papaya::real::sampler {

// /proc/[pid]/task/[tid]/schedstat (Documentation/scheduler/sched-stats.rst): "1) time spent on
// the cpu (in nanoseconds) 2) time spent waiting on a runqueue 3) # of timeslices run on this
// cpu". Returns field 1.
std::optional<std::uint64_t> parse_schedstat_run_ns(std::string_view text);

// /proc/[pid]/stat: "(2) comm %s The filename of the executable, in parentheses" -- which may
// itself contain spaces and ')', so fields are counted after the LAST ')'. "(4) ppid %d".
struct PidStat {
  int pid = 0;
  char state = '?';
  int ppid = 0;
};
std::optional<PidStat> parse_pid_stat(std::string_view text);

// /proc/stat: "cpu0 user nice system idle iowait irq softirq steal guest guest_nice", in
// USER_HZ. One entry per "cpuN" line (the aggregate "cpu" line is skipped), in N order.
// busy = user + nice + system + irq + softirq + steal (guest time is already in user).
struct CoreTicks {
  int core = 0;
  std::uint64_t busy = 0;
  std::uint64_t total = 0;  // busy + idle + iowait
};
std::vector<CoreTicks> parse_proc_stat(std::string_view text);

// /proc/[pid]/smaps_rollup (and /proc/meminfo): the value in kB of the line "<field>:   123 kB".
std::optional<std::uint64_t> parse_kib_field(std::string_view text, std::string_view field);

}  // namespace papaya::real::sampler
