#include "real/load/load_generator.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>
#include <thread>
#include <vector>

namespace papaya::real::load {

namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  std::string line;     // this connection's line
  std::string pending;  // bytes of earlier lines not yet accepted by the kernel
  bool open = false;
};

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// connect(2) blocking (loopback answers at once), then the socket options and the key.
// tcp(7): "TCP_NODELAY If set, disable the Nagle algorithm. This means that segments are always
// sent as soon as possible, even if there is only a small amount of data."
int open_connection(const LoadOptions& o, std::string& error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = fmt::format("socket: {}", std::strerror(errno));
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(o.port);
  if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1) {
    error = fmt::format("--host: '{}' is not an IPv4 address", o.host);
    ::close(fd);
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error = fmt::format("connect {}:{}: {}", o.host, o.port, std::strerror(errno));
    ::close(fd);
    return -1;
  }
  int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  size_t done = 0;
  while (done < o.key.size()) {
    ssize_t n = ::send(fd, o.key.data() + done, o.key.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = fmt::format("sending the key: {}", std::strerror(errno));
      ::close(fd);
      return -1;
    }
    done += static_cast<size_t>(n);
  }
  (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Hands `c.pending` to the kernel as far as it takes it. False when the connection failed.
bool flush(Conn& c, LoadReport& r) {
  while (!c.pending.empty()) {
    ssize_t n = ::send(c.fd, c.pending.data(), c.pending.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n < 0) {
      if (r.error.empty()) r.error = fmt::format("send: {}", std::strerror(errno));
      return false;
    }
    c.pending.erase(0, static_cast<size_t>(n));
    r.bytes_sent += static_cast<std::uint64_t>(n);
  }
  return true;
}

// Reads until EAGAIN; false at EOF or error.
bool drain(Conn& c, LoadReport& r) {
  static char buf[65536];
  for (;;) {
    ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n > 0) {
      r.bytes_received += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (r.error.empty()) {
      r.error =
          n == 0 ? "the server closed a connection" : fmt::format("recv: {}", std::strerror(errno));
    }
    return false;
  }
}

void close_conn(Conn& c, int ep) {
  if (!c.open) return;
  (void)epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  c.open = false;
}

void watch(int ep, int i, Conn& c, bool want_out) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (want_out ? EPOLLOUT : 0u);
  ev.data.u32 = static_cast<std::uint32_t>(i);
  (void)epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
}

}  // namespace

void LoadReport::compute_percentiles() {
  std::uint64_t total = 0;
  for (std::uint64_t n : late_hist) total += n;
  if (total == 0) return;
  std::uint64_t seen = 0;
  bool have50 = false;
  for (size_t i = 0; i < late_hist.size(); ++i) {
    seen += late_hist[i];
    if (!have50 && seen * 2 >= total) {
      late_p50_ms = static_cast<double>(i) / 10;
      have50 = true;
    }
    if (seen * 100 >= total * 99) {
      late_p99_ms = static_cast<double>(i) / 10;
      return;
    }
  }
}

double LoadReport::rate_bps_per_connection() const {
  if (window_s <= 0 || connections == 0) return 0;
  return static_cast<double>(bytes_sent) * 8 / window_s / connections;
}

std::string LoadReport::summary_line() const {
  return fmt::format(
      "connections={} window_s={:.3f} lines_due={} lines_sent={} bytes_sent={} "
      "rate_bps_per_conn={:.0f} late={} late_p50_ms={:.1f} late_p99_ms={:.1f} max_late_ms={:.3f} "
      "backlogged={} bytes_received={} "
      "cpu_pct={:.2f} error=\"{}\"",
      connections, window_s, lines_due, lines_sent, bytes_sent, rate_bps_per_connection(), late,
      late_p50_ms, late_p99_ms, max_late_ms, backlogged, bytes_received, cpu_pct, error);
}

