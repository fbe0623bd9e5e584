#include "sim/go_events.hpp"

#include <variant>

namespace papaya::sim {

namespace go = model::go;

std::uint32_t go_op_object(const go::GoOp& op) {
  return std::visit(
      [](const auto& o) -> std::uint32_t {
        using T = std::decay_t<decltype(o)>;
        if constexpr (requires { o.m; })
          return o.m;
        else if constexpr (requires { o.rw; })
          return o.rw;
        else if constexpr (requires { o.cond; })
          return o.cond;
        else if constexpr (requires { o.ch; })
          return o.ch;
        else if constexpr (requires { o.fd; })
          return o.fd;
        else if constexpr (std::is_same_v<T, go::gop::Select>)
          return o.cases.empty() ? 0 : o.cases.front().ch;
        else
          return 0;
      },
      op);
}

// Room for a short run's runtime records at the first (a goroutine chat run 3x5 has about 1,000
// Go steps), so they do not grow by reallocation, copy after copy, at every run.
constexpr std::size_t go_records_reserved = 1024;
void reserve_go_records(traces::Trace& t) {
  t.go.reserve(go_records_reserved);
  t.go_events.reserve(2 * go_records_reserved);
}

void record_go_events(traces::Trace& t, std::uint64_t at, Pid pid, traces::GoBy by,
                      go::Runtime& rt) {
  if (rt.new_events() == 0) return;
  if (t.go.capacity() == 0) reserve_go_records(t);
  traces::GoRecord& r = t.go.emplace_back();
  r.at = at;
  r.pid = pid;
  r.by = by;
  r.event_count = rt.new_events();
  r.first_event = static_cast<std::uint32_t>(t.go_events.size()) - r.event_count;
  rt.took_new_events();
}

}  // namespace papaya::sim
