// Pipe rules (pipe(2), pipe(7)): a bounded byte stream, EOF after the last writer closes, SIGPIPE
// and EPIPE after the last reader closes, writes up to PIPE_BUF atomic, larger ones page by page.
#include <algorithm>
#include <cstring>

#include "model/check.hpp"
#include "model/kernel.hpp"
#include "model/limits.hpp"

namespace papaya::model {

// pipe(2): "pipe() creates a pipe, a unidirectional data channel that can be used for interprocess
// communication. The array pipefd is used to return two file descriptors referring to the ends of
// the pipe. pipefd[0] refers to the read end of the pipe. pipefd[1] refers to the write end of the
// pipe."
Outcome Kernel::sys(Process& p, const op::Pipe&) {
  std::size_t free_fds = 0;
  for (OfdId id : p.fds) free_fds += id == 0 ? 1 : 0;
  free_fds += static_cast<std::size_t>(limits::fds_per_process) - p.fds.size();
  if (free_fds < 2) return Outcome::error(Errno::emfile);
  pipes_.emplace_back();
  auto pid = static_cast<PipeId>(pipes_.size() - 1);
  Result<OfdId> r = new_open_file(FileKind::pipe_read, OpenFlags::rdonly, pid);
  if (!r) return Outcome::error(r.error());
  Result<OfdId> w = new_open_file(FileKind::pipe_write, OpenFlags::wronly, pid);
  if (!w) return Outcome::error(w.error());
  Outcome rfd = install_fd(p, *r);
  Outcome wfd = install_fd(p, *w);
  return Outcome::value(rfd.ret, wfd.ret);
}

bool Kernel::pipe_read_can_proceed(const PipeObj& pipe) {
  return !pipe.bytes.empty() || !pipe.write_open;
}

// pipe(7): "If a process attempts to read from an empty pipe, then read(2) will block until data is
// available." "If all file descriptors referring to the write end of a pipe have been closed, then
// an attempt to read(2) from the pipe will see end-of-file (read(2) will return 0)." A read takes
// everything available up to its buffer ("a byte stream: there is no concept of message
// boundaries").
Outcome Kernel::pipe_read(Process& p, PipeObj& pipe, PipeId id, std::span<char> buf) {
  if (buf.empty()) return Outcome::value(0);
  if (!pipe.bytes.empty()) {
    std::size_t n = std::min(buf.size(), pipe.bytes.size());
    std::memcpy(buf.data(), pipe.bytes.data(), n);
    pipe.bytes.erase(0, n);
    wake(Chan{ChanKind::pipe, id});
    return Outcome::value(static_cast<std::int64_t>(n));
  }
  if (!pipe.write_open) return Outcome::value(0);
  return block(p, Chan{ChanKind::pipe, id});
}

bool Kernel::pipe_write_can_proceed(const PipeObj& pipe, std::size_t want) {
  return !pipe.read_open || limits::pipe_capacity - pipe.bytes.size() >= want;
}

// pipe(7): "If all file descriptors referring to the read end of a pipe have been closed, then a
// write(2) will cause a SIGPIPE signal to be generated for the calling process. If the calling
// process is ignoring this signal, then write(2) fails with the error EPIPE." "O_NONBLOCK
// disabled, n <= PIPE_BUF All n bytes are written atomically; write(2) may block if there is not
// room for n bytes to be written immediately" "O_NONBLOCK disabled, n > PIPE_BUF The write is
// nonatomic: the data given to write(2) may be interleaved with write(2)s by other process; the
// write(2) blocks until n bytes have been written." Larger writes go a page per step.
Outcome Kernel::pipe_write(Process& p, PipeObj& pipe, PipeId id, std::string_view bytes) {
  Progress& g = p.progress;
  if (!pipe.read_open) {
    generate(p, Sig::pipe);
    Outcome out = g.done > 0 ? Outcome::value(static_cast<std::int64_t>(g.done))
                             : Outcome::error(Errno::epipe);
    g = Progress{};
    return out;
  }
  if (bytes.empty()) return Outcome::value(0);
  std::size_t space = limits::pipe_capacity - pipe.bytes.size();
  if (bytes.size() <= limits::pipe_buf) {
    if (space < bytes.size()) return block(p, Chan{ChanKind::pipe, id});
    pipe.bytes.append(bytes);
    wake(Chan{ChanKind::pipe, id});
    return Outcome::value(static_cast<std::int64_t>(bytes.size()));
  }
  if (space == 0) {
    if (!g.active) g = Progress{true, 0, 0, 0, 0};
    return block(p, Chan{ChanKind::pipe, id});
  }
  if (!g.active) g = Progress{true, 0, 0, 0, 0};
  std::size_t n = std::min({bytes.size() - g.done, space, limits::page_size});
  pipe.bytes.append(bytes.substr(g.done, n));
  g.done += n;
  wake(Chan{ChanKind::pipe, id});
  if (g.done < bytes.size()) return Outcome::progress();
  Outcome out = Outcome::value(static_cast<std::int64_t>(g.done));
  g = Progress{};
  return out;
}

}  // namespace papaya::model
