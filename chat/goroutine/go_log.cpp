#include "chat/goroutine/go_log.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "chat/chat_log.hpp"
#include "chat/history.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {
constexpr Offset first_tail_window = 4096;
}  // namespace

Status GoLog::append(Os& os, std::string_view line) const {
  os.lock(rw_);
  Status result;
  Result<Offset> start = os.file_size(fd_);
  // The log heals (issue 9, as chat_log.hpp): a torn tail left by a writer killed mid-append or a
  // full disk is cut back to the last whole line before this line goes after it.
  if (Result<Offset> whole = start ? whole_line_end(os, fd_, *start) : start;
      whole && *whole != *start) {
    os.log(LogLevel::warning,
           fmt::format("the log ended in {} bytes of a partial line; cut back to offset {}",
                       *start - *whole, *whole));
    if (Status cut = os.ftruncate(fd_, *whole); !cut) {
      start = cut.error();
    } else {
      start = *whole;
    }
  }
  if (!start) {
    result = start.error();
  } else if (Status wrote = write_all(os, fd_, line); !wrote) {
    // write(2): "partial writes can occur ... because there was insufficient space on the disk
    // device": our part of the line goes, so the log ends with a whole line again.
    (void)os.ftruncate(fd_, *start);
    result = wrote;
  }
  os.unlock(rw_);
  return result;
}

Result<std::string> GoLog::read_since(Os& os, Offset offset, size_t limit) const {
  if (flaws_.no_rlock) return pread_upto(os, fd_, offset, limit);  // the flaw: no RLock
  os.rlock(rw_);
  Result<std::string> bytes = pread_upto(os, fd_, offset, limit);
  os.runlock(rw_);
  return bytes;
}

Result<Offset> GoLog::size_now(Os& os) const {
  os.rlock(rw_);
  Result<Offset> size = os.file_size(fd_);
  // A torn tail (a writer killed mid-append, a full disk) is not part of the log: the join point
  // is the end of the last whole line, so neither history nor the next read starts mid-line.
  if (size) size = whole_line_end(os, fd_, *size);
  os.runlock(rw_);
  return size;
}

Result<Tail> GoLog::read_tail(Os& os, size_t lines, Offset end) const {
  os.rlock(rw_);
  Result<Tail> tail = tail_locked(os, lines, end);
  os.runlock(rw_);
  return tail;
}

// REQUIRES RLock. Reads a window from `end` back that doubles until it holds the lines.
Result<Tail> GoLog::tail_locked(Os& os, size_t lines, Offset end) const {
  // The flaw: size_now takes RLock again while this goroutine holds it.
  Result<Offset> size = flaws_.recursive_rlock ? size_now(os) : os.file_size(fd_);
  if (!size) return size.error();
  const Offset stop = std::min(*size, end);
  if (lines == 0) return Tail{.bytes = {}, .next = stop};
  for (Offset window = first_tail_window;; window *= 2) {
    const Offset start = std::max<Offset>(0, stop - window);
    std::string bytes(static_cast<size_t>(stop - start), '\0');
    size_t got = 0;
    while (got < bytes.size()) {
      Result<size_t> r = os.pread(fd_, std::span<char>(bytes.data() + got, bytes.size() - got),
                                  start + static_cast<Offset>(got));
      if (!r && r.error() == Errno::eintr) continue;
      if (!r) return r.error();
      if (*r == 0) break;
      got += *r;
    }
    bytes.resize(got);
    const HistoryStart h = history_start(bytes, lines);
    if (h.complete || start == 0)
      return Tail{.bytes = bytes.substr(h.start), .next = start + static_cast<Offset>(got)};
  }
}

}  // namespace papaya::chat
