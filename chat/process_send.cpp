// Child SEND: history, then every new byte of the log, woken by SIGUSR1.
//
// The wait is race-free because SIGUSR1 is blocked everywhere except inside sigsuspend: a
// notification sent while SEND reads or sends stays pending and ends the next sigsuspend at once.
// Signals coalesce (five SIGUSR1 while blocked are delivered once) but that loses nothing: each
// wakeup reads everything up to EOF. Blocking comes BEFORE the first read of the log, so an append
// between that read and the first wait is seen too.
//
// Reads lock the log through ChatLog: LOCK_SH, so readers never wait for each other (LOCK_EX with
// the exclusive_read flaw, which serialises them and nothing else).
#include <fmt/format.h>

#include "chat/process_cluster.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {

// Sends one chunk; false when the client is gone (EPIPE, ECONNRESET).
bool send_chunk(Os& os, const ClusterContext& ctx, Fd client, std::string chunk, Pid cluster) {
  if (chunk.empty()) return true;
  // The original copied each chunk with snprintf(dst, n, "%s", buf) and sent n bytes: the
  // terminating NUL took the place of the last byte.
  if (ctx.flaws.nul_last_byte) chunk.back() = '\0';
  Status s = send_all(os, client, chunk);
  if (!s) {
    os.log(LogLevel::info,
           fmt::format("client {}: sending: {}; Child SEND ends", cluster, errno_name(s.error())));
  }
  return s.ok();
}

// Waits for the next notification.
void wait_for_notification(Os& os, const ClusterContext& ctx, SigSet wait_mask) {
  if (ctx.flaws.lost_wakeup) {
    // The flaw: a SIGUSR1 caught after the flag test but before pause() wakes nobody.
    while (!os.take_caught(Sig::usr1)) (void)os.pause();
    return;
  }
  (void)os.sigsuspend(wait_mask);
  (void)os.take_caught(Sig::usr1);  // consumed; the next read covers it
}

[[noreturn]] void log_read_failure(Os& os, Pid cluster, Errno e) {
  os.log(LogLevel::error,
         fmt::format("client {}: Child SEND reading the log: {}", cluster, errno_name(e)));
  exit_process(os, cluster_failed);
}

}  // namespace

void run_send(Os& os, const ClusterContext& ctx, Fd client, Pid cluster,
              std::optional<Offset> join) {
  SigSet wait_mask;
  if (!ctx.flaws.lost_wakeup) {
    Result<SigSet> old = os.sigprocmask(SigHow::block, SigSet{Sig::usr1});
    wait_mask = old.value_or(SigSet{}).remove(Sig::usr1);
  }
  (void)os.sigaction(Sig::usr1, SigAction::catch_flag(/*restart=*/false));
  (void)os.take_caught(Sig::usr1);  // a flag copied from the parent is no notification of ours
  Result<ChatLog> log = open_child_log(os, ctx);
  if (!log) {
    os.log(LogLevel::error, fmt::format("client {}: Child SEND cannot open log {}: {}", cluster,
                                        ctx.cfg.log_path, errno_name(log.error())));
    exit_process(os, cluster_failed);
  }
  Result<Tail> tail = log->read_tail(os, ctx.cfg.history, join);
  if (!tail) log_read_failure(os, cluster, tail.error());
  if (!send_chunk(os, ctx, client, std::move(tail->bytes), cluster)) exit_process(os, cluster_left);
  Offset offset = tail->next;
  for (;;) {
    Result<std::string> fresh = log->read_since(os, offset);
    if (!fresh) log_read_failure(os, cluster, fresh.error());
    offset += static_cast<Offset>(fresh->size());
    if (!send_chunk(os, ctx, client, std::move(*fresh), cluster)) exit_process(os, cluster_left);
    wait_for_notification(os, ctx, wait_mask);
  }
}

}  // namespace papaya::chat
