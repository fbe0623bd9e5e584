// The daemon of the process design: accept, fork a cluster per client, reap, shut down.
#include "chat/process/process_server.hpp"

#include <fmt/format.h>

#include "chat/accept_retry.hpp"
#include "chat/chat_log.hpp"
#include "chat/key.hpp"
#include "chat/process/process_cluster.hpp"

namespace papaya::chat {

namespace {

// How long accept waits before the daemon looks at its flags again. A signal caught after the
// flags were checked but before accept blocked would otherwise be noticed only at the next
// connection: there is no ppoll/pselect-style accept in Os to close that window atomically, so
// the tick bounds it. Virtual time makes it free in the sim.
constexpr Duration accept_tick = std::chrono::seconds(1);
// Signals the daemon catches; blocked except while it waits in accept. Not SIGCHLD: the daemon
// reaps after every return from accept (a connection, the tick, a signal), which is what keeps
// `live` exact when it is compared with max_clients; a SIGCHLD that cut accept short would only
// reap sooner, and would race with every step of the accept loop (docs/explore.md, "The daemon
// reaps at the tick").
constexpr SigSet daemon_waits{Sig::term, Sig::int_, Sig::alrm};

std::string config_problem(Os& os, const ServerConfig& cfg) {
  if (cfg.key.size() != key_length) {
    return fmt::format("the key is {} bytes; expected {}", cfg.key.size(), key_length);
  }
  if (cfg.max_line == 0) return "max_line is 0";
  if (cfg.max_clients < 0) return "max_clients is negative";
  Result<Pid> pgid = os.getpgid(0);
  if (!pgid || *pgid != os.getpid()) {
    return "the caller must lead its own process group (setpgid(0, 0) first): the server signals "
           "its whole group";
  }
  return {};
}

void install_daemon_signals(Os& os) {
  // Set before any fork, so that every child inherits SIGUSR1 ignored: only Child SEND catches it.
  (void)os.sigaction(Sig::usr1, SigAction::ign());
  // SIGCHLD's default action ("ignore") keeps the zombies for waitpid and never interrupts accept.
  (void)os.sigaction(Sig::chld, SigAction::dfl());
  for (Sig s : {Sig::term, Sig::int_, Sig::alrm}) {
    (void)os.sigaction(s, SigAction::catch_flag(/*restart=*/false));
  }
  (void)os.sigprocmask(SigHow::block, daemon_waits);
}

void log_reaped(Os& os, const WaitStatus& w, int live) {
  if (w.signaled && w.term_sig == Sig::alrm) {
    os.log(LogLevel::warning, fmt::format("client {}: authentication timed out; closed", w.pid));
  } else if (w.signaled) {
    os.log(LogLevel::info,
           fmt::format("client {}: ended by {} ({} live)", w.pid, sig_name(w.term_sig), live));
  } else {
    os.log(LogLevel::info, fmt::format("client {}: cluster exited with code {} ({} live)", w.pid,
                                       w.exit_code, live));
  }
}

// A cluster killed by SIGKILL may have died between its append and its SIGUSR1 (the append
// blocks SIGTERM and SIGINT until the multicast is out; SIGKILL "cannot be caught, blocked, or
// ignored"): the readers would sleep on a line already in the log until the next append. The
// daemon sends the wakeup in its place; a spare one costs a reader one empty read.
void wake_readers_for(Os& os, const ClusterContext& ctx, const WaitStatus& w) {
  if (ctx.flaws.no_crash_wakeup || !w.signaled || w.term_sig != Sig::kill) return;
  os.log(LogLevel::warning,
         fmt::format("client {}: killed; waking the readers in its place", w.pid));
  (void)os.kill(-ctx.pgid, Sig::usr1);
}

// Reaps every child that has ended (WNOHANG), or every child at all (`block`).
void reap(Os& os, const ClusterContext& ctx, int& live, bool block) {
  for (;;) {
    Result<WaitStatus> w = os.waitpid(-1, /*nohang=*/!block);
    if (!w && w.error() == Errno::eintr) continue;
    if (!w || w->pid == 0) return;
    --live;
    log_reaped(os, *w, live);
    wake_readers_for(os, ctx, *w);
  }
}

// Waits for a connection with the daemon's signals unblocked. Pending signals are delivered by the
// unblocking sigprocmask, so the flag check after it sees them. Returns nullopt to stop.
std::optional<Result<Fd>> wait_for_client(Os& os, Fd listener) {
  (void)os.sigprocmask(SigHow::unblock, daemon_waits);
  const bool term = os.take_caught(Sig::term);
  const bool intr = os.take_caught(Sig::int_);
  std::optional<Result<Fd>> got;
  if (!term && !intr) {
    (void)os.alarm(accept_tick);
    got = os.accept(listener);
    (void)os.alarm(Duration::zero());
  }
  // Blocked again: a child forked now inherits SIGTERM blocked and cannot miss the shutdown's
  // SIGTERM while it still has the daemon's dispositions (run_cluster resets, then unblocks).
  (void)os.sigprocmask(SigHow::block, daemon_waits);
  if (term || intr) {
    os.log(LogLevel::info, fmt::format("shutting down on {}", term ? "SIGTERM" : "SIGINT"));
  }
  return got;
}

void start_cluster(Os& os, const ClusterContext& ctx, Fd client, int& live) {
  if (live >= ctx.cfg.max_clients) {
    os.log(LogLevel::warning,
           fmt::format("connection refused: max_clients ({}) clusters live", ctx.cfg.max_clients));
    (void)os.close(client);
    return;
  }
  Result<Pid> pid = os.fork([ctx, client](Os& child) { run_cluster(child, ctx, client); });
  (void)os.close(client);  // the cluster has its own copy
  if (!pid) {
    os.log(LogLevel::error, fmt::format("fork: {}; connection closed", errno_name(pid.error())));
    return;
  }
  ++live;
  os.log(LogLevel::info, fmt::format("client {}: connection accepted ({} live)", *pid, live));
}

int shut_down(Os& os, const ClusterContext& ctx, int& live, int code) {
  (void)os.sigaction(Sig::term, SigAction::ign());  // the group's SIGTERM is not for us
  (void)os.sigaction(Sig::int_, SigAction::ign());
  (void)os.kill(-ctx.pgid, Sig::term);
  reap(os, ctx, live, /*block=*/true);
  if (ctx.shared_log >= 0) (void)os.close(ctx.shared_log);
  os.log(LogLevel::info, "stopped");
  return code;
}

}  // namespace

int run_process_server(Os& os, const ServerConfig& cfg, Fd listener) {
  if (std::string problem = config_problem(os, cfg); !problem.empty()) {
    os.log(LogLevel::error, "process server: " + problem);
    return 2;
  }
  const Flaws flaws = flaws_of(cfg.variant);
  ClusterContext ctx{
      .cfg = cfg, .flaws = flaws, .pgid = *os.getpgid(0), .listener = listener, .shared_log = -1};
  // Open the log now even when each child opens its own: a bad path is reported at start, once.
  Result<Fd> log = open_log(os, cfg.log_path);
  if (!log) {
    os.log(LogLevel::error,
           fmt::format("cannot open log {}: {}", cfg.log_path, errno_name(log.error())));
    return 1;
  }
  if (flaws.shared_ofd || flaws.shared_offset) {
    ctx.shared_log = *log;  // the flaw: one description, inherited by every child
  } else {
    (void)os.close(*log);
  }
  install_daemon_signals(os);
  os.log(LogLevel::info,
         fmt::format("process server ({}) serving; log {}, history {}, max_line {}, max_clients {}",
                     variant_name(cfg.variant), cfg.log_path, cfg.history, cfg.max_line,
                     cfg.max_clients));
  int live = 0;
  for (;;) {
    std::optional<Result<Fd>> client = wait_for_client(os, listener);
    if (!client) return shut_down(os, ctx, live, 0);
    reap(os, ctx, live, /*block=*/false);  // before counting live clusters
    if (!*client) {
      if (accept_failed_transiently(os, client->error())) continue;
      return shut_down(os, ctx, live, 1);
    }
    start_cluster(os, ctx, **client, live);
  }
}

}  // namespace papaya::chat
