// The goroutine design's log: the same append-only file as the process design's (open_log: one
// O_APPEND description, opened once by the server and shared by its goroutines, since pread never
// moves the offset and O_APPEND writes go to the end), guarded by a sync.RWMutex instead of
// flock(2): the writer goroutine holds Lock for each whole-line append, senders hold RLock while
// they pread, so readers never wait for each other and never see a write in progress (a write
// becomes visible page by page: docs/kernel-rules.md).
//
//   append(line):       Lock; one O_APPEND write of the whole line (cut back if it fell short);
//                       Unlock. Notifying the senders is the hub's job (hub.hpp).
//   read_since(offset): RLock; pread from offset to EOF, at most `limit` bytes; RUnlock
//   read_tail(n, end):  RLock; the last n lines before `end`; RUnlock
//
// Flaws: no_rlock drops RLock/RUnlock from read_since; recursive_rlock makes read_tail take the
// log's size through size_now, which takes RLock again while read_tail holds it. A writer's Lock
// between the two waits for the first RLock to go, and keeps the second one out (writer
// preference: "If any goroutine calls Lock while the lock is already held by one or more readers,
// concurrent calls to RLock will block until the writer has acquired (and released) the lock",
// sync/rwmutex.go): neither can proceed.
#pragma once

#include <string>
#include <string_view>

#include "chat/chat_log.hpp"
#include "chat/goroutine/go_flaws.hpp"
#include "os/os.hpp"

namespace papaya::chat {

class GoLog {
 public:
  // Does not own `fd`. `rw` guards it.
  GoLog(Fd fd, GoRWMutex rw, GoFlaws flaws) : fd_(fd), rw_(rw), flaws_(flaws) {}

  // Appends `line` whole. REQUIRES: the caller is the only writer (the writer goroutine).
  Status append(Os& os, std::string_view line) const;
  // The log's bytes from `offset` to EOF, at most `limit` of them.
  Result<std::string> read_since(Os& os, Offset offset, size_t limit) const;
  // The last `lines` lines before offset `end` (a join point), and next = end.
  Result<Tail> read_tail(Os& os, size_t lines, Offset end) const;
  // The log's size now, under RLock: a boundary between whole appends (a join point).
  Result<Offset> size_now(Os& os) const;

 private:
  Result<Tail> tail_locked(Os& os, size_t lines, Offset end) const;

  Fd fd_;
  GoRWMutex rw_;
  GoFlaws flaws_;
};

}  // namespace papaya::chat
