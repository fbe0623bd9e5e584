// Child RECV: the client's bytes -> whole lines -> the log.
#include <fmt/format.h>

#include <vector>

#include "chat/line_framer.hpp"
#include "chat/process_cluster.hpp"

namespace papaya::chat {

namespace {

constexpr size_t recv_buffer = 4096;  // the original's read size; any size frames the same

// Appends what `bytes` completes. False when the log cannot be written: the cluster ends rather
// than pretend to accept lines it cannot record.
bool take_bytes(Os& os, const ClusterContext& ctx, const ChatLog& log, LineFramer& framer,
                std::string_view bytes, Pid me) {
  if (ctx.flaws.torn_message) {
    // The flaw: whatever one read returned goes to the log as is, with no framing or limits.
    return log.append(os, bytes).ok();
  }
  for (const Framed& f : framer.feed(bytes)) {
    if (f.refused) {
      os.log(LogLevel::warning,
             fmt::format("client {}: refused a line of {} bytes: {} (max_line {})", me, f.length,
                         refuse_reason_text(*f.refused), ctx.cfg.max_line));
      continue;
    }
    if (Status s = log.append(os, f.line); !s) {
      os.log(LogLevel::error,
             fmt::format("client {}: appending to the log: {}", me, errno_name(s.error())));
      return false;
    }
  }
  return true;
}

// Receives until the client leaves; returns why ("end of stream", "ECONNRESET", ...).
std::string_view pump(Os& os, const ClusterContext& ctx, const ChatLog& log, Fd client, Pid me) {
  LineFramer framer(ctx.cfg.max_line);
  std::vector<char> buf(recv_buffer);
  std::string_view why = "end of stream";
  for (;;) {
    Result<size_t> n = os.recv(client, std::span<char>(buf.data(), buf.size()));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n) {
      why = errno_name(n.error());
      break;
    }
    if (*n == 0) break;
    if (!take_bytes(os, ctx, log, framer, std::string_view(buf.data(), *n), me)) {
      why = "log write failed";
      break;
    }
  }
  if (size_t dropped = framer.finish(); dropped > 0) {
    os.log(LogLevel::warning,
           fmt::format("client {}: dropped an unterminated line of {} bytes at disconnect", me,
                       dropped));
  }
  return why;
}

}  // namespace

void run_recv(Os& os, const ClusterContext& ctx, Fd client, Pid send_pid) {
  const Pid me = os.getpid();
  int code = cluster_left;
  std::string_view why = "cannot open the log";
  if (Result<ChatLog> log = open_child_log(os, ctx); log) {
    why = pump(os, ctx, *log, client, me);
  } else {
    os.log(LogLevel::error, fmt::format("client {}: cannot open log {}: {}", me, ctx.cfg.log_path,
                                        errno_name(log.error())));
    code = cluster_failed;
  }
  // Child SEND may be asleep in sigsuspend with nothing to send: end it and wait for it.
  (void)os.kill(send_pid, Sig::term);
  for (;;) {
    Result<WaitStatus> w = os.waitpid(send_pid, /*nohang=*/false);
    if (w || w.error() != Errno::eintr) break;
  }
  (void)os.close(client);
  os.log(LogLevel::info, fmt::format("client {}: left ({})", me, why));
  exit_process(os, code);
}

}  // namespace papaya::chat
