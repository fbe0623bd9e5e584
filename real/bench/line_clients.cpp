#include "real/bench/line_clients.hpp"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace papaya::real::bench {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
          .count());
}

LineClients::LineClients(const load::LoadOptions& o) {
  ep_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep_ < 0) {
    error_ = fmt::format("epoll_create1: {}", std::strerror(errno));
    return;
  }
  const int n = o.plan.connections;
  for (int i = 0; i < n; ++i) {
    const std::string prefix = fmt::format("{}{}: ", o.user, i);
    if (o.plan.line_bytes < prefix.size() + load::fanout_marker_bytes + 1) {
      error_ = fmt::format("--line-bytes {} is too short for the fan-out marker (need {})",
                           o.plan.line_bytes, prefix.size() + load::fanout_marker_bytes + 1);
      return;
    }
    int fd = load::open_connection(o, error_);
    if (fd < 0) {
      error_ += fmt::format(" (after {} of {} connections)", i, n);
      return;
    }
    fds_.push_back(fd);
    lines_.push_back(load::make_line(prefix, o.plan.line_bytes));
    marker_at_.push_back(prefix.size());
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    (void)::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  }
  run_ = static_cast<std::uint32_t>(steady_ns() ^ static_cast<std::uint64_t>(::getpid()));
  tracker_.emplace(n, run_);
}

LineClients::~LineClients() {
  for (int fd : fds_) ::close(fd);
  if (ep_ >= 0) ::close(ep_);
}

bool LineClients::read_ready(Clock::time_point deadline) {
  epoll_event events[64];
  const auto wait_ns = std::max<std::int64_t>(0, (deadline - Clock::now()).count());
  timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000),
              static_cast<long>(wait_ns % 1'000'000'000)};
  const int n = ::epoll_pwait2(ep_, events, 64, &ts, nullptr);
  if (n < 0 && errno != EINTR) {
    error_ = fmt::format("epoll_pwait2: {}", std::strerror(errno));
    return false;
  }
  static char buf[65536];
  for (int k = 0; k < n; ++k) {
    const int i = static_cast<int>(events[k].data.u32);
    for (;;) {
      const ssize_t got = ::recv(fds_[static_cast<std::size_t>(i)], buf, sizeof buf, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      // recv(2): "When a stream socket peer has performed an orderly shutdown, the return value
      // will be 0 (the traditional "end-of-file" return)."
      if (got <= 0) {
        error_ = got == 0 ? fmt::format("the server closed client {}'s connection", i)
                          : fmt::format("recv (client {}): {}", i, std::strerror(errno));
        return false;
      }
      const std::uint64_t at = steady_ns();
      const std::uint64_t before = tracker_->received();
      tracker_->on_bytes(i, std::string_view(buf, static_cast<std::size_t>(got)), at);
      if (tracker_->received() > before) last_other_read_ns_ = at;
    }
  }
  return true;
}

bool LineClients::send_line(int sender, const std::string& line) {
  // 128-ish bytes into an idle socket's send buffer: taken whole or the connection is gone.
  const int fd = fds_[static_cast<std::size_t>(sender)];
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::send(fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = fmt::format("send (client {}): {}", sender,
                           n < 0 ? std::strerror(errno) : "sent nothing");
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool LineClients::join(std::chrono::milliseconds timeout) {
  if (!error_.empty()) return false;
  const auto give_up = Clock::now() + timeout;
  auto next_probe = Clock::now();
  while (!tracker_->everyone_heard()) {
    if (Clock::now() >= give_up) {
      error_ =
          fmt::format("not every client joined within {} ms (no line arrived)", timeout.count());
      return false;
    }
    if (Clock::now() >= next_probe) {
      std::string probe = lines_[0];
      probe.replace(marker_at_[0], load::fanout_marker_bytes,
                    load::fanout_marker(run_, 0, 0, steady_ns()));
      if (!send_line(0, probe)) return false;
      next_probe += std::chrono::milliseconds(20);
    }
    if (!read_ready(std::min(next_probe, give_up))) return false;
  }
  // Probes still on their way: read until 100 ms pass with nothing new.
  std::uint64_t seen = 0;
  do {
    seen = tracker_->lines_seen();
    const auto quiet_until = std::min(give_up, Clock::now() + std::chrono::milliseconds(100));
    while (Clock::now() < quiet_until)
      if (!read_ready(quiet_until)) return false;
  } while (seen != tracker_->lines_seen() && Clock::now() < give_up);
  restart();  // the probes are not lines of the run
  return true;
}

void LineClients::restart() {
  ++run_;
  tracker_.emplace(connections(), run_);
  sent_since_restart_ = 0;
}

std::optional<std::uint64_t> LineClients::one_line(int sender, std::chrono::milliseconds timeout) {
  if (!error_.empty() || sender < 0 || sender >= connections()) return std::nullopt;
  const auto give_up = Clock::now() + timeout;
  std::string& line = lines_[static_cast<std::size_t>(sender)];
  const std::uint64_t sent_ns = steady_ns();
  (void)tracker_->stamp(line, marker_at_[static_cast<std::size_t>(sender)], sender, sent_ns);
  if (!send_line(sender, line)) return std::nullopt;
  ++sent_since_restart_;
  // Every client reads every line once (the sender its own copy): lines_seen() counts them all.
  const std::uint64_t all_copies = sent_since_restart_ * static_cast<std::uint64_t>(connections());
  while (tracker_->received() < tracker_->expected() || tracker_->lines_seen() < all_copies) {
    if (Clock::now() >= give_up) {
      error_ = fmt::format(
          "a line from client {} did not reach every client within {} ms ({} of {} deliveries, "
          "{} of {} copies)",
          sender, timeout.count(), tracker_->received(), tracker_->expected(),
          tracker_->lines_seen(), all_copies);
      return std::nullopt;
    }
    if (!read_ready(give_up)) return std::nullopt;
  }
  return last_other_read_ns_ >= sent_ns ? last_other_read_ns_ - sent_ns : 0;
}

}  // namespace papaya::real::bench
