#include "chat/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <vector>

#include "chat/exit_process.hpp"
#include "chat/key.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {

enum ClientExit : int { client_ok = 0, client_server_closed = 1, client_no_server = 2 };

// Processes. The Os interface has no poll, so each process blocks on one thing only:
//   - the caller receives: every byte from the server to `out`, until the server closes. That
//     always ends (the server closes after our end, or first), so the caller is the one that then
//     ends the others: no signal has to interrupt a blocked read at the right moment;
//   - the sender (a child) reads `in` and sends its lines; at the end of input it lingers, writes
//     a byte to the `finished` pipe, and shuts down the sending side;
//   - the matcher (a child, only with a linger) decides when the linger is over.
//
// ---- The linger: waiting for our own last line to come back ---------------------------------
//
// The sender blocks reading `in` and the receiver receiving from the server: neither can also
// watch the other. So both report to the matcher through one pipe that only it reads: the sender
// a copy of each line it is about to send (before sending it, so the copy is always ahead of the
// line's echo in the pipe) and, at the end of input, an end record; the receiver a copy of each
// whole line it received that could be ours. The matcher writes one byte to the `done` pipe once
// the end has come and every line awaited has come back, and exits. Its linger alarm keeps
// SIGALRM's default action: it ends the matcher wherever it is blocked (a caught alarm could be
// missed between two reads), and the sender, reading `done`, sees end of file. Either way the
// sender's wait is over.
//
// Records are `tag, length (2 bytes, little-endian), payload`, at most 512 bytes: PIPE_BUF is at
// least 512 (POSIX), so each record is one atomic write(2) and the two writers' records never
// interleave. A line is the concatenation of its writer's payloads up to '\n'.
constexpr size_t record_header = 3;
constexpr size_t record_payload = 512 - record_header;
// Longer lines are neither awaited nor tracked (bounds the receiver's and matcher's memory).
constexpr size_t longest_awaited_line = 64 * 1024;
// The matcher's lines not yet back, in bytes; beyond it the oldest are forgotten.
constexpr size_t most_awaited_bytes = 1024 * 1024;

enum class Tag : char { sent = 'S', received = 'R', end = 'E' };

Status write_records(Os& os, Fd fd, Tag tag, std::string_view bytes) {
  std::string record;
  do {
    const size_t n = std::min(bytes.size(), record_payload);
    record.assign({static_cast<char>(tag), static_cast<char>(n & 0xff), static_cast<char>(n >> 8)});
    record.append(bytes.substr(0, n));
    if (Status s = write_all(os, fd, record); !s) return s;
    bytes.remove_prefix(n);
  } while (!bytes.empty());
  return {};
}

// Frames a byte stream into whole lines ('\n' included), forgetting lines longer than
// longest_awaited_line.
class LineSplitter {
 public:
  template <class OnLine>  // OnLine(std::string_view line) -> bool (false: stop)
  bool feed(std::string_view bytes, OnLine on_line) {
    while (!bytes.empty()) {
      const size_t nl = bytes.find('\n');
      const std::string_view seg = bytes.substr(0, nl == std::string_view::npos ? nl : nl + 1);
      bytes.remove_prefix(seg.size());
      if (!too_long_ && line_.size() + seg.size() > longest_awaited_line) {
        too_long_ = true;
        line_.clear();
      }
      if (!too_long_) line_.append(seg);
      if (nl == std::string_view::npos) break;
      const bool keep_going = too_long_ || on_line(std::string_view(line_));
      line_.clear();
      too_long_ = false;
      if (!keep_going) return false;
    }
    return true;
  }

 private:
  std::string line_;
  bool too_long_ = false;
};

