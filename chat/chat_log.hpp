// The chat log protocol: every client's lines go to one append-only file; readers follow it from
// an offset. Writers and readers exclude each other with flock(2) on their OWN open file
// description (flock locks belong to the description, so a description shared across fork
// excludes nobody: that is the shared-ofd flaw).
//
//   append(line):       flock(LOCK_EX); one O_APPEND write of the whole line; kill(-pgid, SIGUSR1)
//                       to wake the readers; flock(LOCK_UN)
//   read_since(offset): flock(LOCK_SH); pread from offset to EOF; flock(LOCK_UN)
//
// Notifying while the lock is held means a woken reader's LOCK_SH waits for the writer to finish,
// and a reader that read before the write will get a notification after it (it blocks SIGUSR1
// while reading; see process_send.cpp). flock is retried on EINTR.
//
// SIGTERM and SIGINT are blocked for the length of each locked section (and restored after the
// unlock), so the server's shutdown never kills a process holding the lock or half way through a
// line.
//
// The log heals (issue 9): a writer holding LOCK_EX that finds the log not ending in '\n' (a
// writer killed mid-append, or a full disk) cuts it back to its last whole line with ftruncate(2)
// before appending, and a writer whose own write fell short cuts its part back the same way and
// reports the error. Between appends the log is whole lines; readers (process_send.cpp) send whole
// lines only. The no_heal flaw skips both.
//
// Flaws (variant.hpp) change single steps: no_lock drops the flock calls; shared_offset reads with
// lseek+read on `read_fd`; short_read reads once, at most 4096 bytes; exclusive_read takes
// LOCK_EX instead of LOCK_SH to read (read_since and read_tail).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chat/variant.hpp"
#include "os/os.hpp"

namespace papaya::chat {

// The original's read and write size.
inline constexpr size_t paper_chunk = 4096;

// open(2) flags and mode of the log, as the original: O_RDWR|O_CREAT|O_APPEND|O_CLOEXEC, 0660.
Result<Fd> open_log(Os& os, std::string_view path);

// At most `limit` bytes of `fd` from `offset`, by pread(2), in a buffer sized to what the file
// holds there plus one byte: a read that comes back short shows it reached the end (as a trace
// tells its readers). REQUIRES: the caller holds the log's read lock (its design's).
Result<std::string> pread_upto(Os& os, Fd fd, Offset offset, size_t limit);

// The end of the last whole line of the first `size` bytes of the log at `fd`: `size` when they
// end with '\n', else the offset after the last '\n' before it (0 when none).
Result<Offset> whole_line_end(Os& os, Fd fd, Offset size);

// What a joining reader gets: the history bytes and the offset to follow the log from.
struct Tail {
  std::string bytes;  // the last lines of the log (history.hpp: a suffix of the log)
  Offset next = 0;    // offset just past `bytes`
};

class ChatLog {
 public:
  // `lock_fd` is used to lock and write, `read_fd` to read; the correct design passes the same
  // descriptor, opened by this process (open_log). `notify_pgid` is the group woken by append.
  // Does not own the descriptors.
  ChatLog(Fd lock_fd, Fd read_fd, Pid notify_pgid, Flaws flaws)
      : lock_fd_(lock_fd), read_fd_(read_fd), pgid_(notify_pgid), flaws_(flaws) {}

  // Appends `line` whole and wakes the readers. REQUIRES: the caller ignores or blocks SIGUSR1
  // (it is in the group it notifies).
  Status append(Os& os, std::string_view line) const;
  // The log's bytes from `offset` to EOF, at most `limit` of them (with short_read: at most 4096).
  // With a limit, the buffer is sized to what is there, never to the limit.
  Result<std::string> read_since(Os& os, Offset offset,
                                 size_t limit = static_cast<size_t>(-1)) const;
  // The last `lines` lines and the offset after them, read under one LOCK_SH so that nothing
  // appended falls between them. Reads a window from the end that doubles until it holds the
  // lines (paper_history: one window of lines*150 bytes, its first line cut as the original's).
  // With `end`, the lines before offset `end` (a join point taken earlier by size_now), and
  // next = end: what was appended since is the reader's to read with read_since.
  Result<Tail> read_tail(Os& os, size_t lines, std::optional<Offset> end = std::nullopt) const;
  // Under LOCK_EX, cuts a torn tail back to the last whole line (what append does first), for a
  // writer's parent that saw it die by SIGKILL: the log heals at once, not at the next append.
  Status repair(Os& os) const;
  // The end of the log's last whole line, under the read lock: a boundary between whole appends
  // (a join point). The log's size, unless a torn tail waits for the next writer to cut it back.
  Result<Offset> size_now(Os& os) const;

  Fd lock_fd() const { return lock_fd_; }
  Fd read_fd() const { return read_fd_; }

 private:
  template <class Section>
  auto uninterrupted(Os& os, Section section) const;
  Status lock(Os& os, LockOp op) const;
  LockOp read_lock() const;
  Result<std::string> read_from(Os& os, Offset offset, bool once) const;
  Result<Tail> tail_unlocked(Os& os, size_t lines, std::optional<Offset> end) const;
  Result<Offset> whole_end(Os& os, Fd fd, Offset size) const;
  Result<Offset> heal(Os& os) const;
  Status append_locked(Os& os, std::string_view line) const;

  Fd lock_fd_;
  Fd read_fd_;
  Pid pgid_;
  Flaws flaws_;
};

}  // namespace papaya::chat
