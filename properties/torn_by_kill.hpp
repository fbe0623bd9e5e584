// Appends that kill -9 left torn: the one way a correct writer leaves a partial line in the log
// without a write in progress. Two shapes, both ended by SIGKILL while the writer held LOCK_EX:
//  - cut: one write(2) ended between two pages (Linux checks for a fatal signal before each page);
//  - short then killed: a write fell short (a full disk) and the writer was killed before it could
//    write the rest or cut its bytes back.
// no-read-during-write and no-interleaved-writes name these (the writer is gone and the next writer
// heals the log, chat_log.hpp), so that a reader meeting the torn end is not taken for a reader
// meeting a write in progress.
#pragma once

#include <string>
#include <vector>

#include "properties/history.hpp"

namespace papaya::properties {

struct TornAppend {
  ProcessId pid = 0;
  Step step = 0;             // the step its writer died at
  std::uint64_t offset = 0;  // where its last write began
  std::uint64_t end = 0;     // where its bytes stop: the log's torn end
  bool short_write = false;  // false: cut between pages; true: a short write, then the kill
  GoroutineId g = 0;         // the writer's goroutine (0: a plain process)
};

// In step order of the kills.
std::vector<TornAppend> appends_torn_by_kill(const History& h);

// " (process 7's write of bytes from 0 ...: a torn line)", for a detail message.
std::string describe(const TornAppend& t);

}  // namespace papaya::properties
