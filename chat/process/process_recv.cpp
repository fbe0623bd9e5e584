// Child RECV: the client's bytes -> whole lines -> the log.
#include <fmt/format.h>

#include <vector>

#include "chat/line_framer.hpp"
#include "chat/process/process_cluster.hpp"

namespace papaya::chat {

namespace {

constexpr std::string_view log_write_failed = "log write failed";
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
             fmt::format("client {}: appending to the log: {}; the line is dropped{} and the "
                         "client disconnected",
                         me, errno_name(s.error()),
                         ctx.flaws.no_heal ? "" : ", the log cut back to its last whole line"));
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
    // The idle timeout: SIGALRM's default action ends this process wherever it waits.
    if (ctx.cfg.idle_timeout > Duration::zero()) (void)os.alarm(ctx.cfg.idle_timeout);
    Result<size_t> n = os.recv(client, std::span<char>(buf.data(), buf.size()));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n) {
      why = errno_name(n.error());
      break;
    }
    if (*n == 0) break;
    if (!take_bytes(os, ctx, log, framer, std::string_view(buf.data(), *n), me)) {
      why = log_write_failed;
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

void run_recv(Os& os, const ClusterContext& ctx, Fd client, Pid cluster) {
  const Pid me = cluster;  // logs name the client by its cluster leader's pid
  int code = cluster_left;
  std::string_view why = "cannot open the log";
  if (Result<ChatLog> log = open_child_log(os, ctx); log) {
    why = pump(os, ctx, *log, client, me);
    if (why == log_write_failed) code = cluster_failed;
  } else {
    os.log(LogLevel::error, fmt::format("client {}: cannot open log {}: {}", me, ctx.cfg.log_path,
                                        errno_name(log.error())));
    code = cluster_failed;
  }
  (void)os.close(client);
  os.log(LogLevel::info, fmt::format("client {}: left ({})", me, why));
  // Child SEND, our parent, hears of our exit by SIGCHLD and ends too. With the half-cluster
  // flaw it does not listen: it is told the old way, by SIGTERM, which works only when RECV
  // lives to send it.
  if (ctx.flaws.half_cluster) (void)os.kill(cluster, Sig::term);
  exit_process(os, code);
}

}  // namespace papaya::chat