// The matcher process (see above). Never returns.
[[noreturn]] void run_matcher(Os& os, Fd records, Fd done, Duration linger) {
  (void)os.sigaction(Sig::alrm, SigAction::dfl());
  (void)os.sigprocmask(SigHow::unblock, SigSet{Sig::alrm});
  LineSplitter sent, received;
  std::deque<std::string> awaited;  // lines sent and not back yet, oldest first
  size_t awaited_bytes = 0;
  std::string raw;  // unparsed record bytes
  bool ended = false;
  std::vector<char> buf(4096);
  for (;;) {
    Result<size_t> n = os.read(records, std::span<char>(buf.data(), buf.size()));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n || *n == 0) exit_process(os, 0);  // the sender and the receiver are gone
    raw.append(buf.data(), *n);
    size_t at = 0;
    while (raw.size() - at >= record_header) {
      const auto tag = static_cast<Tag>(raw[at]);
      const size_t len = static_cast<unsigned char>(raw[at + 1]) |
                         (static_cast<size_t>(static_cast<unsigned char>(raw[at + 2])) << 8);
      if (raw.size() - at - record_header < len) break;
      const std::string_view payload(raw.data() + at + record_header, len);
      at += record_header + len;
      if (tag == Tag::sent) {
        (void)sent.feed(payload, [&](std::string_view line) {
          awaited.emplace_back(line);
          awaited_bytes += line.size();
          while (awaited_bytes > most_awaited_bytes && awaited.size() > 1) {
            awaited_bytes -= awaited.front().size();
            awaited.pop_front();
          }
          return true;
        });
      } else if (tag == Tag::received) {
        // Our lines come back in the order sent. One that never does (refused after all) is
        // overtaken by the next one that does.
        (void)received.feed(payload, [&](std::string_view line) {
          auto it = std::find(awaited.begin(), awaited.end(), line);
          if (it == awaited.end()) return true;
          for (auto gone = awaited.begin(); gone != it + 1; ++gone) awaited_bytes -= gone->size();
          awaited.erase(awaited.begin(), it + 1);
          return true;
        });
      } else if (tag == Tag::end && !ended) {
        ended = true;
        if (!os.alarm(linger)) exit_process(os, 0);
      }
    }
    raw.erase(0, at);
    if (ended && awaited.empty()) {
      (void)write_all(os, done, "y");
      exit_process(os, 0);
    }
  }
}

// The sending process's side of the linger: its ends of the matcher's pipes.
struct Echo {
  Fd records = -1;        // write end of the matcher's pipe (-1: not lingering)
  Fd done = -1;           // read end of the matcher's answer
  bool awaiting = false;  // a line was reported to the matcher
};

void stop_echo(Os& os, Echo& echo) {
  if (echo.records >= 0) (void)os.close(echo.records);
  if (echo.done >= 0) (void)os.close(echo.done);
  echo.records = echo.done = -1;
}

// At the end of input: waits until the matcher answers or is gone, at most about the linger.
void await_echo(Os& os, Echo& echo) {
  if (echo.records >= 0 && echo.awaiting && write_records(os, echo.records, Tag::end, "")) {
    (void)os.close(echo.records);
    echo.records = -1;
    char byte = 0;
    for (;;) {
      Result<size_t> n = os.read(echo.done, std::span<char>(&byte, 1));
      if (n || n.error() != Errno::eintr) break;  // the byte, or the matcher is gone
    }
  }
  stop_echo(os, echo);
}

// Whether the server can accept (and so echo) `line`, as far as the client knows.
bool awaitable(const ClientConfig& cfg, std::string_view line) {
  return line.size() <= longest_awaited_line && line.find('\0') == std::string_view::npos &&
         (cfg.max_line == 0 || line.size() <= cfg.max_line);
}

std::string prefix_of(const ClientConfig& cfg) {
  return cfg.user.empty() ? std::string() : cfg.user + ": ";
}

std::string framed(const ClientConfig& cfg, std::string_view text) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return fmt::format("{}{}\n", prefix_of(cfg), text);
}

