#include "real/load/load_generator.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <queue>
#include <thread>
#include <vector>

#include "real/load/fanout.hpp"

namespace papaya::real::load {

namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  std::string line;           // this connection's line
  std::size_t marker_at = 0;  // where the fan-out marker goes in `line`
  std::string pending;        // bytes of earlier lines not yet accepted by the kernel
  bool open = false;
};

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
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

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
          .count());
}

// proc(5), /proc/pid/schedstat: "1. time spent on the cpu (in nanoseconds) 2. time spent waiting
// on a runqueue (in nanoseconds)". The generator is one thread, so its thread's line is its own.
std::uint64_t runq_wait_ns() {
  std::FILE* f = std::fopen("/proc/thread-self/schedstat", "re");
  if (f == nullptr) return 0;
  unsigned long long run = 0, wait = 0;
  int got = std::fscanf(f, "%llu %llu", &run, &wait);
  std::fclose(f);
  return got == 2 ? wait : 0;
}

// Reads until EAGAIN; false at EOF or error. Fan-out: the bytes go to the tracker too.
bool drain(Conn& c, int i, LoadReport& r, FanoutTracker* fan) {
  static char buf[65536];
  for (;;) {
    ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n > 0) {
      r.bytes_received += static_cast<std::uint64_t>(n);
      if (fan != nullptr) fan->on_bytes(i, std::string_view(buf, static_cast<size_t>(n)), now_ns());
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
      "cpu_pct={:.2f} runq_wait_pct={:.1f} wakeups={}{} error=\"{}\"",
      connections, window_s, lines_due, lines_sent, bytes_sent, rate_bps_per_connection(), late,
      late_p50_ms, late_p99_ms, max_late_ms, backlogged, bytes_received, cpu_pct, runq_wait_pct,
      wakeups,
      fanout ? fmt::format(" fanout_expected={} fanout_received={} fanout_missing={} "
                           "fanout_duplicates={} fanout_reordered={} fanout_p50_ms={:.3f} "
                           "fanout_p90_ms={:.3f} fanout_p99_ms={:.3f} fanout_max_ms={:.3f}",
                           fan.expected, fan.received, fan.missing(), fan.duplicates, fan.reordered,
                           fan.p50_ms, fan.p90_ms, fan.p99_ms, fan.max_ms)
             : std::string(),
      error);
}

namespace {

// One epoll loop shared by the join, window and drain phases.
class Loop {
 public:
  Loop(const LoadOptions& o, LoadReport& r, std::vector<Conn>& conns, int ep, FanoutTracker* fan)
      : o_(o),
        r_(r),
        conns_(conns),
        ep_(ep),
        fan_(fan),
        events_(std::max<size_t>(1, conns.size())) {}

  // Waits until `wake` at the latest and handles what is ready.
  void wait_and_handle(Clock::time_point wake) {
    auto wait_ns = std::max<std::int64_t>(0, (wake - Clock::now()).count());
    timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000),
                static_cast<long>(wait_ns % 1'000'000'000)};
    int n = epoll_pwait2(ep_, events_.data(), static_cast<int>(events_.size()), &ts, nullptr);
    if (n > 0) ++r_.wakeups;
    for (int k = 0; k < n; ++k) {
      const epoll_event& ev = events_[static_cast<size_t>(k)];
      const int i = static_cast<int>(ev.data.u32);
      Conn& c = conns_[static_cast<size_t>(i)];
      if (!c.open) continue;
      bool ok = true;
      if (ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) ok = drain(c, i, r_, fan_);
      if (ok && (ev.events & EPOLLOUT)) {
        ok = flush(c, r_);
        if (ok && c.pending.empty()) watch(ep_, i, c, false);
      }
      if (!ok) close_conn(c, ep_);
    }
  }

