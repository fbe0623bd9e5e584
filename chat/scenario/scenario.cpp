// The scenario's processes: init, server, clients (scenario.hpp).
#include "chat/scenario/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <vector>

#include "chat/exit_process.hpp"
#include "chat/line_framer.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {

enum ScenarioClientExit : int { saw_all = 0, server_closed = 1, cannot_talk = 2 };

// The pipes between init and its clients. Non-late clients write one byte to `joined` when their
// join line is back; init closes `go`'s write end when all of them have joined (or died trying).
// Late clients write "N\n" to `done` when their own lines are back, before they listen until
// their settle alarm ends them; init reads it after reaping them to tell that end from a failure.
struct Pipes {
  std::pair<Fd, Fd> joined;
  std::pair<Fd, Fd> go;
  std::pair<Fd, Fd> done;
};

// One client's view of the run: every client's plan, so it recognises each line exactly.
struct ClientRun {
  ClientRun(const Scenario& scenario, const std::vector<ClientPlan>& all, int client,
            size_t longest_line)
      : s(scenario),
        plans(all),
        me(client),
        framer(longest_line),
        rx(std::clamp<size_t>(scenario.server.max_line / 4, 4096, 65536)) {}

  const Scenario& s;
  const std::vector<ClientPlan>& plans;
  int me;  // 1-based
  Fd sock = -1;
  Fd transcript = -1;
  LineFramer framer;
  std::vector<std::vector<bool>> seen;  // [client-1][message], message 0 = join line
  bool own_join_seen = false;
  int own_seen = 0;      // own accepted message lines seen back
  int own_target = 0;    // own accepted message lines
  int group_seen = 0;    // accepted message lines of non-late clients seen
  int group_target = 0;  // accepted message lines of non-late clients
  Duration horizon_end{0};
  bool timed = false;  // the scenario has a schedule (join delays, gaps): see arm_settle
  // receive_some's buffer: 4096 bytes, up to 64 KiB for lines over 16 KiB (the slow-client
  // scenario's megabytes). Made once per client: zero-filling it at every recv cost more than
  // the recv.
  std::vector<char> rx;
};

size_t sent_length(const Scenario& s, const std::vector<ClientPlan>& plans, int c, int m) {
  const size_t planned =
      m == 0 ? std::min(s.line_length, s.server.max_line)
             : plans[static_cast<size_t>(c - 1)].line_lengths[static_cast<size_t>(m - 1)];
  return std::max(planned, scenario_line_min_length(c, m));
}

bool accepted(const ClientRun& run, int c, int m) {
  return sent_length(run.s, run.plans, c, m) <= run.s.server.max_line;
}

// The settle alarm: `settle` from now, but never before the scenario's schedule has run out
// (another client may rightly be silent, sleeping its gaps).
void arm_settle(Os& os, const ClientRun& run) {
  Duration d = run.s.settle;
  if (run.timed) {
    const Duration left = run.horizon_end - os.now();
    if (left > Duration::zero()) d += left;
  }
  (void)os.alarm(d);
}

// Records one whole line received; true when it is a scenario line not seen before.
bool note_line(ClientRun& run, std::string_view line) {
  std::optional<LineId> id = parse_scenario_line(line);
  if (!id || id->client > static_cast<int>(run.plans.size())) return false;
  std::vector<bool>& of_client = run.seen[static_cast<size_t>(id->client - 1)];
  if (static_cast<size_t>(id->message) >= of_client.size()) return false;
  if (line.size() != sent_length(run.s, run.plans, id->client, id->message)) return false;
  if (of_client[static_cast<size_t>(id->message)]) return false;
  of_client[static_cast<size_t>(id->message)] = true;
  if (id->message == 0) {
    run.own_join_seen = run.own_join_seen || id->client == run.me;
    return true;
  }
  if (!accepted(run, id->client, id->message)) return true;  // a refused line came through anyway
  if (id->client == run.me) ++run.own_seen;
  if (!run.plans[static_cast<size_t>(id->client - 1)].late) ++run.group_seen;
  return true;
}

