// The schedule of `papaya load`, as plain arithmetic: a rate per connection, a line size, and
// the instants each connection sends at. Open loop: a send's instant never depends on the
// previous send having happened (a late send is counted, never pushes the schedule).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace papaya::real::load {

// "1Mbps", "500kbps", "2.5Mbps", "64000bps" (bits per second, decimal prefixes k/M/G, as
// tcpkali's --channel-bandwidth-upstream) -> bits per second; nullopt when malformed or not > 0.
std::optional<double> parse_rate_bps(std::string_view text);

struct LoadPlan {
  int connections = 1;
  double rate_bps = 1e6;                // per connection
  std::size_t line_bytes = 1460;        // newline included
  std::chrono::nanoseconds interval{};  // line_bytes * 8 / rate_bps
  // When connection `i` sends its first line, from the schedule's origin: phases staggered
  // evenly over one interval, so N connections do not send in bursts.
  std::chrono::nanoseconds phase(int i) const;
};

// nullopt + `error` set when the combination is unusable (0 connections, a line under 2 bytes,
// an interval under 10 us).
std::optional<LoadPlan> make_plan(int connections, double rate_bps, std::size_t line_bytes,
                                  std::string& error);

// The bytes one line carries: `prefix` (e.g. "u3: "), then filler, then '\n'; exactly
// `line_bytes` long (the prefix is cut if longer than line_bytes - 1).
std::string make_line(std::string_view prefix, std::size_t line_bytes);

}  // namespace papaya::real::load
