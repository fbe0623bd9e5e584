// Builders for hand-made histories in the checkers' tests.
#pragma once

#include <string>
#include <vector>

#include "properties/history.hpp"

namespace papaya::properties::testing {

inline LogEvent event(Step s, ProcessId p, LogEvent::Kind k, LockMode m = LockMode::sh,
                      std::uint64_t off = 0, std::uint64_t len = 0, std::uint64_t requested = 0,
                      std::uint64_t log_size = 0) {
  return {s, p, k, m, off, len, requested, log_size};
}
inline LogEvent acquired(Step s, ProcessId p, LockMode m) {
  return event(s, p, LogEvent::Kind::lock_acquired, m);
}
inline LogEvent released(Step s, ProcessId p) { return event(s, p, LogEvent::Kind::lock_released); }
inline LogEvent blocked(Step s, ProcessId p, LockMode m) {
  return event(s, p, LogEvent::Kind::lock_blocked, m);
}
inline LogEvent write_begin(Step s, ProcessId p, std::uint64_t off, std::uint64_t len) {
  return event(s, p, LogEvent::Kind::write_begin, LockMode::ex, off, len);
}
inline LogEvent write_end(Step s, ProcessId p) { return event(s, p, LogEvent::Kind::write_end); }
// A read that, when it returned fewer bytes than asked, had reached the log's end at that moment.
inline LogEvent read(Step s, ProcessId p, std::uint64_t off, std::uint64_t len,
                     std::uint64_t requested) {
  return event(s, p, LogEvent::Kind::read, LockMode::sh, off, len, requested, off + len);
}

// The same event, made by goroutine `g` of its process (a goroutine program's actor).
inline LogEvent by_goroutine(LogEvent e, GoroutineId g) {
  e.g = g;
  return e;
}

inline ClientRecord client(std::string name, std::vector<std::string> sent,
                           std::string received = "") {
  ClientRecord c;
  c.name = std::move(name);
  c.sent_lines = std::move(sent);
  c.received = std::move(received);
  return c;
}

}  // namespace papaya::properties::testing