// Receives once, appends the bytes to the transcript, records the lines they complete. False at
// end of stream or error.
bool receive_some(Os& os, ClientRun& run) {
  Result<size_t> n = os.recv(run.sock, std::span<char>(run.rx.data(), run.rx.size()));
  if (!n && n.error() == Errno::eintr) return true;
  if (!n || *n == 0) return false;
  const std::string_view bytes(run.rx.data(), *n);
  if (run.transcript >= 0) {
    if (Status w = write_all(os, run.transcript, bytes); !w) {
      os.log(LogLevel::error, fmt::format("scenario c{}: writing the transcript: {}", run.me,
                                          errno_name(w.error())));
      (void)os.close(run.transcript);
      run.transcript = -1;
    }
  }
  bool progress = false;
  for (const Framed& f : run.framer.feed(bytes)) {
    if (!f.refused) progress = note_line(run, f.line) || progress;
  }
  if (progress) arm_settle(os, run);
  return true;
}

void wait_at_barrier(Os& os, const Pipes& p) {
  (void)os.alarm(Duration::zero());  // the barrier is bounded by the other clients' alarms
  (void)write_all(os, p.joined.second, "j");
  (void)os.close(p.joined.second);
  char c;
  for (;;) {
    Result<size_t> r = os.read(p.go.first, std::span<char>(&c, 1));
    if (r.ok() ? *r == 0 : r.error() != Errno::eintr) break;
  }
  (void)os.close(p.go.first);
}

// Clients catch no signal, so a sleep is never interrupted; SIGALRM ends it with the process.
void sleep_for(Os& os, Duration d) {
  if (d > Duration::zero()) (void)os.sleep(d);
}

int client_body(Os& os, ClientRun& run, const Pipes& p) {
  const Scenario& s = run.s;
  const ClientPlan& plan = run.plans[static_cast<size_t>(run.me - 1)];
  const std::vector<std::string> lines = sent_lines(s, run.me);
  if (!send_all(os, run.sock, s.server.key) || !send_all(os, run.sock, lines[0]))
    return cannot_talk;
  while (!run.own_join_seen) {
    if (!receive_some(os, run)) return server_closed;
  }
  if (!plan.late) wait_at_barrier(os, p);
  arm_settle(os, run);
  for (size_t m = 1; m < lines.size(); ++m) {
    if (plan.gap > Duration::zero()) {
      sleep_for(os, plan.gap);
      arm_settle(os, run);
    }
    if (!send_all(os, run.sock, lines[m])) return cannot_talk;
    arm_settle(os, run);
  }
  if (plan.stop_reading_for > Duration::zero()) {
    // Stuck: connected, reading nothing; the server's sends to it fill its socket buffer.
    (void)os.alarm(Duration::zero());
    sleep_for(os, plan.stop_reading_for);
    return saw_all;
  }
  if (plan.late || plan.vanish_mid_line) {
    while (run.own_seen < run.own_target) {
      if (!receive_some(os, run)) return server_closed;
    }
  }
  if (plan.vanish_mid_line) {
    (void)os.alarm(Duration::zero());
    // Half a line, then gone: the server must drop it. A send that fails changes nothing.
    (void)send_all(os, run.sock, vanish_half_line(s, run.me));
    return saw_all;
  }
  if (plan.late) {
    // It cannot know which older lines it was meant to miss: it listens until nothing new comes.
    (void)write_all(os, p.done.second, fmt::format("{}\n", run.me));
    (void)os.close(p.done.second);
    arm_settle(os, run);
    for (;;) {
      if (!receive_some(os, run)) return server_closed;
    }
  }
  while (run.group_seen < run.group_target) {
    if (!receive_some(os, run)) return server_closed;
  }
  (void)os.alarm(Duration::zero());
  return saw_all;
}

