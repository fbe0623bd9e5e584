#include "chat/goroutine/goroutine_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "chat/accept_retry.hpp"
#include "chat/chat_log.hpp"
#include "chat/ct_compare.hpp"
#include "chat/goroutine/go_log.hpp"
#include "chat/goroutine/hub.hpp"
#include "chat/key.hpp"
#include "chat/line_framer.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {

constexpr std::size_t line_queue = 2;  // lines waiting for the writer (hub.hpp)
constexpr std::size_t recv_buffer = 4096;
constexpr std::size_t send_chunk = 65536;

// One connection: its socket, and how many goroutines still use it (guarded by the hub's mutex).
struct Conn {
  int id = 0;
  Fd fd = -1;
  bool authenticated = false;
  bool timed_out = false;  // the auth watchdog shut the socket down
  bool reading = true;     // its reader has not ended
  bool dropped = false;    // the writer could not append its line: shut down
  bool closed = false;
  Duration last_heard{};  // when its reader last received bytes (idle_timeout only)
  int users = 1;          // the reader; the sender adds itself
};

// What every goroutine of the server shares (captured by shared_ptr; one process).
struct Shared {
  ServerConfig cfg;
  GoFlaws flaws;
  GoLog log;
  Hub hub;
  // Every connection not yet closed, by id (guarded by the hub's mutex): whom a stop shuts down,
  // whom a line the writer cannot append came from.
  std::map<int, std::shared_ptr<Conn>> conns;
  std::int64_t stop_signal = 0;  // the Sig that asked for a stop (guarded by the hub's mutex)
};

// The last user of the socket closes it.
void release_conn(Os& os, Shared& s, Conn& c) {
  os.lock(s.hub.mu());
  const bool last = --c.users == 0;
  if (last) {
    c.closed = true;
    (void)os.close(c.fd);
    s.conns.erase(c.id);
  }
  os.unlock(s.hub.mu());
  if (last) s.hub.release(os);
}

