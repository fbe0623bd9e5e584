// The scenario's processes: init, server, clients (scenario.hpp).
#include "chat/scenario.hpp"

#include <fmt/format.h>

#include <vector>

#include "chat/exit_process.hpp"
#include "chat/line_framer.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {

enum ScenarioClientExit : int { saw_all = 0, server_closed = 1, cannot_talk = 2 };

// The two pipes of the join barrier: clients write one byte to `joined` when their join line is
// back; init closes `go`'s write end when all have joined (or died trying).
struct Barrier {
  std::pair<Fd, Fd> joined;
  std::pair<Fd, Fd> go;
};

struct ClientRun {
  const Scenario& s;
  int me;  // 1-based
  Fd sock;
  LineFramer framer;
  std::vector<bool> seen;  // by (client-1) * messages + (message-1)
  int seen_count = 0;
  bool own_join_seen = false;
};

// Receives once and records the lines it completes. False at end of stream or error.
bool receive_some(Os& os, ClientRun& run) {
  std::vector<char> buf(4096);
  Result<size_t> n = os.recv(run.sock, std::span<char>(buf.data(), buf.size()));
  if (!n && n.error() == Errno::eintr) return true;
  if (!n || *n == 0) return false;
  const int before = run.seen_count;
  for (const Framed& f : run.framer.feed(std::string_view(buf.data(), *n))) {
    std::optional<LineId> id = parse_scenario_line(f.line, run.s.line_length);
    if (!id || id->client > run.s.clients || id->message > run.s.messages) continue;
    if (id->message == 0) {
      run.own_join_seen = run.own_join_seen || id->client == run.me;
      continue;
    }
    const size_t k = static_cast<size_t>((id->client - 1) * run.s.messages + (id->message - 1));
    if (run.seen[k]) continue;
    run.seen[k] = true;
    ++run.seen_count;
  }
  if (run.seen_count > before) (void)os.alarm(run.s.settle);  // progress: settle afresh
  return true;
}

void wait_at_barrier(Os& os, const Barrier& b) {
  (void)os.alarm(Duration::zero());  // the barrier is bounded by the other clients' alarms
  (void)write_all(os, b.joined.second, "j");
  (void)os.close(b.joined.second);
  char c;
  for (;;) {
    Result<size_t> r = os.read(b.go.first, std::span<char>(&c, 1));
    if (r.ok() ? *r == 0 : r.error() != Errno::eintr) break;
  }
  (void)os.close(b.go.first);
}

int client_body(Os& os, const Scenario& s, int me, Fd sock, const Barrier& b) {
  ClientRun run{.s = s,
                .me = me,
                .sock = sock,
                .framer = LineFramer(std::max<size_t>(s.line_length, 64) * 4),
                .seen = std::vector<bool>(static_cast<size_t>(s.clients * s.messages)),
                .seen_count = 0,
                .own_join_seen = false};
  if (!send_all(os, sock, s.server.key) || !send_all(os, sock, scenario_line(me, 0, s.line_length)))
    return cannot_talk;
  while (!run.own_join_seen) {
    if (!receive_some(os, run)) return server_closed;
  }
  wait_at_barrier(os, b);
  (void)os.alarm(s.settle);
  for (int m = 1; m <= s.messages; ++m) {
    if (!send_all(os, sock, scenario_line(me, m, s.line_length))) return cannot_talk;
    (void)os.alarm(s.settle);
  }
  while (run.seen_count < s.clients * s.messages) {
    if (!receive_some(os, run)) return server_closed;
  }
  (void)os.alarm(Duration::zero());
  return saw_all;
}

[[noreturn]] void run_client(Os& os, const Scenario& s, int me, std::uint16_t port, Barrier b) {
  (void)os.sigaction(Sig::alrm, SigAction::dfl());
  (void)os.close(b.joined.first);
  (void)os.close(b.go.second);
  (void)os.alarm(s.settle);
  Result<Fd> sock = os.connect("127.0.0.1", port);
  if (!sock) {
    os.log(LogLevel::error, fmt::format("scenario c{}: connect: {}", me, errno_name(sock.error())));
    exit_process(os, cannot_talk);
  }
  const int code = client_body(os, s, me, *sock, b);
  (void)os.close(*sock);
  os.log(code == saw_all ? LogLevel::info : LogLevel::warning,
         fmt::format("scenario c{}: {}", me,
                     code == saw_all         ? "saw every line; closed"
                     : code == server_closed ? "the server closed first"
                                             : "could not send"));
  exit_process(os, code);
}

