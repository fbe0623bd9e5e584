// The scenario's lines: pure, shared by the driver and the property checkers.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "chat/scenario.hpp"

namespace papaya::chat {

ServerConfig scenario_server_config() {
  ServerConfig cfg;
  cfg.log_path = "/papaya/chat.log";
  cfg.key = std::string(scenario_key);
  return cfg;
}

std::string scenario_line(int client, int message, size_t length) {
  std::string line = fmt::format("c{}: m{:03} ", client, message);
  const size_t total = std::max(length, line.size() + 1);
  const char pad = static_cast<char>('a' + (client - 1) % 26);
  line.append(total - line.size() - 1, pad);
  line.push_back('\n');
  return line;
}

namespace {
// Parses a positive decimal number at the front of `s` and removes it.
std::optional<int> take_number(std::string_view& s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end == s.data() || v < 0) return std::nullopt;
  s.remove_prefix(static_cast<size_t>(end - s.data()));
  return v;
}

bool take(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}
}  // namespace

std::optional<LineId> parse_scenario_line(std::string_view line, size_t length) {
  std::string_view s = line;
  if (!take(s, "c")) return std::nullopt;
  std::optional<int> client = take_number(s);
  if (!client || *client < 1 || !take(s, ": m")) return std::nullopt;
  std::optional<int> message = take_number(s);
  if (!message) return std::nullopt;
  // Anything torn, padded wrongly or renumbered ("m3" for "m003") differs from the original.
  std::string expected = scenario_line(*client, *message, length);
  if (!line.ends_with('\n')) expected.pop_back();
  if (line != expected) return std::nullopt;
  return LineId{.client = *client, .message = *message};
}

}  // namespace papaya::chat