ClientRun make_run(Os& os, const Scenario& s, const std::vector<ClientPlan>& plans, int me) {
  size_t longest = s.server.max_line;
  for (const ClientPlan& p : plans) {
    for (size_t len : p.line_lengths) longest = std::max(longest, len);
  }
  ClientRun run(s, plans, me, longest + 64);
  run.seen.resize(plans.size());
  for (size_t c = 1; c <= plans.size(); ++c) {
    const ClientPlan& p = plans[c - 1];
    run.seen[c - 1].assign(p.line_lengths.size() + 1, false);
    for (size_t m = 1; m <= p.line_lengths.size(); ++m) {
      if (!accepted(run, static_cast<int>(c), static_cast<int>(m))) continue;
      if (static_cast<int>(c) == me) ++run.own_target;
      if (!p.late) ++run.group_target;
    }
  }
  const Duration horizon = schedule_horizon(s);
  run.timed = horizon > Duration::zero();
  if (run.timed) run.horizon_end = os.now() + horizon;
  return run;
}

[[noreturn]] void run_client(Os& os, const Scenario& s, const std::vector<ClientPlan>& plans,
                             int me, std::uint16_t port, Pipes p) {
  const ClientPlan& plan = plans[static_cast<size_t>(me - 1)];
  (void)os.sigaction(Sig::alrm, SigAction::dfl());
  if (p.joined.first >= 0) (void)os.close(p.joined.first);  // -1: a late client's, per client
  (void)os.close(p.go.second);
  (void)os.close(p.done.first);
  if (plan.late) {
    if (p.joined.second >= 0) (void)os.close(p.joined.second);
    (void)os.close(p.go.first);
  } else {
    (void)os.close(p.done.second);
  }
  ClientRun run = make_run(os, s, plans, me);
  arm_settle(os, run);
  sleep_for(os, plan.join_delay);
  Result<Fd> sock = os.connect("127.0.0.1", port);
  if (!sock) {
    os.log(LogLevel::error, fmt::format("scenario c{}: connect: {}", me, errno_name(sock.error())));
    exit_process(os, cannot_talk);
  }
  run.sock = *sock;
  if (const std::string path = transcript_path(s, me); !path.empty()) {
    Result<Fd> t = os.open(
        path, OpenFlags::wronly | OpenFlags::creat | OpenFlags::trunc | OpenFlags::append, 0644);
    if (t) {
      run.transcript = *t;
    } else {
      os.log(LogLevel::warning, fmt::format("scenario c{}: cannot open the transcript {}: {}", me,
                                            path, errno_name(t.error())));
    }
  }
  const int code = client_body(os, run, p);
  (void)os.close(*sock);
  os.log(code == saw_all ? LogLevel::info : LogLevel::warning,
         fmt::format("scenario c{}: {}", me,
                     code == saw_all         ? (plan.vanish_mid_line            ? "vanished mid-line"
                                                : plan.stop_reading_for.count() ? "stopped reading; closed"
                                                                                : "saw every line; closed")
                     : code == server_closed ? "the server closed first"
                                             : "could not send"));
  exit_process(os, code);
}

// One byte from `fd`: true when a client's join came, false at end-of-file (it died first).
bool read_join(Os& os, Fd fd) {
  char c;
  for (;;) {
    Result<size_t> r = os.read(fd, std::span<char>(&c, 1));
    if (!r && r.error() == Errno::eintr) continue;
    return r && *r == 1;
  }
}

// Init's side of the barrier: waits until every non-late client has joined or died; returns how
// many joined (their join line came back: the server served them). `joined_each`: the read ends
// of the clients' own pipes (Scenario::barrier_per_client), read in client order; empty: the
// clients share `p.joined`.
int release_barrier(Os& os, const Pipes& p, const std::vector<Fd>& joined_each, int clients) {
  const bool shared = joined_each.empty();
  if (shared) (void)os.close(p.joined.second);
  (void)os.close(p.go.first);
  int joined = 0;
  if (shared) {
    // Until every write end is closed: the rest died before joining.
    while (joined < clients && read_join(os, p.joined.first)) ++joined;
    (void)os.close(p.joined.first);
  } else {
    for (Fd fd : joined_each) {
      joined += read_join(os, fd) ? 1 : 0;
      (void)os.close(fd);
    }
  }
  (void)os.close(p.go.second);
  os.log(LogLevel::info, fmt::format("scenario: {} of {} clients joined; go", joined, clients));
  return joined;
}

