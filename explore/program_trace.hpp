// A run's program-level trace: the Mazurkiewicz trace of its accesses to regular files alone, for
// programs whose shared variables are files (explore/programs.hpp). For each file, in the order
// they happened, its writes and, between two writes, the set of its reads; each access named by
// who made it (process, goroutine) and how many file accesses that one had made before. Two runs
// share the name exactly when every read reads from the same write and the writes of each file
// come in the same order. For process programs it names the same classes as EventLog::trace_hash;
// for goroutine programs it leaves out what the Go runtime did in between (which P ran what, the
// run queues' orders), which the runtime-level trace counts as different.
#pragma once

#include <cstdint>

#include "traces/trace.hpp"

namespace papaya::explore {

std::uint64_t program_trace_name(const traces::Trace& t);

}  // namespace papaya::explore
