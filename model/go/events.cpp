// GoEvent names (events.hpp) and the runtime's recording of state changes (set_g, set_p).
#include "model/go/events.hpp"

#include <array>

#include "model/go/runtime.hpp"

namespace papaya::model::go {

namespace {
constexpr std::array<std::string_view, 19> why_names = {
    "start",   "created",   "schedule", "runnext", "park",        "ready", "netpoll",
    "gosched", "preempted", "yield",    "syscall", "exitsyscall", "exit",  "wakep",
    "inject",  "recheck",   "idle",     "retake",  "poller"};
static_assert(why_names.size() == static_cast<std::size_t>(GoWhy::poller) + 1);
constexpr std::array<std::string_view, 5> g_names = {"runnable", "running", "syscall", "waiting",
                                                     "dead"};
constexpr std::array<std::string_view, 3> p_names = {"idle", "running", "syscall"};
constexpr std::array<std::string_view, 6> status_names = {"done",   "parked", "progress",
                                                          "exited", "ended",  "scheduled"};
}  // namespace

std::string_view go_status_name(GoStatus s) { return status_names.at(static_cast<std::size_t>(s)); }
std::optional<GoStatus> parse_go_status(std::string_view s) {
  for (std::size_t i = 0; i < status_names.size(); ++i)
    if (status_names[i] == s) return static_cast<GoStatus>(i);
  return std::nullopt;
}
std::optional<std::size_t> parse_go_op_name(std::string_view s) {
  for (std::size_t i = 0; i < std::variant_size_v<GoOp>; ++i)
    if (go_op_index_name(i) == s) return i;
  return std::nullopt;
}

std::string_view go_why_name(GoWhy w) { return why_names.at(static_cast<std::size_t>(w)); }

std::optional<GoWhy> parse_go_why(std::string_view s) {
  for (std::size_t i = 0; i < why_names.size(); ++i)
    if (why_names[i] == s) return static_cast<GoWhy>(i);
  return std::nullopt;
}

std::string_view g_state_name(GStatus s) { return g_names.at(static_cast<std::size_t>(s)); }
std::string_view p_state_name(PStatus s) { return p_names.at(static_cast<std::size_t>(s)); }

std::optional<GStatus> parse_g_state(std::string_view s) {
  for (std::size_t i = 0; i < g_names.size(); ++i)
    if (g_names[i] == s) return static_cast<GStatus>(i);
  return std::nullopt;
}
std::optional<PStatus> parse_p_state(std::string_view s) {
  for (std::size_t i = 0; i < p_names.size(); ++i)
    if (p_names[i] == s) return static_cast<PStatus>(i);
  return std::nullopt;
}

std::optional<WaitReason> parse_wait_reason(std::string_view s) {
  for (auto r = static_cast<int>(WaitReason::chan_send); r <= static_cast<int>(WaitReason::io_wait);
       ++r)
    if (wait_reason_name(static_cast<WaitReason>(r)) == s) return static_cast<WaitReason>(r);
  return std::nullopt;
}

// The one place a G changes state: records the change (when asked) with the P it runs on or
// leaves (gp.p at the call: callers set it before moving to running, clear it after leaving).
void Runtime::set_g(G& gp, GStatus to, GoWhy why) {
  if (record_events_ && gp.status != to)
    record(GoEvent{.kind = GoEvent::Kind::g,
                   .from = static_cast<std::uint8_t>(gp.status),
                   .to = static_cast<std::uint8_t>(to),
                   .why = why,
                   .wait = to == GStatus::waiting ? gp.wait : WaitReason::none,
                   .id = gp.id,
                   .p = gp.p});
  gp.status = to;
}

void Runtime::set_p(P& pp, PStatus to, GoWhy why) {
  if (record_events_ && pp.status != to)
    record(GoEvent{.kind = GoEvent::Kind::p,
                   .from = static_cast<std::uint8_t>(pp.status),
                   .to = static_cast<std::uint8_t>(to),
                   .why = why,
                   .id = static_cast<std::uint32_t>(pp.id),
                   .p = pp.id});
  pp.status = to;
}

}  // namespace papaya::model::go