// Init's side of the barrier: waits until every client has joined or died.
void release_barrier(Os& os, const Barrier& b, int clients) {
  (void)os.close(b.joined.second);
  (void)os.close(b.go.first);
  int joined = 0;
  char c;
  while (joined < clients) {
    Result<size_t> r = os.read(b.joined.first, std::span<char>(&c, 1));
    if (!r && r.error() == Errno::eintr) continue;
    if (!r || *r == 0) break;  // every write end closed: the rest died before joining
    ++joined;
  }
  (void)os.close(b.joined.first);
  (void)os.close(b.go.second);
  os.log(LogLevel::info, fmt::format("scenario: {} of {} clients joined; go", joined, clients));
}

void count_client_end(Os& os, const WaitStatus& w, ScenarioReport& r) {
  if (w.exited && w.exit_code == saw_all) {
    ++r.saw_every_line;
  } else if (w.signaled && w.term_sig == Sig::alrm) {
    ++r.settled;
    os.log(LogLevel::warning,
           fmt::format("scenario: client pid {} settled without seeing every line", w.pid));
  } else {
    ++r.failed;
  }
}

Result<Pid> start_server(Os& os, const Scenario& s, Fd listener) {
  Result<Pid> pid = os.fork([cfg = s.server, listener](Os& child) {
    (void)child.setpgid(0, 0);
    child.exit(run_process_server(child, cfg, listener));
  });
  // Both sides set the group, so it is set before either goes on (the classic fork race).
  if (pid) (void)os.setpgid(*pid, *pid);
  return pid;
}

// Forks the clients, runs the barrier, waits for them all.
void run_clients(Os& os, const Scenario& s, std::uint16_t port, ScenarioReport& report) {
  Result<std::pair<Fd, Fd>> joined = os.pipe();
  Result<std::pair<Fd, Fd>> go = os.pipe();
  if (!joined || !go) {
    os.log(LogLevel::error, "scenario: pipe failed");
    report.code = 1;
    return;
  }
  const Barrier b{.joined = *joined, .go = *go};
  std::vector<Pid> pids;
  for (int me = 1; me <= s.clients; ++me) {
    Result<Pid> c = os.fork([s, me, port, b](Os& child) { run_client(child, s, me, port, b); });
    if (c)
      pids.push_back(*c);
    else
      report.code = 1;
  }
  release_barrier(os, b, static_cast<int>(pids.size()));
  for (Pid pid : pids) {
    for (;;) {
      Result<WaitStatus> w = os.waitpid(pid, /*nohang=*/false);
      if (!w && w.error() == Errno::eintr) continue;
      if (w) count_client_end(os, *w, report);
      break;
    }
  }
}

}  // namespace

ScenarioReport run_scenario_report(Os& os, const Scenario& s) {
  ScenarioReport report;
  (void)os.unlink(s.server.log_path);  // a fresh log: old lines would count as seen
  Result<Fd> listener = os.listen("127.0.0.1", s.port, s.clients + 8);
  if (!listener) {
    os.log(LogLevel::error,
           fmt::format("scenario: listen on port {}: {}", s.port, errno_name(listener.error())));
    report.code = 1;
    return report;
  }
  Result<std::uint16_t> port = os.local_port(*listener);
  Result<Pid> server = port ? start_server(os, s, *listener) : Result<Pid>(port.error());
  (void)os.close(*listener);  // the server has its own copy; clients must not inherit one
  if (!server) {
    os.log(LogLevel::error,
           fmt::format("scenario: starting the server: {}", errno_name(server.error())));
    report.code = 1;
    return report;
  }
  run_clients(os, s, *port, report);
  (void)os.kill(-*server, Sig::term);
  for (;;) {
    Result<WaitStatus> w = os.waitpid(-1, /*nohang=*/false);
    if (!w && w.error() == Errno::eintr) continue;
    if (!w) break;
    if (w->pid == *server && !(w->exited && w->exit_code == 0)) {
      os.log(LogLevel::error, "scenario: the server did not stop cleanly (see its log)");
      report.code = 1;
    }
  }
  os.log(LogLevel::info, fmt::format("scenario: {} of {} clients saw every line",
                                     report.saw_every_line, s.clients));
  return report;
}

int run_scenario(Os& os, const Scenario& s) { return run_scenario_report(os, s).code; }

}  // namespace papaya::chat
