#include "chat/client.hpp"

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "chat/key.hpp"
#include "os/io.hpp"

namespace papaya::chat {

namespace {

enum ClientExit : int { client_ok = 0, client_server_closed = 1, client_no_server = 2 };

// The receiver process: every byte from the server to `out`. Its exit code is the client's.
int receive_all(Os& os, Fd sock, Fd out) {
  std::vector<char> buf(4096);
  bool got_any = false;
  for (;;) {
    Result<size_t> n = os.recv(sock, std::span<char>(buf.data(), buf.size()));
    if (!n && n.error() == Errno::eintr) continue;
    if (!n || *n == 0) return got_any ? client_server_closed : client_no_server;
    got_any = true;
    if (!write_all(os, out, std::string_view(buf.data(), *n))) return client_server_closed;
  }
}

int code_of(const WaitStatus& w) { return w.exited ? w.exit_code : client_server_closed; }

// The receiver's exit code if it has ended.
std::optional<int> receiver_ended(Os& os, Pid receiver) {
  Result<WaitStatus> w = os.waitpid(receiver, /*nohang=*/true);
  if (!w || w->pid == 0) return std::nullopt;
  return code_of(*w);
}

int wait_receiver(Os& os, Pid receiver) {
  for (;;) {
    Result<WaitStatus> w = os.waitpid(receiver, /*nohang=*/false);
    if (w) return code_of(*w);
    if (w.error() != Errno::eintr) return client_server_closed;
  }
}

std::string framed(const ClientConfig& cfg, std::string_view text) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return cfg.user.empty() ? fmt::format("{}\n", text) : fmt::format("{}: {}\n", cfg.user, text);
}

// Sends the whole lines of `pending`, keeping an unterminated rest. False when sending fails.
bool send_lines(Os& os, const ClientConfig& cfg, Fd sock, std::string& pending) {
  size_t start = 0;
  for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view text(pending.data() + start, nl - start);
    if (!send_all(os, sock, framed(cfg, text))) return false;
  }
  pending.erase(0, start);
  return true;
}

// Reads `in` to its end, sending lines. Returns the exit code.
int pump_input(Os& os, const ClientConfig& cfg, Fd sock, Fd in, Pid receiver) {
  std::vector<char> buf(4096);
  std::string pending;
  for (;;) {
    Result<size_t> n = os.read(in, std::span<char>(buf.data(), buf.size()));
    if (std::optional<int> code = receiver_ended(os, receiver)) return *code;
    if (!n && n.error() == Errno::eintr) continue;
    if (!n || *n == 0) break;
    pending.append(buf.data(), *n);
    if (!send_lines(os, cfg, sock, pending)) return wait_receiver(os, receiver);
  }
  if (!pending.empty() && !send_all(os, sock, framed(cfg, pending))) {
    return wait_receiver(os, receiver);
  }
  // Flushed: let the server see the end, and print what it still sends until it closes.
  (void)os.shutdown(sock, ShutHow::wr);
  (void)wait_receiver(os, receiver);
  return client_ok;
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
  (void)os.sigaction(Sig::chld, SigAction::catch_flag(/*restart=*/false));
  const Fd fd = *sock;
  Result<Pid> receiver = os.fork([fd, out](Os& child) { child.exit(receive_all(child, fd, out)); });
  if (!receiver) {
    os.log(LogLevel::error, fmt::format("chat: fork: {}", errno_name(receiver.error())));
    (void)os.close(fd);
    return client_no_server;
  }
  int code = pump_input(os, cfg, fd, in, *receiver);
  (void)os.close(fd);
  if (code == client_no_server)
    os.log(LogLevel::error,
           "chat: the server closed the connection "
           "without a byte: wrong key?");
  return code;
}

}  // namespace papaya::chat
