// History selection: which suffix of the log a joining client receives first (the original sent
// the last 7 lines). Pure: it looks at bytes the caller read from the log.
//
// Decision: the history is always a *suffix* of the log, so that history followed by everything
// appended later is exactly the log from some offset on, byte for byte. Hence an unterminated
// tail (a log not ending in '\n', possible only with the torn-message flaws or a crash) counts as
// one of the N lines: it is the start of a line whose rest is still to come.
#pragma once

#include <cstddef>
#include <string_view>

namespace papaya::chat {

struct HistoryStart {
  size_t start = 0;       // offset in the bytes where the last N lines begin
  bool complete = false;  // true when a '\n' precedes them inside the bytes (or N == 0): the
                          // first line is known to be whole even if the bytes are only a window
                          // of the log's end; false means "all of the bytes" and, for a window
                          // not at the start of the log, that the window must grow
};

// Where the last `n` lines of `bytes` begin.
HistoryStart history_start(std::string_view bytes, size_t n);

// The last `n` lines of a whole log (fewer when the log has fewer).
std::string_view last_lines(std::string_view log, size_t n);

}  // namespace papaya::chat
