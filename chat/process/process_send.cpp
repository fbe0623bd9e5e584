// Child SEND: history, then every new line of the log, woken by SIGUSR1; the cluster's leader.
//
// The wait is race-free because SIGUSR1 is blocked everywhere except inside sigsuspend: a
// notification sent while SEND reads or sends stays pending and ends the next sigsuspend at once.
// Signals coalesce (five SIGUSR1 while blocked are delivered once) but that loses nothing: each
// wakeup reads everything up to EOF. Blocking comes BEFORE the first read of the log, so an append
// between that read and the first wait is seen too. SIGCHLD (Child RECV ended) is blocked and
// waited for the same way, so SEND cannot miss the end of its other half.
//
// Memory is bounded whatever the backlog: the log is read and sent in chunks of at most
// send_chunk bytes (or max_line, if larger), and only whole lines are sent: a reader never passes
// on the partial line a crash or a full disk left at the log's end (the next writer cuts it back;
// chat_log.hpp).
//
// Reads lock the log through ChatLog: LOCK_SH, so readers never wait for each other (LOCK_EX with
// the exclusive_read flaw, which serialises them and nothing else).
#include <fmt/format.h>

#include <algorithm>

#include "chat/process/process_cluster.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {

constexpr size_t send_chunk = 65536;

// Sends one chunk; false when the client is gone (EPIPE, ECONNRESET).
bool send_chunk_to(Os& os, const ClusterContext& ctx, Fd client, std::string chunk, Pid cluster) {
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

// Waits for the next notification, or for Child RECV's end (SIGCHLD, caught only in the
// correct design). Returns true when a SIGCHLD was caught.
bool wait_for_notification(Os& os, const ClusterContext& ctx, SigSet wait_mask) {
  if (ctx.flaws.lost_wakeup) {
    // The flaw: a SIGUSR1 caught after the flag test but before pause() wakes nobody.
    for (;;) {
      if (os.take_caught(Sig::usr1)) return os.take_caught(Sig::chld);
      if (os.take_caught(Sig::chld)) return true;
      (void)os.pause();
    }
  }
  (void)os.sigsuspend(wait_mask);
  (void)os.take_caught(Sig::usr1);  // consumed; the next read covers it
  return os.take_caught(Sig::chld);
}

struct Cluster {
  Fd client;
  Pid me;
  Pid recv_pid;
};

// Ends the cluster from SEND's side: Child RECV is ended (SIGTERM, held off while it holds the
// log's lock) and reaped, the socket closed.
[[noreturn]] void end_cluster(Os& os, const Cluster& c, int code) {
  (void)os.kill(c.recv_pid, Sig::term);
  for (;;) {
    Result<WaitStatus> w = os.waitpid(c.recv_pid, /*nohang=*/false);
    if (w || w.error() != Errno::eintr) break;
  }
  (void)os.close(c.client);
  exit_process(os, code);
}

[[noreturn]] void log_read_failure(Os& os, const Cluster& c, Errno e) {
  os.log(LogLevel::error,
         fmt::format("client {}: Child SEND reading the log: {}", c.me, errno_name(e)));
  end_cluster(os, c, cluster_failed);
}

// After a SIGCHLD: if Child RECV has ended, the cluster ends. A RECV killed by SIGKILL may have
// died between its append and its SIGUSR1 (the append blocks SIGTERM and SIGINT until the
// multicast is out; SIGKILL "cannot be caught, blocked, or ignored"): SEND wakes the readers in
// its place, unless the no-crash-wakeup flaw.
void check_recv(Os& os, const ClusterContext& ctx, const ChatLog& log, const Cluster& c) {
  Result<WaitStatus> w = os.waitpid(c.recv_pid, /*nohang=*/true);
  if (!w || w->pid != c.recv_pid) return;
  if (w->signaled && w->term_sig == Sig::kill) {
    // Killed mid-append, it may have left part of a line: cut it back now, before the client
    // (and with it, maybe, the whole run) can move on (the log heals).
    (void)log.repair(os);
    if (!ctx.flaws.no_crash_wakeup) (void)os.kill(-ctx.pgid, Sig::usr1);
  }
  (void)os.close(c.client);
  if (w->signaled && w->term_sig == Sig::alrm) {
    os.log(LogLevel::info, fmt::format("client {}: idle for {} ms (idle_timeout); disconnected",
                                       c.me, ctx.cfg.idle_timeout.count() / 1'000'000));
    exit_process(os, cluster_left);
  }
  if (w->signaled) {
    os.log(LogLevel::warning, fmt::format("client {}: Child RECV ended by {}; connection closed",
                                          c.me, sig_name(w->term_sig)));
    exit_process(os, cluster_failed);
  }
  exit_process(os, w->exit_code);
}

// How many of `bytes` to send now: whole lines only, unless the no-heal flaw (everything read),
// or a chunk full of a single line longer than it (only a flawed variant writes those).
size_t sendable(const ClusterContext& ctx, std::string_view bytes, size_t limit) {
  if (ctx.flaws.no_heal) return bytes.size();
  const size_t nl = bytes.rfind('\n');
  if (nl != std::string_view::npos) return nl + 1;
  return bytes.size() >= limit ? bytes.size() : 0;
}

}  // namespace

void run_send(Os& os, const ClusterContext& ctx, Fd client, std::optional<Offset> join,
              Pid recv_pid) {
  const Pid me = os.getpid();
  const Cluster c{client, me, recv_pid};
  SigSet wait_mask;
  if (!ctx.flaws.lost_wakeup) {
    Result<SigSet> old = os.sigprocmask(SigHow::block, SigSet{Sig::usr1});
    wait_mask = old.value_or(SigSet{}).remove(Sig::usr1).remove(Sig::chld);
  } else {
    (void)os.sigprocmask(SigHow::unblock, SigSet{Sig::usr1, Sig::chld});
  }
  (void)os.sigaction(Sig::usr1, SigAction::catch_flag(/*restart=*/false));
  (void)os.take_caught(Sig::usr1);  // a flag copied from the parent is no notification of ours
  Result<ChatLog> log = open_child_log(os, ctx);
  if (!log) {
    os.log(LogLevel::error, fmt::format("client {}: Child SEND cannot open log {}: {}", me,
                                        ctx.cfg.log_path, errno_name(log.error())));
    end_cluster(os, c, cluster_failed);
  }
  Result<Tail> tail = log->read_tail(os, ctx.cfg.history, join);
  if (!tail) log_read_failure(os, c, tail.error());
  if (!send_chunk_to(os, ctx, client, std::move(tail->bytes), me)) end_cluster(os, c, cluster_left);
  Offset offset = tail->next;
  const size_t limit = std::max(send_chunk, ctx.cfg.max_line);
  for (;;) {
    for (;;) {  // up to the end of the log, a bounded chunk at a time
      Result<std::string> fresh = log->read_since(os, offset, limit);
      if (!fresh) log_read_failure(os, c, fresh.error());
      const size_t n = sendable(ctx, *fresh, limit);
      const bool more = fresh->size() >= limit && !ctx.flaws.short_read;
      fresh->resize(n);
      offset += static_cast<Offset>(n);
      if (!send_chunk_to(os, ctx, client, std::move(*fresh), me)) end_cluster(os, c, cluster_left);
      if (!more || n == 0) break;
    }
    if (wait_for_notification(os, ctx, wait_mask)) check_recv(os, ctx, *log, c);
  }
}

}  // namespace papaya::chat
