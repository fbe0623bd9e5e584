// The allocator settings of the commands that run simulations (check, sim, explore, replay).
#pragma once

namespace papaya::cli {

// A simulated chat run allocates and frees megabytes (the log file's bytes, socket segments,
// transcripts, the checkers' copies). With glibc's defaults, each run's big blocks come from fresh
// mmaps or from heap memory trimmed at the previous run's end, so every run pays the page faults
// again: most of `papaya check`'s time (docs/performance.md). Keeps freed memory for the next run
// instead: blocks up to 32 MiB from the heap, and the heap trimmed only past 64 MiB free.
void keep_freed_memory();

}  // namespace papaya::cli