// The late clients that saw their own lines back, from the `done` pipe (after they all ended).
std::set<int> read_done(Os& os, Fd fd) {
  std::string text;
  std::vector<char> buf(256);
  for (;;) {
    Result<size_t> r = os.read(fd, std::span<char>(buf.data(), buf.size()));
    if (!r && r.error() == Errno::eintr) continue;
    if (!r || *r == 0) break;
    text.append(buf.data(), *r);
  }
  (void)os.close(fd);
  std::set<int> done;
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) break;
    int c = 0;
    std::from_chars(text.data() + at, text.data() + nl, c);
    done.insert(c);
    at = nl + 1;
  }
  return done;
}

struct ClientEnd {
  int me = 0;
  bool late = false;
  WaitStatus status;
};

void count_client_end(Os& os, const ClientEnd& e, const std::set<int>& late_done,
                      ScenarioReport& r) {
  const WaitStatus& w = e.status;
  if (w.exited && w.exit_code == saw_all) {
    ++r.saw_every_line;
  } else if (w.signaled && w.term_sig == Sig::alrm && e.late && late_done.count(e.me)) {
    ++r.saw_every_line;  // a late client's normal end
  } else if (w.signaled && w.term_sig == Sig::alrm) {
    ++r.settled;
    os.log(LogLevel::warning,
           fmt::format("scenario: client c{} (pid {}) settled without seeing every line", e.me,
                       w.pid));
  } else {
    ++r.failed;
  }
}

Result<Pid> start_server(Os& os, const Scenario& s, Fd listener) {
  Result<Pid> pid = os.fork([cfg = s.server, listener](Os& child) {
    (void)child.setpgid(0, 0);
    child.exit(run_server(child, cfg, listener));
  });
  // Both sides set the group, so it is set before either goes on (the classic fork race).
  if (pid) (void)os.setpgid(*pid, *pid);
  return pid;
}

// Forks the clients, runs the barrier, waits for them all. True when some client's join line
// came back (the server served it).
bool run_clients(Os& os, const Scenario& s, std::uint16_t port, ScenarioReport& report) {
  // With a pipe per client there is no shared one (its ends stay -1).
  Result<std::pair<Fd, Fd>> joined =
      s.barrier_per_client ? Result<std::pair<Fd, Fd>>(std::pair<Fd, Fd>{-1, -1}) : os.pipe();
  Result<std::pair<Fd, Fd>> go = os.pipe();
  Result<std::pair<Fd, Fd>> done = os.pipe();
  if (!joined || !go || !done) {
    os.log(LogLevel::error, "scenario: pipe failed");
    report.code = 1;
    return false;
  }
  const Pipes p{.joined = *joined, .go = *go, .done = *done};
  const std::vector<ClientPlan> plans = effective_plans(s);
  std::vector<ClientEnd> ends;
  std::vector<Fd> joined_each;  // barrier_per_client: the read ends init keeps, in client order
  int barrier = 0;
  for (int me = 1; me <= static_cast<int>(plans.size()); ++me) {
    const bool late = plans[static_cast<size_t>(me - 1)].late;
    Pipes mine = p;
    if (s.barrier_per_client && !late) {
      Result<std::pair<Fd, Fd>> own = os.pipe();
      if (!own) {
        os.log(LogLevel::error, "scenario: pipe failed");
        report.code = 1;
        continue;
      }
      mine.joined = *own;
    }
    Result<Pid> c = os.fork(
        [s, plans, me, port, mine](Os& child) { run_client(child, s, plans, me, port, mine); });
    if (s.barrier_per_client && !late) {
      // Closed before the next fork: no later client holds this client's write end, so a client
      // that dies before joining gives init end-of-file at once.
      (void)os.close(mine.joined.second);
      if (c) {
        joined_each.push_back(mine.joined.first);
      } else {
        (void)os.close(mine.joined.first);
      }
    }
    if (!c) {
      report.code = 1;
      continue;
    }
    ends.push_back(ClientEnd{.me = me, .late = late, .status = WaitStatus{.pid = *c}});
    barrier += late ? 0 : 1;
  }
  (void)os.close(p.done.second);
  const int joined_count = release_barrier(os, p, joined_each, barrier);
  for (ClientEnd& e : ends) {
    for (;;) {
      Result<WaitStatus> w = os.waitpid(e.status.pid, /*nohang=*/false);
      if (!w && w.error() == Errno::eintr) continue;
      if (w) e.status = *w;
      break;
    }
  }
  const std::set<int> late_done = read_done(os, p.done.first);
  for (const ClientEnd& e : ends) count_client_end(os, e, late_done, report);
  return joined_count > 0 || !late_done.empty() || report.saw_every_line > 0;
}

