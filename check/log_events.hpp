// The log-file events of a History, read off a simulated run's trace: lock requests that waited,
// grants, releases (by LOCK_UN, by closing the last descriptor, by exiting), writes (begin and
// end: a write over a page takes several steps) and reads of the file at `log_path`, each by its
// actor (the step's pid and goroutine). A goroutine program's sync.RWMutex that guards the log
// (held with Lock around the log's writes) is a lock too: RLock/Lock are its acquisitions
// (LOCK_SH/LOCK_EX), RUnlock/Unlock its releases (traces::GoLockEvent).
#pragma once

#include <string_view>
#include <vector>

#include "properties/history.hpp"
#include "traces/trace.hpp"

namespace papaya::properties {

std::vector<LogEvent> log_events(const traces::Trace& trace, std::string_view log_path);

}  // namespace papaya::properties