  // Queues `line` on connection i and hands the kernel what it takes.
  void send(int i, const std::string& line) {
    Conn& c = conns_[static_cast<size_t>(i)];
    if (!c.open) return;
    if (!c.pending.empty()) ++r_.backlogged;
    c.pending += line;
    if (!flush(c, r_)) {
      close_conn(c, ep_);
      return;
    }
    if (!c.pending.empty()) watch(ep_, i, c, true);
  }

  bool stopped() const { return o_.stop != nullptr && *o_.stop != 0; }

 private:
  const LoadOptions& o_;
  LoadReport& r_;
  std::vector<Conn>& conns_;
  int ep_;
  FanoutTracker* fan_;
  std::vector<epoll_event> events_;
};

// Fan-out only: connection 0 sends a join probe (sequence 0) every 20 ms until every connection
// has received a line of this run; the server sends a joining client the last lines of the log
// (or everything after it joined), so a connection that heard one has joined, and every line
// sent from then on is owed to all of them.
bool wait_for_joins(const LoadOptions& o, Loop& loop, FanoutTracker& fan, Conn& first,
                    LoadReport& r) {
  const auto give_up = Clock::now() + o.join_timeout;
  auto next_probe = Clock::now();
  while (!fan.everyone_heard()) {
    if (Clock::now() >= give_up || loop.stopped()) {
      r.error = fmt::format("not every connection joined within {} ms (no line arrived)",
                            o.join_timeout.count());
      return false;
    }
    if (Clock::now() >= next_probe) {
      std::string probe = first.line;
      probe.replace(first.marker_at, fanout_marker_bytes, fanout_marker(fan.run(), 0, 0, now_ns()));
      loop.send(0, probe);
      next_probe += std::chrono::milliseconds(20);
    }
    loop.wait_and_handle(std::min(next_probe, give_up));
  }
  return true;
}

// getrlimit(2): "RLIMIT_NOFILE This specifies a value one greater than the maximum file
// descriptor number that can be opened by this process." and "The soft limit is the value that
// the kernel enforces ... an unprivileged process may set only its soft limit to a value in the
// range from 0 up to the hard limit". One descriptor per connection, plus a few.
bool raise_fd_limit(rlim_t wanted, std::string& error) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= wanted) return true;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < wanted) {
    error = fmt::format(
        "{} connections need {} file descriptors; the hard limit is {} (ulimit -Hn; "
        "/proc/sys/fs/nr_open)",
        wanted - 64, wanted, lim.rlim_max);
    return false;
  }
  lim.rlim_cur = wanted;
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    error = fmt::format("setrlimit(RLIMIT_NOFILE, {}): {}", wanted, std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace

LoadReport run_load(const LoadOptions& o) {
  LoadReport r;
  if (!raise_fd_limit(static_cast<rlim_t>(o.plan.connections) + 64, r.error)) return r;
  r.fanout = o.fanout;
  r.late_hist.assign(1001, 0);
  const LoadPlan& plan = o.plan;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(static_cast<size_t>(plan.connections));
  std::optional<FanoutTracker> fan;
  if (o.fanout) fan.emplace(plan.connections, static_cast<std::uint32_t>(now_ns() ^ ::getpid()));
  auto ramp = o.ramp.count() > 0 ? o.ramp
                                 : std::max(std::chrono::milliseconds(200),
                                            std::chrono::milliseconds(4 * plan.connections));
  const auto ramp_start = Clock::now();
  for (int i = 0; i < plan.connections; ++i) {
    std::this_thread::sleep_until(ramp_start + ramp * i / plan.connections);
    Conn& c = conns[static_cast<size_t>(i)];
    const std::string prefix = fmt::format("{}{}: ", o.user, i);
    if (o.fanout && plan.line_bytes < prefix.size() + fanout_marker_bytes + 1) {
      r.error = fmt::format("--line-bytes {} is too short for the fan-out marker (need {})",
                            plan.line_bytes, prefix.size() + fanout_marker_bytes + 1);
      break;
    }
    if (o.stop != nullptr && *o.stop != 0) {
      r.error =
          fmt::format("stopped during the ramp, {} of {} connections open", i, plan.connections);
      break;
    }
    c.fd = open_connection(o, r.error);
    if (c.fd < 0) {
      r.error += fmt::format(" (after {} of {} connections)", i, plan.connections);
      break;
    }
    c.open = true;
    c.line = make_line(prefix, plan.line_bytes);
    c.marker_at = prefix.size();
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    (void)epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  Loop loop(o, r, conns, ep, fan ? &*fan : nullptr);
  if (r.error.empty()) std::this_thread::sleep_until(ramp_start + ramp);
  if (r.error.empty() && fan) (void)wait_for_joins(o, loop, *fan, conns[0], r);
  if (!r.error.empty()) {
    for (Conn& c : conns) {
      if (c.open) ++r.connections;
      close_conn(c, ep);
    }
    ::close(ep);
    return r;
  }
  if (o.ramped_to != nullptr) {
    std::fputs("ramped\n", o.ramped_to);
    std::fflush(o.ramped_to);
  }
  // The measured window: every connection's instants from `origin` on. Fan-out counts only the
  // lines stamped from here on (the probes carry sequence 0).
  const auto origin = Clock::now();
  const auto end = origin + o.seconds;
  const double cpu0 = cpu_seconds();
  const std::uint64_t wait0 = runq_wait_ns();
  const std::uint64_t bytes0 = r.bytes_sent;
  r.wakeups = 0;
  r.backlogged = 0;
  using Due = std::pair<Clock::time_point, int>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  for (int i = 0; i < plan.connections; ++i) due.emplace(origin + plan.phase(i), i);
  for (;;) {
    auto now = Clock::now();
    if (now >= end || loop.stopped()) break;
    if (o.idle) {  // only read (the server may send history), wake now and then for the flag
      loop.wait_and_handle(std::min(end, now + std::chrono::milliseconds(100)));
      continue;
    }
    loop.wait_and_handle(std::min(end, due.top().first));
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
      if (fan) fan->stamp(c.line, c.marker_at, i, now_ns());
      loop.send(i, c.line);
    }
  }
  const auto stop = Clock::now();
  r.window_s = std::chrono::duration<double>(stop - origin).count();
  r.cpu_pct = r.window_s > 0 ? 100 * (cpu_seconds() - cpu0) / r.window_s : 0;
  r.runq_wait_pct =
      r.window_s > 0 ? 100 * static_cast<double>(runq_wait_ns() - wait0) / 1e9 / r.window_s : 0;
  if (fan) {
    // Lines still queued here or in the server: keep sending what is queued and reading.
    const auto drain_end = Clock::now() + o.drain;
    while (Clock::now() < drain_end && fan->received() < fan->expected())
      loop.wait_and_handle(std::min(drain_end, Clock::now() + std::chrono::milliseconds(50)));
    r.fan.expected = fan->expected();
    r.fan.received = fan->received();
    r.fan.duplicates = fan->duplicates();
    r.fan.reordered = fan->reordered();
    const LatencyHistogram& h = fan->latency();
    r.fan.p50_ms = static_cast<double>(h.percentile_us(0.50)) / 1000;
    r.fan.p90_ms = static_cast<double>(h.percentile_us(0.90)) / 1000;
    r.fan.p99_ms = static_cast<double>(h.percentile_us(0.99)) / 1000;
    r.fan.max_ms = static_cast<double>(h.max_us()) / 1000;
  }
  r.bytes_sent -= bytes0;
  r.lines_sent = r.bytes_sent / plan.line_bytes;
  r.compute_percentiles();
  for (Conn& c : conns) {
    if (c.open) ++r.connections;
    close_conn(c, ep);
  }
  ::close(ep);
  return r;
}

}  // namespace papaya::real::load