void check_server_end(Os& os, const Scenario& s, Pid server, const WaitStatus& w,
                      bool served_a_client, ScenarioReport& report) {
  if (w.pid == server && !server_stopped_cleanly(s.server.design, w, served_a_client)) {
    os.log(LogLevel::error, "scenario: the server did not stop cleanly (see its log)");
    report.code = 1;
  }
}

// The exploration scenario's shutdown. The sleep ends only when every other process is blocked
// (virtual time moves only then): the clients' clusters have seen their clients leave, ended and
// been reaped, and the daemon waits in accept. Then SIGTERM to the server alone (its group is
// just itself by now; it signals the group again itself) and a wait for it by pid: no
// waitpid(-1) racing the exits. A real kernel gives no such guarantee: there it is only a pause.
void idle_shutdown(Os& os, const Scenario& s, Pid server, bool served_a_client,
                   ScenarioReport& report) {
  (void)os.sleep(idle_shutdown_wait);
  (void)os.kill(server, Sig::term);
  for (;;) {
    Result<WaitStatus> w = os.waitpid(server, /*nohang=*/false);
    if (!w && w.error() == Errno::eintr) continue;
    if (w) check_server_end(os, s, server, *w, served_a_client, report);
    break;
  }
}

}  // namespace

bool server_stopped_cleanly(Design design, const WaitStatus& w, bool served_a_client) {
  if (w.exited && w.exit_code == 0) return true;
  // Before its first accept the goroutine server installs signal.Notify; a SIGTERM before that
  // takes the default action ("Term", signal(7)). Only a run that served nobody can have one.
  return design == Design::goroutine && !served_a_client && w.signaled && w.term_sig == Sig::term;
}

ScenarioReport run_scenario_report(Os& os, const Scenario& s) {
  ScenarioReport report;
  const size_t clients = effective_plans(s).size();
  os.log(LogLevel::info, "scenario: " + describe(s));
  (void)os.unlink(s.server.log_path);  // a fresh log: old lines would count as seen
  Result<Fd> listener = os.listen("127.0.0.1", s.port, static_cast<int>(clients) + 8);
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
  const bool served = run_clients(os, s, *port, report);
  if (s.idle_shutdown) {
    idle_shutdown(os, s, *server, served, report);
  } else {
    (void)os.kill(-*server, Sig::term);
  }
  for (;;) {
    Result<WaitStatus> w = os.waitpid(-1, /*nohang=*/false);
    if (!w && w.error() == Errno::eintr) continue;
    if (!w) break;
    check_server_end(os, s, *server, *w, served, report);
  }
  os.log(LogLevel::info,
         fmt::format("scenario: {} of {} clients saw every line", report.saw_every_line, clients));
  return report;
}

int run_scenario(Os& os, const Scenario& s) { return run_scenario_report(os, s).code; }

}  // namespace papaya::chat
