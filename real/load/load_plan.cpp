#include "real/load/load_plan.hpp"

#include <cmath>
#include <cstdlib>

namespace papaya::real::load {

std::optional<double> parse_rate_bps(std::string_view text) {
  std::string s(text);
  if (s.size() < 4 || s.substr(s.size() - 3) != "bps") return std::nullopt;
  s.resize(s.size() - 3);
  double scale = 1;
  if (!s.empty() && (s.back() == 'k' || s.back() == 'K')) scale = 1e3;
  if (!s.empty() && s.back() == 'M') scale = 1e6;
  if (!s.empty() && s.back() == 'G') scale = 1e9;
  if (scale != 1) s.pop_back();
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0) return std::nullopt;
  return v * scale;
}

std::chrono::nanoseconds LoadPlan::phase(int i) const {
  return std::chrono::nanoseconds(interval.count() * i / connections);
}

std::optional<LoadPlan> make_plan(int connections, double rate_bps, std::size_t line_bytes,
                                  std::string& error) {
  if (connections < 1) {
    error = "--connections must be at least 1";
    return std::nullopt;
  }
  if (line_bytes < 2) {
    error = "--line-bytes must be at least 2 (one byte and the newline)";
    return std::nullopt;
  }
  LoadPlan p;
  p.connections = connections;
  p.rate_bps = rate_bps;
  p.line_bytes = line_bytes;
  double ns = static_cast<double>(line_bytes) * 8 * 1e9 / rate_bps;
  if (!(ns >= 10'000)) {
    error = "the rate is too high for the line size: one line every " + std::to_string(ns) +
            " ns (the generator keeps at least 10 us between a connection's lines)";
    return std::nullopt;
  }
  p.interval = std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(ns)));
  return p;
}

std::string make_line(std::string_view prefix, std::size_t line_bytes) {
  std::string line(prefix.substr(0, line_bytes - 1));
  for (size_t i = line.size(); i + 1 < line_bytes; ++i) line += static_cast<char>('a' + i % 26);
  line += '\n';
  return line;
}

}  // namespace papaya::real::load
