// The scenario's lines and plans: pure, shared by the driver and the property checkers.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "chat/scenario/scenario.hpp"

namespace papaya::chat {

ServerConfig scenario_server_config() {
  ServerConfig cfg;
  cfg.log_path = "/papaya/chat.log";
  cfg.key = std::string(scenario_key);
  return cfg;
}

namespace {
// "c{}: m{:03} ", written by hand: the clients parse every line they receive, and fmt::format
// here was a tenth of a simulated chat run (docs/performance.md). Negative numbers (never a
// scenario's) keep fmt's rendering.
std::string line_prefix(int client, int message) {
  if (client < 0 || message < 0) return fmt::format("c{}: m{:03} ", client, message);
  char c[16];
  char m[16];
  const char* c_end = std::to_chars(c, c + sizeof c, client).ptr;
  const char* m_end = std::to_chars(m, m + sizeof m, message).ptr;
  std::string out = "c";
  out.append(c, static_cast<size_t>(c_end - c));
  out += ": m";
  if (message < 100) out += '0';
  if (message < 10) out += '0';
  out.append(m, static_cast<size_t>(m_end - m));
  out += ' ';
  return out;
}
char pad_letter(int client) { return static_cast<char>('a' + (client - 1) % 26); }

// The join line is as long as the uniform lines, but always one the server accepts.
size_t join_line_length(const Scenario& s) { return std::min(s.line_length, s.server.max_line); }
}  // namespace

std::string scenario_line(int client, int message, size_t length) {
  std::string line = line_prefix(client, message);
  const size_t total = std::max(length, line.size() + 1);
  line.append(total - line.size() - 1, pad_letter(client));
  line.push_back('\n');
  return line;
}

size_t scenario_line_min_length(int client, int message) {
  return line_prefix(client, message).size() + 1;
}

namespace {
// Parses a non-negative decimal number at the front of `s` and removes it.
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

std::optional<LineId> parse_scenario_line(std::string_view line) {
  std::string_view s = line;
  if (!take(s, "c")) return std::nullopt;
  std::optional<int> client = take_number(s);
  if (!client || *client < 1 || !take(s, ": m")) return std::nullopt;
  std::optional<int> message = take_number(s);
  if (!message) return std::nullopt;
  // Anything renumbered ("m3" for "m003", "c02") differs from the prefix the line was made with.
  const std::string prefix = line_prefix(*client, *message);
  if (!line.starts_with(prefix)) return std::nullopt;
  std::string_view pad = line.substr(prefix.size());
  if (pad.ends_with('\n')) pad.remove_suffix(1);
  // Torn or mixed lines show another client's letter, a prefix, a NUL or a second '\n'.
  const char letter = pad_letter(*client);
  if (!std::all_of(pad.begin(), pad.end(), [&](char ch) { return ch == letter; }))
    return std::nullopt;
  return LineId{.client = *client, .message = *message};
}

std::optional<LineId> parse_scenario_line(std::string_view line, size_t length) {
  const size_t with_newline = line.ends_with('\n') ? line.size() : line.size() + 1;
  std::optional<LineId> id = parse_scenario_line(line);
  if (!id || with_newline != std::max(length, scenario_line_min_length(id->client, id->message)))
    return std::nullopt;
  return id;
}

std::vector<ClientPlan> effective_plans(const Scenario& s) {
  if (!s.plans.empty()) return s.plans;
  ClientPlan uniform;
  uniform.line_lengths.assign(static_cast<size_t>(std::max(s.messages, 0)), s.line_length);
  return std::vector<ClientPlan>(static_cast<size_t>(std::max(s.clients, 0)), uniform);
}

namespace {
// Client c's plan, or nullopt when there is no client c. Avoids copying every plan.
std::optional<ClientPlan> plan_of(const Scenario& s, int c) {
  if (c < 1) return std::nullopt;
  const size_t i = static_cast<size_t>(c - 1);
  if (!s.plans.empty()) {
    if (i >= s.plans.size()) return std::nullopt;
    return s.plans[i];
  }
  if (c > s.clients) return std::nullopt;
  ClientPlan uniform;
  uniform.line_lengths.assign(static_cast<size_t>(std::max(s.messages, 0)), s.line_length);
  return uniform;
}
}  // namespace

std::vector<std::string> sent_lines(const Scenario& s, int c) {
  std::optional<ClientPlan> p = plan_of(s, c);
  if (!p) return {};
  std::vector<std::string> out;
  out.reserve(p->line_lengths.size() + 1);
  out.push_back(scenario_line(c, 0, join_line_length(s)));
  for (size_t m = 0; m < p->line_lengths.size(); ++m)
    out.push_back(scenario_line(c, static_cast<int>(m + 1), p->line_lengths[m]));
  return out;
}

std::string vanish_half_line(const Scenario& s, int c) {
  std::optional<ClientPlan> p = plan_of(s, c);
  if (!p || !p->vanish_mid_line) return {};
  // As long as its last line (a line the server would accept), cut in half: never a '\n'.
  const size_t length =
      std::min(p->line_lengths.empty() ? s.line_length : p->line_lengths.back(), s.server.max_line);
  std::string line = scenario_line(c, static_cast<int>(p->line_lengths.size() + 1), length);
  line.resize(line.size() / 2);
  return line;
}

std::string transcript_path(const Scenario& s, int c) {
  if (s.transcript_dir.empty()) return {};
  return fmt::format("{}/c{}", s.transcript_dir, c);
}

Duration schedule_horizon(const Scenario& s) {
  if (s.plans.empty()) return Duration::zero();
  Duration longest_delay{0};
  Duration longest_gaps{0};
  for (const ClientPlan& p : s.plans) {
    longest_delay = std::max(longest_delay, p.join_delay);
    longest_gaps = std::max(longest_gaps, p.gap * static_cast<std::int64_t>(p.line_lengths.size()));
  }
  return longest_delay + longest_gaps;
}

}  // namespace papaya::chat
