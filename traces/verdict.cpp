#include "traces/verdict.hpp"

#include <array>

namespace papaya {

namespace {
constexpr std::array<std::string_view, 14> names = {"ok",
                                                    "deadlock",
                                                    "step_bound_exceeded",
                                                    "uncaught_exception",
                                                    "replay_divergence",
                                                    "go_fatal",
                                                    "interleaved_write",
                                                    "read_during_write",
                                                    "reader_blocked_by_reader",
                                                    "lost_delivery",
                                                    "duplicate_delivery",
                                                    "half_served",
                                                    "torn_log",
                                                    "delivery_delayed"};
}  // namespace

std::string_view verdict_name(Verdict v) {
  auto i = static_cast<std::size_t>(v);
  return i < names.size() ? names[i] : "?";
}

std::optional<Verdict> parse_verdict(std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Verdict>(i);
  return std::nullopt;
}

}  // namespace papaya
