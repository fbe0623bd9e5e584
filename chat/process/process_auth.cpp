// The cluster leader: authenticate the client, fork Child SEND, become Child RECV.
#include <fmt/format.h>

#include "chat/ct_compare.hpp"
#include "chat/key.hpp"
#include "chat/process/process_cluster.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {

// The daemon's dispositions are the daemon's: a cluster dies on SIGTERM/SIGINT (the shutdown's
// kill(-pgid, SIGTERM)) and on SIGALRM (the auth timeout). SIGUSR1 stays ignored (only Child SEND
// catches it). The daemon forked us with these signals blocked; a SIGTERM that arrived since is
// pending and ends us as soon as the mask is cleared, under the default disposition.
void reset_signals(Os& os) {
  for (Sig s : {Sig::term, Sig::int_, Sig::chld, Sig::alrm})
    (void)os.sigaction(s, SigAction::dfl());
  (void)os.sigprocmask(SigHow::setmask, SigSet{});
}

// The original's single read(2): a key split across TCP segments fails.
Result<std::string> recv_once(Os& os, Fd fd, size_t n) {
  std::string out(n, '\0');
  Result<size_t> r = os.recv(fd, std::span<char>(out.data(), out.size()));
  if (!r) return r.error();
  out.resize(*r);
  return out;
}

// Hex digits compare case-blind: a key file may hold upper-case digits (key.hpp keeps them as
// written) and a client may send either case of the same digest.
std::string hex_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Reads the key within auth_timeout and compares it in constant time. The timeout is SIGALRM's
// default action: it ends this process wherever it is (no window in which it could be missed),
// the client's socket closes with it, and the daemon logs the timeout when it reaps us.
bool authenticate(Os& os, const ClusterContext& ctx, Fd client, Pid me) {
  (void)os.alarm(ctx.cfg.auth_timeout);
  Result<std::string> got = ctx.flaws.paper_auth ? recv_once(os, client, key_length)
                                                 : recv_exactly(os, client, key_length);
  (void)os.alarm(Duration::zero());
  if (!got) {
    os.log(LogLevel::warning, fmt::format("client {}: authentication failed: reading the key: {}",
                                          me, errno_name(got.error())));
    return false;
  }
  if (got->size() < key_length) {
    os.log(LogLevel::warning,
           fmt::format("client {}: authentication failed: {} of {} key bytes before the {}", me,
                       got->size(), key_length,
                       ctx.flaws.paper_auth ? "first read ended" : "connection closed"));
    return false;
  }
  if (!constant_time_equal(hex_lower(*got), hex_lower(ctx.cfg.key))) {
    os.log(LogLevel::warning, fmt::format("client {}: authentication failed: wrong key", me));
    return false;
  }
  return true;
}

}  // namespace

Result<ChatLog> open_child_log(Os& os, const ClusterContext& ctx) {
  Fd lock_fd = ctx.shared_log;
  if (!ctx.flaws.shared_ofd) {
    // flock(2) locks belong to the open file description: each child needs its own.
    Result<Fd> own = open_log(os, ctx.cfg.log_path);
    if (!own) return own.error();
    lock_fd = *own;
  }
  const Fd read_fd = ctx.flaws.shared_offset ? ctx.shared_log : lock_fd;
  return ChatLog(lock_fd, read_fd, ctx.pgid, ctx.flaws);
}

// The client's join point: the log's size now, before Child RECV appends any line of the client's
// and before Child SEND first reads, so the client's own lines always come after it. (Taken at
// Child SEND's first read instead, a line appended by Child RECV in between would count as history
// and, with history 0, never reach its own client.) nullopt with the paper's history, or when the
// log cannot be read now (Child SEND then joins at its first read, and reports any error).
std::optional<Offset> join_point(Os& os, const ClusterContext& ctx, Pid me) {
  if (ctx.flaws.paper_history) return std::nullopt;
  Result<ChatLog> log = open_child_log(os, ctx);
  if (!log) return std::nullopt;
  Result<Offset> size = log->size_now(os);
  if (!ctx.flaws.shared_ofd) (void)os.close(log->lock_fd());
  if (!size) {
    os.log(LogLevel::warning,
           fmt::format("client {}: reading the log's size: {}", me, errno_name(size.error())));
    return std::nullopt;
  }
  return *size;
}

void run_cluster(Os& os, const ClusterContext& ctx, Fd client) {
  reset_signals(os);
  (void)os.close(ctx.listener);
  const Pid me = os.getpid();
  if (!authenticate(os, ctx, client, me)) {
    (void)os.close(client);
    exit_process(os, cluster_auth_failed);
  }
  os.log(LogLevel::info, fmt::format("client {}: authenticated", me));
  const std::optional<Offset> join = join_point(os, ctx, me);
  // Child SEND (this process) learns of Child RECV's end by SIGCHLD, blocked from before the fork
  // so that it cannot be missed: it stays pending until SEND's sigsuspend.
  if (!ctx.flaws.half_cluster) {
    (void)os.sigprocmask(SigHow::block, SigSet{Sig::usr1, Sig::chld});
    (void)os.sigaction(Sig::chld, SigAction::catch_flag(/*restart=*/false));
  }
  Result<Pid> recv_pid = os.fork([ctx, client, me](Os& child) {
    if (!ctx.flaws.half_cluster) {
      // Child RECV ends with its cluster: SIGTERM when Child SEND dies, however it dies (its
      // default action; held off only while RECV holds the log's lock). A SEND already gone
      // before the call shows as a new parent.
      (void)child.set_parent_death_signal(Sig::term);
      if (child.getppid() != me) exit_process(child, cluster_failed);
      (void)child.sigaction(Sig::chld, SigAction::dfl());
      (void)child.sigprocmask(SigHow::setmask, SigSet{});
    }
    run_recv(child, ctx, client, me);
  });
  if (!recv_pid) {
    os.log(LogLevel::error,
           fmt::format("client {}: fork of Child RECV: {}", me, errno_name(recv_pid.error())));
    (void)os.close(client);
    exit_process(os, cluster_failed);
  }
  run_send(os, ctx, client, join, *recv_pid);
}

}  // namespace papaya::chat
