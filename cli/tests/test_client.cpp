#include "cli/tests/test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace papaya::cli::testing {

size_t count_lines(std::string_view s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

TestClient::TestClient(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    ::close(fd);
    return;
  }
  fd_ = fd;
}

TestClient::~TestClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool TestClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

long TestClient::recv_some(milliseconds left) {
  if (eof_) return 0;
  pollfd p = {fd_, POLLIN, 0};
  int rc = ::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0)));
  if (rc == 0) return -2;
  if (rc < 0) return errno == EINTR ? -2 : -1;
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n > 0) received_.append(buf, static_cast<size_t>(n));
  if (n == 0) eof_ = true;
  return n < 0 ? -1 : static_cast<long>(n);
}

bool TestClient::recv_until(const std::function<bool(const std::string&)>& done,
                            milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!done(received_)) {
    auto left = std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    long n = recv_some(left);
    if (n == 0 || n == -1) return done(received_);
  }
  return true;
}

bool TestClient::recv_lines(size_t n, milliseconds deadline) {
  return recv_until([n](const std::string& s) { return count_lines(s) >= n; }, deadline);
}

bool TestClient::closed_within(milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    auto left = std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    long n = recv_some(left);
    if (n == 0 || n == -1) return true;  // end of stream, or reset (ECONNRESET)
  }
}

void TestClient::finish_sending() { ::shutdown(fd_, SHUT_WR); }

}  // namespace papaya::cli::testing
