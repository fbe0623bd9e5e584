// Reading a live process tree from /proc: who descends from a pid, how long each has run, how
// much memory the tree really uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "real/sampler/proc_text.hpp"

namespace papaya::real::sampler {

// The whole file (proc files report size 0, so this reads until EOF); nullopt if it cannot be
// opened (the process is gone).
std::optional<std::string> read_proc_file(const std::string& path);

// `root` and every live descendant, found now by scanning /proc/[pid]/stat for parent links
// (a fork done since the last call is found; a zombie is left out: it runs no more).
std::vector<int> process_tree(int root);

// Nanoseconds on a CPU, summed over every thread of `pid` (/proc/pid/task/*/schedstat);
// nullopt if the process is gone.
std::optional<std::uint64_t> process_run_ns(int pid);

// PSS (kB) of `pid` from /proc/pid/smaps_rollup: "Pss" divides each shared page among the
// processes mapping it, so summing it over forked children counts shared pages once.
std::optional<std::uint64_t> process_pss_kib(int pid);

// The anonymous part of that PSS (Pss_Anon + Pss_Shmem, kB): heap, stacks, copy-on-write copies.
// What grows per connection lives here; the file-backed rest (the binary, shared libraries) is
// divided among every process on the machine mapping the same files, so it moves when any other
// program starts, the load generator among them. nullopt if gone (or a kernel before 5.14).
std::optional<std::uint64_t> process_anon_pss_kib(int pid);

// The kernel's own memory that grows with processes (KernelStack + PageTables + SUnreclaim
// from /proc/meminfo), in kB.
std::optional<std::uint64_t> kernel_share_kib();

// Per-core busy/total ticks from /proc/stat, and USER_HZ to convert them.
std::vector<CoreTicks> core_ticks();
long ticks_per_second();

}  // namespace papaya::real::sampler
