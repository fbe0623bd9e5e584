#include "chat/goroutine/goroutine_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
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

// What every goroutine of the server shares (captured by shared_ptr; one process).
struct Shared {
  ServerConfig cfg;
  GoFlaws flaws;
  GoLog log;
  Hub hub;
};

// One connection: its socket, and how many goroutines still use it (guarded by the hub's mutex).
struct Conn {
  int id = 0;
  Fd fd = -1;
  bool authenticated = false;
  bool timed_out = false;  // the auth watchdog shut the socket down
  bool closed = false;
  int users = 1;  // the reader; the sender adds itself
};

// The last user of the socket closes it.
void release_conn(Os& os, Shared& s, Conn& c) {
  os.lock(s.hub.mu());
  const bool last = --c.users == 0;
  if (last) {
    c.closed = true;
    (void)os.close(c.fd);
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
std::string_view read_lines(Os& os, Shared& s, const Conn& c) {
  LineFramer framer(s.cfg.max_line);
  std::vector<char> buf(recv_buffer);
  std::string_view why = "end of stream";
  for (;;) {
    Result<std::size_t> n = os.recv(c.fd, std::span<char>(buf.data(), buf.size()));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n) {
      why = errno_name(n.error());
      break;
    }
    if (*n == 0) break;
    for (Framed& f : framer.feed(std::string_view(buf.data(), *n))) {
      if (f.refused) {
        os.log(LogLevel::warning,
               fmt::format("client {}: refused a line of {} bytes: {} (max_line {})", c.id,
                           f.length, refuse_reason_text(*f.refused), s.cfg.max_line));
        continue;
      }
      s.hub.enqueue(os, std::move(f.line));
    }
  }
  if (std::size_t dropped = framer.finish(); dropped > 0)
    os.log(LogLevel::warning,
           fmt::format("client {}: dropped an unterminated line of {} bytes at disconnect", c.id,
                       dropped));
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
  const std::string_view why = read_lines(os, *s, *c);
  s->hub.unregister_client(os, c->id);  // its sender ends
  os.log(LogLevel::info, fmt::format("client {}: left ({})", c->id, why));
  release_conn(os, *s, *c);
}

// The writer: every queued line appended whole, then every sender told.
[[noreturn]] void run_writer(Os& os, const std::shared_ptr<Shared>& s) {
  for (;;) {
    for (const std::string& line : s->hub.drain(os)) {
      if (Status st = s->log.append(os, line); !st)
        os.log(LogLevel::error, fmt::format("appending to the log: {}; the line is dropped",
                                            errno_name(st.error())));
    }
    s->hub.notify_all(os);
  }
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
  if (cfg.idle_timeout > Duration::zero())
    os.log(LogLevel::warning, "server: idle_timeout is not supported by the goroutine design");
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
                                           .hub = Hub(os, flaws, line_queue, cfg.max_clients)});
  os.go([s](Os& g) { run_writer(g, s); });
  os.log(LogLevel::info, "server: accepting (goroutine design)");
  for (int next_id = 1;; ++next_id) {
    Result<Fd> conn = os.accept(listener);
    if (!conn && accept_failed_transiently(os, conn.error())) continue;
    if (!conn) return 1;
    if (!s->hub.admit(os)) {
      os.log(LogLevel::warning,
             fmt::format("server: {} clients already; connection closed", cfg.max_clients));
      (void)os.close(*conn);
      continue;
    }
    auto c = std::make_shared<Conn>(Conn{.id = next_id, .fd = *conn});
    os.go([s, c](Os& g) { serve(g, s, c); });
  }
}

}  // namespace papaya::chat
