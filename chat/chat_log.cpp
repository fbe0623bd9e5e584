#include "chat/chat_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "chat/history.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {
// The original scanned at most 150 bytes per history line.
constexpr Offset paper_bytes_per_line = 150;
constexpr Offset first_tail_window = 4096;
constexpr size_t read_chunk = 65536;

// lseek(offset) then read(2) until EOF (or once): the shared-offset flaw. Another process using
// the same description may move the offset between the lseek and any of the reads.
Result<std::string> seek_and_read(Os& os, Fd fd, Offset offset, bool once) {
  if (Result<Offset> at = os.lseek(fd, offset, Whence::set); !at) return at.error();
  std::string out;
  std::vector<char> buf(once ? paper_chunk : read_chunk);
  for (;;) {
    Result<size_t> r = os.read(fd, std::span<char>(buf.data(), buf.size()));
    if (!r && r.error() == Errno::eintr) continue;
    if (!r) return r.error();
    out.append(buf.data(), *r);
    if (*r == 0 || once) return out;
  }
}

Result<std::string> pread_once(Os& os, Fd fd, Offset offset) {
  std::string out(paper_chunk, '\0');
  for (;;) {
    Result<size_t> r = os.pread(fd, std::span<char>(out.data(), out.size()), offset);
    if (!r && r.error() == Errno::eintr) continue;
    if (!r) return r.error();
    out.resize(*r);
    return out;
  }
}
}  // namespace

Result<Fd> open_log(Os& os, std::string_view path) {
  return os.open(path, OpenFlags::rdwr | OpenFlags::creat | OpenFlags::append | OpenFlags::cloexec,
                 0660);
}

Status ChatLog::lock(Os& os, LockOp op) const {
  if (flaws_.no_lock) return {};
  for (;;) {
    Status s = os.flock(lock_fd_, FlockArgs{.op = op});
    if (s.error() != Errno::eintr) return s;
  }
}

// The server ends its processes with SIGTERM (SIGINT from a terminal) at any moment. Holding
// them off across a locked section means no process dies holding the lock or between the pieces
// of a short write; a pending one ends the process when the mask is restored, after the unlock.
template <class Section>
auto ChatLog::uninterrupted(Os& os, Section section) const {
  Result<SigSet> old = os.sigprocmask(SigHow::block, SigSet{Sig::term, Sig::int_});
  auto result = section();
  if (old) (void)os.sigprocmask(SigHow::setmask, *old);
  return result;
}

Status ChatLog::append(Os& os, std::string_view line) const {
  return uninterrupted(os, [&]() -> Status {
    if (Status s = lock(os, LockOp::ex); !s) return s;
    Status done = append_locked(os, line);
    Status unlocked = lock(os, LockOp::un);
    if (!done) return done;
    return unlocked;
  });
}

Status ChatLog::repair(Os& os) const {
  if (flaws_.no_heal) return {};
  // Readers are not held up for nothing: LOCK_EX only when the log does end in a torn line.
  const bool torn = uninterrupted(os, [&]() -> bool {
    if (!lock(os, read_lock())) return false;
    Result<Offset> size = os.file_size(read_fd_);
    Result<Offset> whole = size ? whole_end(os, read_fd_, *size) : size;
    (void)lock(os, LockOp::un);
    return size && whole && *whole != *size;
  });
  if (!torn) return {};
  return uninterrupted(os, [&]() -> Status {
    if (Status s = lock(os, LockOp::ex); !s) return s;
    Result<Offset> healed = heal(os);
    Status unlocked = lock(os, LockOp::un);
    if (!healed) return healed.error();
    return unlocked;
  });
}

Status ChatLog::append_locked(Os& os, std::string_view line) const {
  if (flaws_.no_heal) {
    Status wrote = write_all(os, lock_fd_, line);
    // Notify even after a failed write: a partial write is in the log and readers must see it.
    Status notified = os.kill(-pgid_, Sig::usr1);
    if (!wrote) return wrote;
    return notified;
  }
  Result<Offset> start = heal(os);
  if (!start) return start.error();
  if (Status wrote = write_all(os, lock_fd_, line); !wrote) {
    // write(2): "partial writes can occur ... because there was insufficient space on the disk
    // device": our part of the line goes, so the log ends with a whole line again.
    (void)os.ftruncate(lock_fd_, *start);
    return wrote;
  }
  return os.kill(-pgid_, Sig::usr1);
}

// The end of the last whole line of the first `size` bytes of the log: `size` when they end with
// '\n' (one byte read), else the offset after the last '\n' before it (0 when none).
Result<Offset> ChatLog::whole_end(Os& os, Fd fd, Offset size) const {
  return whole_line_end(os, fd, size);
}

Result<Offset> whole_line_end(Os& os, Fd fd, Offset size) {
  Offset end = size;
  while (end > 0) {
    const Offset start = std::max<Offset>(0, end - (end == size ? 1 : first_tail_window));
    std::string buf(static_cast<size_t>(end - start), '\0');
    Result<size_t> r = os.pread(fd, std::span<char>(buf.data(), buf.size()), start);
    if (!r) return r.error();
    buf.resize(*r);
    if (const size_t nl = buf.rfind('\n'); nl != std::string::npos)
      return start + static_cast<Offset>(nl) + 1;
    if (*r == 0) return start;  // shorter than its size said: nothing more to look at
    end = start;
  }
  return 0;
}