// Sends one framed line, first reporting it to the matcher if it will come back.
bool send_line(Os& os, const ClientConfig& cfg, Fd sock, Echo& echo, const std::string& line) {
  if (echo.records >= 0 && awaitable(cfg, line)) {
    if (write_records(os, echo.records, Tag::sent, line)) {
      echo.awaiting = true;
    } else {
      stop_echo(os, echo);  // the matcher is gone: no waiting
    }
  }
  return send_all(os, sock, line).ok();
}

// Sends the whole lines of `pending`, keeping an unterminated rest. False when sending fails.
bool send_lines(Os& os, const ClientConfig& cfg, Fd sock, Echo& echo, std::string& pending) {
  size_t start = 0;
  for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view text(pending.data() + start, nl - start);
    if (!send_line(os, cfg, sock, echo, framed(cfg, text))) return false;
  }
  pending.erase(0, start);
  return true;
}

// The sender process: reads `in` to its end, sending lines; then lingers, writes one byte to
// `finished` and shuts down the sending side (the server then ends our cluster and closes).
// Exits 1 if sending fails (the connection is gone: the receiving side sees it too).
[[noreturn]] void run_sender(Os& os, const ClientConfig& cfg, Fd sock, Fd in, Echo echo,
                             Fd finished) {
  std::vector<char> buf(4096);
  std::string pending;
  for (;;) {
    Result<size_t> n = os.read(in, std::span<char>(buf.data(), buf.size()));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n || *n == 0) break;
    pending.append(buf.data(), *n);
    if (!send_lines(os, cfg, sock, echo, pending)) exit_process(os, 1);
  }
  if (!pending.empty() && !send_line(os, cfg, sock, echo, framed(cfg, pending))) {
    exit_process(os, 1);
  }
  // Flushed. Wait for our last line to come back (the server stops sending to us once it sees
  // our end), then let the server see the end.
  await_echo(os, echo);
  (void)write_all(os, finished, "f");
  (void)os.shutdown(sock, ShutHow::wr);
  exit_process(os, 0);
}

// Receives until the server closes: every byte to `out`. Returns 1, or 2 if not a byte came, or
// 1 if `out` fails. With a matcher (`records` >= 0), also reports each whole line that starts
// with `prefix` (and closes `records` if the matcher is gone).
int receive_all(Os& os, Fd sock, Fd out, Fd& records, const std::string& prefix) {
  LineSplitter lines;
  auto report = [&](std::string_view line) {
    return !line.starts_with(prefix) || write_records(os, records, Tag::received, line).ok();
  };
  std::vector<char> buf(4096);
  bool got_any = false;
  for (;;) {
    Result<size_t> n = os.recv(sock, std::span<char>(buf.data(), buf.size()));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n || *n == 0) return got_any ? client_server_closed : client_no_server;
    got_any = true;
    const std::string_view bytes(buf.data(), *n);
    if (!write_all(os, out, bytes)) return client_server_closed;
    if (records >= 0 && !lines.feed(bytes, report)) {
      (void)os.close(records);  // EPIPE (SIGPIPE is ignored meanwhile): nothing more to report
      records = -1;
    }
  }
}

// Ends a child (if still there) and reaps it.
void end_child(Os& os, Pid pid) {
  (void)os.kill(pid, Sig::kill);
  for (;;) {
    Result<WaitStatus> w = os.waitpid(pid, /*nohang=*/false);
    if (w || w.error() != Errno::eintr) return;
  }
}

// Starts the matcher, if there is a linger: its pid (0: none, and no waiting) and the sending
// side's ends of its pipes in `echo`.
Pid start_matcher(Os& os, const ClientConfig& cfg, Fd sock, Fd in, Fd out, Echo& echo) {
  if (cfg.linger <= Duration::zero()) return 0;
  Result<std::pair<Fd, Fd>> records = os.pipe();
  if (!records) return 0;
  Result<std::pair<Fd, Fd>> done = os.pipe();
  if (!done) {
    (void)os.close(records->first);
    (void)os.close(records->second);
    return 0;
  }
  const Fd records_r = records->first, records_w = records->second;
  const Fd done_r = done->first, done_w = done->second;
  const Duration linger = cfg.linger;
  Result<Pid> matcher = os.fork([=](Os& child) {
    // Keeps only its own pipe ends: in particular not `out`, whose reader would otherwise wait
    // for this process too.
    for (Fd fd : {records_w, done_r, sock, in, out}) (void)child.close(fd);
    run_matcher(child, records_r, done_w, linger);
  });
  (void)os.close(records_r);
  (void)os.close(done_w);
  if (!matcher) {
    (void)os.close(records_w);
    (void)os.close(done_r);
    return 0;
  }
  echo.records = records_w;
  echo.done = done_r;
  return *matcher;
}