std::string hex_lower(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

// auth_timeout, as time.AfterFunc would: a goroutine that sleeps, then shuts the socket down if
// the client has not authenticated (its reader's recv then ends).
void auth_watchdog(Os& os, const std::shared_ptr<Shared>& s, const std::shared_ptr<Conn>& c) {
  (void)os.sleep(s->cfg.auth_timeout);
  os.lock(s->hub.mu());
  if (!c->authenticated && !c->closed) {
    c->timed_out = true;
    (void)os.shutdown(c->fd, ShutHow::rdwr);
    os.log(LogLevel::warning, fmt::format("client {}: authentication timed out; closed", c->id));
  }
  os.unlock(s->hub.mu());
}

// idle_timeout, as the process design's alarm(2) before every recv: a goroutine that sleeps
// until the client has been silent for idle_timeout, then shuts its socket down (its reader's
// recv ends; the client is disconnected). Go would set a read deadline; Os has none, so the
// watchdog reads the time its reader last heard from the client.
void idle_watchdog(Os& os, const std::shared_ptr<Shared>& s, const std::shared_ptr<Conn>& c) {
  const Duration idle = s->cfg.idle_timeout;
  for (;;) {
    os.lock(s->hub.mu());
    const bool over = !c->reading || c->closed;
    const Duration due = c->last_heard + idle;
    os.unlock(s->hub.mu());
    if (over) return;
    const Duration now = os.now();
    if (now < due) {
      (void)os.sleep(due - now);
      continue;
    }
    os.lock(s->hub.mu());
    const bool still = c->reading && !c->closed && c->last_heard + idle <= now;
    if (still) (void)os.shutdown(c->fd, ShutHow::rdwr);
    os.unlock(s->hub.mu());
    if (!still) continue;
    os.log(LogLevel::info, fmt::format("client {}: idle for {} ms (idle_timeout); disconnected",
                                       c->id, idle.count() / 1'000'000));
    return;
  }
}

bool authenticate(Os& os, Shared& s, Conn& c) {
  Result<std::string> got = recv_exactly(os, c.fd, key_length);
  if (!got || got->size() < key_length) {
    os.log(LogLevel::warning, fmt::format("client {}: authentication failed: {}", c.id,
                                          got ? "connection closed before the key"
                                              : std::string(errno_name(got.error()))));
    return false;
  }
  if (!constant_time_equal(hex_lower(*got), hex_lower(s.cfg.key))) {
    os.log(LogLevel::warning, fmt::format("client {}: authentication failed: wrong key", c.id));
    return false;
  }
  os.lock(s.hub.mu());
  const bool in_time = !c.timed_out;
  c.authenticated = in_time;
  os.unlock(s.hub.mu());
  return in_time;
}

// Whole lines only: a sender never passes on part of a line.
std::size_t sendable(std::string_view bytes, std::size_t limit) {
  const std::size_t nl = bytes.rfind('\n');
  if (nl != std::string_view::npos) return nl + 1;
  return bytes.size() >= limit ? bytes.size() : 0;
}

// The sender: history, then the log from its own offset at every notification. Ends when the
// client is gone (a send fails: the socket is shut down so that its reader ends too) or leaves
// (the reader closes the notification channel).
void run_sender(Os& os, const std::shared_ptr<Shared>& s, const std::shared_ptr<Conn>& c,
                Offset join, GoChan notify) {
  const std::size_t limit = std::max(send_chunk, s->cfg.max_line);
  auto send_bytes = [&](const std::string& bytes) {
    if (bytes.empty()) return true;
    Status sent = send_all(os, c->fd, bytes);
    if (!sent)
      os.log(LogLevel::info, fmt::format("client {}: sending: {}; its sender ends", c->id,
                                         errno_name(sent.error())));
    return sent.ok();
  };
  bool ok = true;
  Offset offset = join;
  if (Result<Tail> tail = s->log.read_tail(os, s->cfg.history, join); !tail) {
    os.log(LogLevel::error,
           fmt::format("client {}: reading the history: {}", c->id, errno_name(tail.error())));
    ok = false;
  } else {
    ok = send_bytes(tail->bytes);
    offset = tail->next;
  }
  while (ok) {
    for (;;) {  // up to the end of the log, a bounded chunk at a time
      Result<std::string> fresh = s->log.read_since(os, offset, limit);
      if (!fresh) {
        os.log(LogLevel::error,
               fmt::format("client {}: reading the log: {}", c->id, errno_name(fresh.error())));
        ok = false;
        break;
      }
      const std::size_t n = sendable(*fresh, limit);
      const bool more = fresh->size() >= limit;
      fresh->resize(n);
      offset += static_cast<Offset>(n);
      if (!send_bytes(*fresh)) {
        ok = false;
        break;
      }
      if (!more || n == 0) break;
    }
    if (ok && !os.chan_recv(notify).ok) break;  // closed: the client left
  }
  if (!ok) (void)os.shutdown(c->fd, ShutHow::rdwr);  // its reader's recv ends
  release_conn(os, *s, *c);
}

// The reader: the client's bytes -> whole lines -> the writer's queue.
std::string_view read_lines(Os& os, Shared& s, Conn& c) {
  LineFramer framer(s.cfg.max_line);
  std::vector<char> buf(recv_buffer);
  std::string_view why = "end of stream";
  const bool idle_watched = s.cfg.idle_timeout > Duration::zero();
  for (;;) {
    Result<std::size_t> n = os.recv(c.fd, std::span<char>(buf.data(), buf.size()));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n) {
      why = errno_name(n.error());
      break;
    }
    if (*n == 0) break;
    if (idle_watched) {
      const Duration now = os.now();
      os.lock(s.hub.mu());
      c.last_heard = now;
      os.unlock(s.hub.mu());
    }
    for (Framed& f : framer.feed(std::string_view(buf.data(), *n))) {
      if (f.refused) {
        os.log(LogLevel::warning,
               fmt::format("client {}: refused a line of {} bytes: {} (max_line {})", c.id,
                           f.length, refuse_reason_text(*f.refused), s.cfg.max_line));
        continue;
      }
      s.hub.enqueue(os, c.id, std::move(f.line));
    }
  }
  if (std::size_t dropped = framer.finish(); dropped > 0)
    os.log(LogLevel::warning,
           fmt::format("client {}: dropped an unterminated line of {} bytes at disconnect", c.id,
                       dropped));
  os.lock(s.hub.mu());
  c.reading = false;
  if (c.dropped) why = "log write failed";
  os.unlock(s.hub.mu());
  return why;
}

void serve(Os& os, const std::shared_ptr<Shared>& s, const std::shared_ptr<Conn>& c) {
  os.go([s, c](Os& g) { auth_watchdog(g, s, c); });
  if (!authenticate(os, *s, *c)) {
    release_conn(os, *s, *c);
    return;
  }
  os.log(LogLevel::info, fmt::format("client {}: authenticated", c->id));
  // Registered before the join point is taken: every append after it notifies this client.
  const GoChan notify = s->hub.register_client(os, c->id);
  Result<Offset> join = s->log.size_now(os);
  if (!join) {
    os.log(LogLevel::error,
           fmt::format("client {}: reading the log's size: {}", c->id, errno_name(join.error())));
    s->hub.unregister_client(os, c->id);
    release_conn(os, *s, *c);
    return;
  }
  os.lock(s->hub.mu());
  ++c->users;
  os.unlock(s->hub.mu());
  os.go([s, c, at = *join, notify](Os& g) { run_sender(g, s, c, at, notify); });
  if (s->cfg.idle_timeout > Duration::zero()) {
    const Duration now = os.now();
    os.lock(s->hub.mu());
    c->last_heard = now;
    os.unlock(s->hub.mu());
    os.go([s, c](Os& g) { idle_watchdog(g, s, c); });
  }
  const std::string_view why = read_lines(os, *s, *c);
  s->hub.unregister_client(os, c->id);  // its sender ends
  os.log(LogLevel::info, fmt::format("client {}: left ({})", c->id, why));
  release_conn(os, *s, *c);
}

