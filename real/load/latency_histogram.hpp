// Latencies in a fixed-size log-linear histogram (HdrHistogram's idea, small): exact to the
// microsecond below 1,024 us, then 64 buckets per power of two (at most 1/64 = 1.6% high), up
// to 2^40 us (12 days; anything longer lands in the last bucket). Percentiles come from the
// buckets, so a few million samples cost a few kilobytes.
#pragma once

#include <cstdint>
#include <vector>

namespace papaya::real::load {

class LatencyHistogram {
 public:
  LatencyHistogram();
  void add_us(std::uint64_t us);
  std::uint64_t count() const { return count_; }
  std::uint64_t max_us() const { return max_; }
  // The smallest recorded bucket's upper edge below which at least q (0 < q <= 1) of the
  // samples lie, in microseconds; 0 when empty. Never below the true percentile, at most
  // 1.6% above it.
  std::uint64_t percentile_us(double q) const;

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace papaya::real::load