// Connected and authenticated (as far as anyone can tell): forks the matcher and the sender,
// receives until the server closes, then ends them. Returns the exit code.
int converse(Os& os, const ClientConfig& cfg, Fd sock, Fd in, Fd out) {
  Echo echo;
  const Pid matcher = start_matcher(os, cfg, sock, in, out, echo);
  // `finished`: the sender's one byte once it is through (flushed, lingered, hanging up).
  Result<std::pair<Fd, Fd>> finished = os.pipe();
  Result<Pid> sender = Errno::other;
  if (finished) {
    const Fd finished_r = finished->first, finished_w = finished->second;
    sender = os.fork([cfg, sock, in, echo, finished_r, finished_w](Os& child) {
      (void)child.close(finished_r);
      run_sender(child, cfg, sock, in, echo, finished_w);
    });
    (void)os.close(finished_w);
  }
  if (echo.done >= 0) (void)os.close(echo.done);  // the sender's end, not ours
  int code = client_no_server;
  bool through = false;
  if (!sender) {
    os.log(LogLevel::error, fmt::format("chat: fork: {}", errno_name(sender.error())));
  } else {
    code = receive_all(os, sock, out, echo.records, prefix_of(cfg));
    // The server has closed (or `out` failed). The sender is blocked reading `in`, sending,
    // lingering, or gone: end it, then ask whether it got through. It cannot write any more, so
    // the read below returns at once: its byte, or end of file.
    end_child(os, *sender);
    char byte = 0;
    for (;;) {
      Result<size_t> n = os.read(finished->first, std::span<char>(&byte, 1));
      if (n || n.error() != Errno::eintr) {
        through = n && *n == 1;
        break;
      }
    }
  }
  if (finished) (void)os.close(finished->first);
  if (echo.records >= 0) (void)os.close(echo.records);
  if (matcher != 0) end_child(os, matcher);
  if (through) return client_ok;
  if (sender && code == client_no_server) {
    os.log(LogLevel::error, "chat: the server closed the connection without a byte: wrong key?");
  }
  return code;
}

}  // namespace

int run_line_client(Os& os, const ClientConfig& cfg, Fd in, Fd out) {
  if (cfg.key.size() != key_length) {
    os.log(LogLevel::error,
           fmt::format("chat: the key is {} bytes; expected {}", cfg.key.size(), key_length));
    return client_no_server;
  }
  Result<Fd> sock = os.connect(cfg.host, cfg.port);
  if (!sock) {
    os.log(LogLevel::error, fmt::format("chat: cannot connect to {}:{}: {}", cfg.host, cfg.port,
                                        errno_name(sock.error())));
    return client_no_server;
  }
  if (Status s = send_all(os, *sock, cfg.key); !s) {
    os.log(LogLevel::error, fmt::format("chat: sending the key: {}", errno_name(s.error())));
    (void)os.close(*sock);
    return client_no_server;
  }
  // A matcher that is done closes its pipe: EPIPE then, not death. (Restored below.)
  Result<SigAction> old_pipe = os.sigaction(Sig::pipe, SigAction::ign());
  const int code = converse(os, cfg, *sock, in, out);
  if (old_pipe) (void)os.sigaction(Sig::pipe, *old_pipe);
  (void)os.close(*sock);
  return code;
}

}  // namespace papaya::chat
