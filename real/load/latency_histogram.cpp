#include "real/load/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace papaya::real::load {

namespace {

constexpr std::uint64_t linear = 1024;  // exact below this
constexpr int sub_bits = 6;             // 64 buckets per power of two above it
constexpr int top_power = 40;

// Bucket index of `us`, and the largest value that bucket holds.
std::size_t index_of(std::uint64_t us) {
  if (us < linear) return static_cast<std::size_t>(us);
  const int power = std::min(top_power, static_cast<int>(std::bit_width(us)) - 1);  // >= 10
  const std::uint64_t sub = power == top_power
                                ? (1u << sub_bits) - 1
                                : (us >> (power - sub_bits)) & ((1u << sub_bits) - 1);
  return static_cast<std::size_t>(linear +
                                  static_cast<std::uint64_t>(power - 10) * (1u << sub_bits) + sub);
}

std::uint64_t upper_edge(std::size_t i) {
  if (i < linear) return i;
  const std::uint64_t k = i - linear;
  const int power = 10 + static_cast<int>(k >> sub_bits);
  const std::uint64_t sub = k & ((1u << sub_bits) - 1);
  return (std::uint64_t{1} << power) + ((sub + 1) << (power - sub_bits)) - 1;
}

}  // namespace

LatencyHistogram::LatencyHistogram()
    : buckets_(linear + static_cast<std::size_t>(top_power - 10 + 1) * (1u << sub_bits), 0) {}

void LatencyHistogram::add_us(std::uint64_t us) {
  ++buckets_[index_of(us)];
  ++count_;
  max_ = std::max(max_, us);
}

std::uint64_t LatencyHistogram::percentile_us(double q) const {
  if (count_ == 0) return 0;
  const auto want = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(1, want)) return std::min(upper_edge(i), max_);
  }
  return max_;
}

}  // namespace papaya::real::load