// A line the log could not take (ENOSPC, EFBIG: the disk is full): as the process design's
// Child RECV, its client is told by being disconnected, so it does not go on believing its lines
// reach the others. Its reader's recv then ends.
void drop_client(Os& os, Shared& s, int client, Errno e) {
  os.log(LogLevel::error,
         fmt::format("client {}: appending to the log: {}; the line is dropped, the log cut back "
                     "to its last whole line and the client disconnected",
                     client, errno_name(e)));
  os.lock(s.hub.mu());
  if (auto it = s.conns.find(client); it != s.conns.end() && !it->second->closed) {
    it->second->dropped = true;
    (void)os.shutdown(it->second->fd, ShutHow::rdwr);
  }
  os.unlock(s.hub.mu());
}

// The writer: every queued line appended whole, then every sender told. A client dropped for a
// line the log could not take has its later lines dropped too (as its Child RECV ends at the
// first).
[[noreturn]] void run_writer(Os& os, const std::shared_ptr<Shared>& s) {
  std::set<int> dropped;  // client ids are never reused
  for (;;) {
    for (const Queued& q : s->hub.drain(os)) {
      if (dropped.count(q.client)) continue;
      if (Status st = s->log.append(os, q.line); !st) {
        dropped.insert(q.client);
        drop_client(os, *s, q.client, st.error());
      }
    }
    s->hub.notify_all(os);
  }
}

// Go's signal.Notify(stop, SIGTERM, SIGINT) and the usual `<-stop; ln.Close()`: a goroutine that
// waits for the signal, records it, and closes the listener, so the accept loop's accept fails
// (a closed descriptor: EBADF; Go's ErrNetClosing) and the server stops (stop_server).
void wait_for_stop(Os& os, const std::shared_ptr<Shared>& s, GoChan stop, Fd listener) {
  const GoReceived got = os.chan_recv(stop);
  os.lock(s->hub.mu());
  s->stop_signal = got.value;
  os.unlock(s->hub.mu());
  os.log(LogLevel::info, fmt::format("shutting down on {}", sig_name(static_cast<Sig>(got.value))));
  (void)os.close(listener);
}

// The stop, as the process design's: every client is disconnected (the process design's
// SIGTERM to every cluster), the server waits until every connection's goroutines are gone and
// the writer has appended what was queued, then returns 0.
int stop_server(Os& os, Shared& s, Fd log) {
  os.lock(s.hub.mu());
  for (const auto& [id, c] : s.conns)
    if (!c->closed) (void)os.shutdown(c->fd, ShutHow::rdwr);
  os.unlock(s.hub.mu());
  s.hub.wait_quiet(os);
  (void)os.close(log);
  os.log(LogLevel::info, "stopped");
  return 0;
}

std::string config_problem(const ServerConfig& cfg) {
  if (cfg.key.size() != key_length)
    return fmt::format("the key is {} bytes; expected {}", cfg.key.size(), key_length);
  if (cfg.max_line == 0) return "max_line is 0";
  if (cfg.max_clients < 0) return "max_clients is negative";
  return {};
}

}  // namespace

int run_goroutine_server(Os& os, const ServerConfig& cfg, Fd listener) {
  if (std::string problem = config_problem(cfg); !problem.empty()) {
    os.log(LogLevel::error, "server: " + problem);
    return 2;
  }
  Result<Fd> fd = open_log(os, cfg.log_path);
  if (!fd) {
    os.log(LogLevel::error,
           fmt::format("server: cannot open log {}: {}", cfg.log_path, errno_name(fd.error())));
    return 1;
  }
  const GoFlaws flaws = go_flaws_of(cfg.variant);
  auto s = std::make_shared<Shared>(Shared{.cfg = cfg,
                                           .flaws = flaws,
                                           .log = GoLog(*fd, os.new_rwmutex(), flaws),
                                           .hub = Hub(os, flaws, line_queue, cfg.max_clients),
                                           .conns = {},
                                           .stop_signal = 0});
  const GoChan stop = os.signal_notify(SigSet{Sig::term, Sig::int_});
  os.go([s](Os& g) { run_writer(g, s); });
  os.go([s, stop, listener](Os& g) { wait_for_stop(g, s, stop, listener); });
  os.log(LogLevel::info, "server: accepting (goroutine design)");
  for (int next_id = 1;; ++next_id) {
    Result<Fd> conn = os.accept(listener);
    if (!conn) {
      os.lock(s->hub.mu());
      const bool stopping = s->stop_signal != 0;
      os.unlock(s->hub.mu());
      if (stopping) return stop_server(os, *s, *fd);
    }
    if (!conn && accept_failed_transiently(os, conn.error())) continue;
    if (!conn) return 1;
    if (!s->hub.admit(os)) {
      os.log(LogLevel::warning,
             fmt::format("server: {} clients already; connection closed", cfg.max_clients));
      (void)os.close(*conn);
      continue;
    }
    auto c = std::make_shared<Conn>(Conn{.id = next_id, .fd = *conn});
    os.lock(s->hub.mu());
    s->conns.emplace(c->id, c);
    os.unlock(s->hub.mu());
    os.go([s, c](Os& g) { serve(g, s, c); });
  }
}

}  // namespace papaya::chat
