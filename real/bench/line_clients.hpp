// The clients of `papaya bench line`: N authenticated connections to a chat server on one epoll
// set, driven one line at a time (closed loop): a line leaves one client, and the next leaves
// only once every client, the sender included, has read it back, so no two lines are ever in
// the server at once. Lines carry `papaya load`'s fan-out markers (real/load/fanout.hpp) and
// arrivals are matched to sends by its FanoutTracker, as in the chat workload of `papaya bench
// cpu`. Every wait has a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "real/load/fanout.hpp"
#include "real/load/load_generator.hpp"

namespace papaya::real::bench {

class LineClients {
 public:
  // Opens and authenticates o.plan.connections connections with `papaya load`'s
  // open_connection (host, port, key), each sending o.plan.line_bytes-byte lines as
  // "<user><i>: <marker> aaaa...\n". On failure error() says why.
  explicit LineClients(const load::LoadOptions& o);
  ~LineClients();
  LineClients(const LineClients&) = delete;
  LineClients& operator=(const LineClients&) = delete;

  const std::string& error() const { return error_; }

  // Client 0 sends join probes (as `papaya load --fanout`) every 20 ms until every client has
  // read one (it has joined and is owed every later line), then reads until nothing has arrived
  // for 100 ms (probes still on their way), and restarts the counts. False, error() set, after
  // `timeout`.
  bool join(std::chrono::milliseconds timeout);

  // Counts afresh from here (a new run tag, so copies of earlier lines are not counted). Call
  // it only between lines, when nothing is in flight.
  void restart();

  // Sends one line from client `sender`, then reads until every other client has it and the
  // sender has its own copy back. Returns the nanoseconds from the send to the read that
  // brought the last other client its copy; nullopt, error() set, after `timeout` or when a
  // connection failed.
  std::optional<std::uint64_t> one_line(int sender, std::chrono::milliseconds timeout);

  // Counts since the last restart(): lines sent, deliveries to other clients, duplicates,
  // reordered, and the per-delivery latency histogram.
  const load::FanoutTracker& tracker() const { return *tracker_; }
  int connections() const { return static_cast<int>(fds_.size()); }

 private:
  // One epoll_wait until `deadline` at the latest; reads everything ready into the tracker.
  // False when a connection failed (error() says which).
  bool read_ready(std::chrono::steady_clock::time_point deadline);
  bool send_line(int sender, const std::string& line);

  std::vector<int> fds_;
  std::vector<std::string> lines_;      // per client: its line, marker rewritten in place
  std::vector<std::size_t> marker_at_;  // per client: where the marker goes in its line
  int ep_ = -1;
  std::optional<load::FanoutTracker> tracker_;
  std::uint32_t run_ = 0;
  std::uint64_t sent_since_restart_ = 0;
  std::uint64_t last_other_read_ns_ = 0;  // when the tracker's received() last grew
  std::string error_;
};

// Steady-clock nanoseconds (the clock the markers carry).
std::uint64_t steady_ns();

}  // namespace papaya::real::bench