// REQUIRES LOCK_EX. Cuts a torn tail back to the last whole line; returns where the log ends.
Result<Offset> ChatLog::heal(Os& os) const {
  Result<Offset> size = os.file_size(lock_fd_);
  if (!size) return size.error();
  Result<Offset> whole = whole_end(os, lock_fd_, *size);
  if (!whole) return whole.error();
  if (*whole == *size) return *size;
  os.log(
      LogLevel::warning,
      fmt::format("the log ended in {} bytes of a partial line (a writer died or the disk filled "
                  "mid-append); cut back to offset {}",
                  *size - *whole, *whole));
  if (Status cut = os.ftruncate(lock_fd_, *whole); !cut) return cut.error();
  return *whole;
}

// The one place a read of the log happens: pread (correct), lseek+read (shared_offset), to EOF or
// once (short_read, paper_history).
Result<std::string> ChatLog::read_from(Os& os, Offset offset, bool once) const {
  if (flaws_.shared_offset) return seek_and_read(os, read_fd_, offset, once);
  if (once) return pread_once(os, read_fd_, offset);
  return pread_to_eof(os, read_fd_, offset, read_chunk);
}

// Readers share the lock; the exclusive_read flaw makes them take it exclusively, so a reader
// waits for every other reader (still correct, but readers no longer run side by side).
LockOp ChatLog::read_lock() const { return flaws_.exclusive_read ? LockOp::ex : LockOp::sh; }

Result<std::string> pread_upto(Os& os, Fd fd, Offset offset, size_t limit) {
  Result<Offset> size = os.file_size(fd);
  if (!size) return size.error();
  const auto there = static_cast<size_t>(std::max<Offset>(0, *size - offset));
  std::string out(std::min(there + 1, limit), '\0');
  size_t got = 0;
  while (got < out.size()) {
    Result<size_t> r = os.pread(fd, std::span<char>(out.data() + got, out.size() - got),
                                offset + static_cast<Offset>(got));
    if (!r && r.error() == Errno::eintr) continue;
    if (!r) return r.error();
    got += *r;
    // read(2) of a regular file: short only at its end (under the read lock nobody appends).
    if (got < out.size()) break;
  }
  out.resize(got);
  return out;
}

Result<std::string> ChatLog::read_since(Os& os, Offset offset, size_t limit) const {
  return uninterrupted(os, [&]() -> Result<std::string> {
    if (Status s = lock(os, read_lock()); !s) return s.error();
    const bool bounded =
        limit != static_cast<size_t>(-1) && !flaws_.shared_offset && !flaws_.short_read;
    Result<std::string> bytes = bounded ? pread_upto(os, read_fd_, offset, limit)
                                        : read_from(os, offset, flaws_.short_read);
    Status unlocked = lock(os, LockOp::un);
    if (bytes && !unlocked) return unlocked.error();
    return bytes;
  });
}

Result<Offset> ChatLog::size_now(Os& os) const {
  return uninterrupted(os, [&]() -> Result<Offset> {
    if (Status s = lock(os, read_lock()); !s) return s.error();
    Result<Offset> size = os.file_size(read_fd_);
    if (size && !flaws_.no_heal) size = whole_end(os, read_fd_, *size);
    Status unlocked = lock(os, LockOp::un);
    if (size && !unlocked) return unlocked.error();
    return size;
  });
}

Result<Tail> ChatLog::read_tail(Os& os, size_t lines, std::optional<Offset> end) const {
  return uninterrupted(os, [&]() -> Result<Tail> {
    if (Status s = lock(os, read_lock()); !s) return s.error();
    Result<Tail> tail = tail_unlocked(os, lines, end);
    Status unlocked = lock(os, LockOp::un);
    if (tail && !unlocked) return unlocked.error();
    return tail;
  });
}

Result<Tail> ChatLog::tail_unlocked(Os& os, size_t lines, std::optional<Offset> end) const {
  Result<Offset> size = os.file_size(read_fd_);
  if (!size) return size.error();
  if (end) size = std::min(*size, *end);
  if (lines == 0) return Tail{.bytes = {}, .next = *size};
  const bool paper = flaws_.paper_history;
  Offset window = paper ? paper_bytes_per_line * static_cast<Offset>(lines) : first_tail_window;
  for (;;) {
    const Offset start = std::max<Offset>(0, *size - window);
    Result<std::string> bytes = read_from(os, start, paper);
    if (!bytes) return bytes.error();
    if (start + static_cast<Offset>(bytes->size()) > *size)  // appended after the join point
      bytes->resize(static_cast<std::size_t>(*size - start));
    const HistoryStart h = history_start(*bytes, lines);
    // The paper's history is one window, its first line possibly cut; ours grows the window
    // until the first line is known to be whole.
    if (h.complete || start == 0 || paper) {
      const Offset next = start + static_cast<Offset>(bytes->size());
      return Tail{.bytes = bytes->substr(h.start), .next = next};
    }
    window *= 2;
  }
}

}  // namespace papaya::chat
