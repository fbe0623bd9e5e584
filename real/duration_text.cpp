#include "real/duration_text.hpp"

#include <cstdint>

namespace papaya::real {

namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;
};
// Longest names first where one is a suffix of another ("ms" before "s").
constexpr Unit units[] = {{"ns", 1},
                          {"us", 1'000},
                          {"ms", 1'000'000},
                          {"s", 1'000'000'000},
                          {"m", 60'000'000'000},
                          {"h", 3'600'000'000'000}};
constexpr std::int64_t max_ns = 24 * 3'600'000'000'000;

// "12.5" -> 12.5 * scale in nanoseconds, exactly, or nullopt.
std::optional<std::int64_t> scaled(std::string_view number, std::int64_t scale) {
  if (number.empty()) return std::nullopt;
  std::int64_t whole = 0, frac = 0, frac_scale = 1;
  bool seen_dot = false, seen_digit = false;
  for (char c : number) {
    if (c == '.' && !seen_dot) {
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    seen_digit = true;
    if (!seen_dot) {
      whole = whole * 10 + (c - '0');
      if (whole > max_ns) return std::nullopt;
    } else if (frac_scale < 1'000'000'000) {
      frac = frac * 10 + (c - '0');
      frac_scale *= 10;
    }
  }
  if (!seen_digit) return std::nullopt;
  if (whole > max_ns / scale) return std::nullopt;
  // frac * scale can pass 2^63 (0.999999999h); the product is taken in 128 bits.
  auto part = static_cast<std::int64_t>(static_cast<__int128>(frac) * scale / frac_scale);
  std::int64_t ns = whole * scale + part;
  return ns <= max_ns ? std::optional<std::int64_t>(ns) : std::nullopt;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  for (const Unit& u : units) {
    if (text.size() <= u.name.size() || !text.ends_with(u.name)) continue;
    std::string_view number = text.substr(0, text.size() - u.name.size());
    // "5ms" also ends with "s": the number part "5m" is not a number, so try the next unit.
    std::optional<std::int64_t> ns = scaled(number, u.ns);
    if (ns) return Duration(*ns);
  }
  return std::nullopt;
}

std::string format_duration(Duration d) {
  std::int64_t ns = d.count();
  for (auto it = std::rbegin(units); it != std::rend(units); ++it) {
    if (ns != 0 && ns % it->ns == 0) return std::to_string(ns / it->ns) + std::string(it->name);
  }
  return std::to_string(ns) + "ns";
}

}  // namespace papaya::real
