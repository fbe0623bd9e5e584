// delivery: each client that stayed received the log from its join point, byte for byte.
#include <fmt/format.h>

#include <algorithm>

#include "properties/checkers.hpp"
#include "properties/lines.hpp"

namespace papaya::properties {

namespace {

// What a client joining when the log was `log[0, k)` must receive by the end.
std::string expected_from(std::string_view log, std::size_t k, std::size_t history_lines) {
  std::string out(last_lines(log.substr(0, k), history_lines));
  out.append(log.substr(k));
  return out;
}

// Whether `received` is what a client joining at `k` must receive by the end (expected_from): all
// of it, or a prefix of it for a client that left early. Compared piece by piece, so no join point
// copies the log (megabytes in the slow-client scenario).
bool explained_from(std::string_view log, std::size_t k, std::size_t history_lines,
                    std::string_view received, bool whole) {
  const std::string_view head = last_lines(log.substr(0, k), history_lines);
  const std::string_view tail = log.substr(k);
  const std::size_t total = head.size() + tail.size();
  if (whole ? received.size() != total : received.size() > total) return false;
  const std::size_t in_head = std::min(received.size(), head.size());
  return received.substr(0, in_head) == head.substr(0, in_head) &&
         received.substr(in_head) == tail.substr(0, received.size() - in_head);
}

// A client joins before its own first line reaches the log: the join point is at or before the
// first whole line of the log equal to the first line the client sent (none: no bound).
std::size_t latest_join(std::string_view log, const ClientRecord& c) {
  if (c.sent_lines.empty()) return log.size();
  const std::string& first = c.sent_lines.front();
  for (std::size_t k : line_boundaries(log))
    if (log.compare(k, first.size(), first) == 0) return k;
  return log.size();
}

std::size_t common_prefix(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

std::string mismatch(const ClientRecord& c, std::string_view log, std::size_t history_lines) {
  // Explain against the join point that explains the most bytes.
  std::string best;
  std::size_t best_len = 0;
  bool first = true;
  for (std::size_t k : line_boundaries(log)) {
    if (k > latest_join(log, c)) break;
    std::string want = expected_from(log, k, history_lines);
    std::size_t n = common_prefix(want, c.received);
    if (first || n > best_len) {
      first = false;
      best_len = n;
      best = std::move(want);
    }
  }
  if (c.received.size() < best.size() && best_len == c.received.size() && c.stayed_to_the_end)
    return fmt::format(
        "client {} received {} bytes but the log had {} more for it from byte {}: \"{}\"", c.name,
        c.received.size(), best.size() - c.received.size(), best_len,
        excerpt(std::string_view(best).substr(best_len)));
  if (best_len == best.size())
    return fmt::format("client {} received {} bytes more than the log holds: \"{}\"", c.name,
                       c.received.size() - best.size(),
                       excerpt(std::string_view(c.received).substr(best_len)));
  return fmt::format("client {} received \"{}\" at byte {} where the log has \"{}\"", c.name,
                     excerpt(std::string_view(c.received).substr(best_len), 24), best_len,
                     excerpt(std::string_view(best).substr(best_len), 24));
}

}  // namespace

Finding check_delivery(const History& h) {
  Finding f{Property::delivery};
  std::string_view log = h.log;
  for (const ClientRecord& c : h.clients) {
    // A client that stayed must have everything; one that left early, a prefix of it.
    bool matched = false;
    const std::size_t latest = latest_join(log, c);
    for (std::size_t k : line_boundaries(log))
      if (k <= latest && explained_from(log, k, h.history_lines, c.received, c.stayed_to_the_end)) {
        matched = true;
        break;
      }
    if (!matched) {
      f.holds = false;
      f.detail = mismatch(c, log, h.history_lines);
      return f;
    }
  }
  return f;
}

}  // namespace papaya::properties