LoadReport run_load(const LoadOptions& o) {
  LoadReport r;
  r.late_hist.assign(1001, 0);
  const LoadPlan& plan = o.plan;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(static_cast<size_t>(plan.connections));
  auto ramp = o.ramp.count() > 0 ? o.ramp
                                 : std::max(std::chrono::milliseconds(200),
                                            std::chrono::milliseconds(4 * plan.connections));
  const auto ramp_start = Clock::now();
  for (int i = 0; i < plan.connections; ++i) {
    std::this_thread::sleep_until(ramp_start + ramp * i / plan.connections);
    Conn& c = conns[static_cast<size_t>(i)];
    c.fd = open_connection(o, r.error);
    if (c.fd < 0) break;
    c.open = true;
    c.line = make_line(fmt::format("{}{}: ", o.user, i), plan.line_bytes);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    (void)epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  if (!r.error.empty()) {
    for (Conn& c : conns) close_conn(c, ep);
    ::close(ep);
    return r;
  }
  std::this_thread::sleep_until(ramp_start + ramp);
  if (o.ramped_to != nullptr) {
    std::fputs("ramped\n", o.ramped_to);
    std::fflush(o.ramped_to);
  }
  // The measured window: every connection's instants from `origin` on.
  const auto origin = Clock::now();
  const auto end = origin + o.seconds;
  const double cpu0 = cpu_seconds();
  using Due = std::pair<Clock::time_point, int>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  for (int i = 0; i < plan.connections; ++i) due.emplace(origin + plan.phase(i), i);
  std::vector<epoll_event> events(static_cast<size_t>(plan.connections));
  for (;;) {
    auto now = Clock::now();
    if (now >= end || (o.stop != nullptr && *o.stop != 0)) break;
    auto wake = std::min(end, due.top().first);
    auto wait_ns = std::max<std::int64_t>(0, (wake - now).count());
    timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000),
                static_cast<long>(wait_ns % 1'000'000'000)};
    int n = epoll_pwait2(ep, events.data(), static_cast<int>(events.size()), &ts, nullptr);
    for (int k = 0; k < n; ++k) {
      Conn& c = conns[events[static_cast<size_t>(k)].data.u32];
      if (!c.open) continue;
      bool ok = true;
      if (events[static_cast<size_t>(k)].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        ok = drain(c, r);
      if (ok && (events[static_cast<size_t>(k)].events & EPOLLOUT)) {
        ok = flush(c, r);
        if (ok && c.pending.empty())
          watch(ep, static_cast<int>(events[static_cast<size_t>(k)].data.u32), c, false);
      }
      if (!ok) close_conn(c, ep);
    }
    now = Clock::now();
    // At most one round of sends per pass: a generator that has fallen behind still looks at
    // its sockets, the clock and the stop flag (else it would only ever catch up, never stop).
    for (int sent = 0; sent < plan.connections && due.top().first <= now && due.top().first < end;
         ++sent) {
      auto [instant, i] = due.top();
      due.pop();
      due.emplace(instant + plan.interval, i);
      Conn& c = conns[static_cast<size_t>(i)];
      ++r.lines_due;
      if (!c.open) continue;
      double late_ms = std::chrono::duration<double, std::milli>(now - instant).count();
      r.max_late_ms = std::max(r.max_late_ms, late_ms);
      ++r.late_hist[std::min<size_t>(r.late_hist.size() - 1, static_cast<size_t>(late_ms * 10))];
      if (now - instant > o.late_after) ++r.late;
      if (!c.pending.empty()) ++r.backlogged;
      c.pending += c.line;
      if (!flush(c, r)) {
        close_conn(c, ep);
        continue;
      }
      if (!c.pending.empty()) watch(ep, i, c, true);
    }
  }
  const auto stop = Clock::now();
  r.lines_sent = r.bytes_sent / plan.line_bytes;
  r.compute_percentiles();
  r.window_s = std::chrono::duration<double>(stop - origin).count();
  r.cpu_pct = r.window_s > 0 ? 100 * (cpu_seconds() - cpu0) / r.window_s : 0;
  for (Conn& c : conns) {
    if (c.open) ++r.connections;
    close_conn(c, ep);
  }
  ::close(ep);
  return r;
}

}  // namespace papaya::real::load
