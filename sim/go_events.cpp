#include "sim/go_events.hpp"

#include <variant>

namespace papaya::sim {

namespace go = model::go;

namespace {
// The object a goroutine operation names (0: none).
std::uint32_t object_of(const go::GoOp& op) {
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
traces::GoRecord& new_record(traces::Trace& t) {
  if (t.go.capacity() == 0) {
    t.go.reserve(go_records_reserved);
    t.go_events.reserve(2 * go_records_reserved);
  }
  return t.go.emplace_back();
}

// The runtime appended them to t.go_events itself (Runtime::record_events_into, set by make_go):
// the last new_events() of the list are the record's.
void take_events(traces::Trace& t, traces::GoRecord& r, go::Runtime& rt) {
  r.event_count = rt.new_events();
  r.first_event = static_cast<std::uint32_t>(t.go_events.size()) - r.event_count;
  rt.took_new_events();
}
}  // namespace

traces::GoRecord& start_go_record(traces::Trace& t, std::uint64_t at, Pid pid,
                                  const go::Runtime& rt, go::Actor a, std::uint32_t g,
                                  const char* file, std::uint32_t line) {
  traces::GoRecord& r = new_record(t);
  r.at = at;
  r.pid = pid;
  switch (a.kind) {
    case go::Actor::Kind::p: r.by = traces::GoBy::p; break;
    case go::Actor::Kind::syscall_exit: r.by = traces::GoBy::exitsyscall; break;
    case go::Actor::Kind::poller: r.by = traces::GoBy::poller; break;
  }
  r.by_id = a.kind == go::Actor::Kind::p ? a.id : 0;
  if (g == 0) return r;
  const go::G& gg = rt.g(g);
  if (!gg.pending) return r;
  r.g = g;
  r.op = static_cast<std::uint8_t>(gg.pending->index());
  r.obj = object_of(*gg.pending);
  r.file = file;
  r.line = line;
  return r;
}

void finish_go_record(traces::Trace& t, traces::GoRecord& r, go::GoStatus status, go::Runtime& rt) {
  r.status = status;
  take_events(t, r, rt);
}

void record_go_events(traces::Trace& t, std::uint64_t at, Pid pid, traces::GoBy by,
                      go::Runtime& rt) {
  if (rt.new_events() == 0) return;
  traces::GoRecord& r = new_record(t);
  r.at = at;
  r.pid = pid;
  r.by = by;
  take_events(t, r, rt);
}

}  // namespace papaya::sim
