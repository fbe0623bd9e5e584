// slow-client: a client that stops reading must not delay anyone else's delivery beyond a bound
// of virtual time. The stuck client stays connected; once its socket buffer is full, whoever sends
// to it blocks. In the process design that is its own Child SEND; in the goroutine design its own
// sender goroutine. A design in which anything else waits for that sender (the go-blocking-fanout
// flaw: the writer's unbuffered send to each client's channel) stalls every other client.
//
// For every other client R whose transcript is a run of the log (from offset `start`, where its
// history began), every append that ends past `start` must reach R within the bound of the later
// of its append and R's connection; a line R never got counts as late if R was still connected
// past the deadline.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "properties/checkers.hpp"

namespace papaya::properties {

namespace {

// Where R's transcript begins in the log (a line start), or nullopt when it is not a run of the
// log (delivery's business) or R received nothing.
std::optional<std::uint64_t> start_in_log(const std::string& log, const std::string& received) {
  if (received.empty()) return std::nullopt;
  for (std::size_t at = log.find(received); at != std::string::npos;
       at = log.find(received, at + 1))
    if (at == 0 || log[at - 1] == '\n') return at;
  return std::nullopt;
}

// When R had received `bytes` bytes; nullopt when it never did.
std::optional<std::int64_t> received_at(const ClientRecord& r, std::uint64_t bytes) {
  for (const Receipt& x : r.receipts)
    if (x.bytes >= bytes) return x.time_ns;
  return std::nullopt;
}

std::string ms(std::int64_t ns) { return fmt::format("{:.0f} ms", static_cast<double>(ns) / 1e6); }

struct Append {
  std::uint64_t end = 0;  // the log offset just past it
  std::int64_t time_ns = 0;
  Step step = 0;
};

std::vector<Append> appends_of(const History& h) {
  std::vector<Append> out;
  std::map<Actor, const LogEvent*> begun;
  for (const LogEvent& e : h.events) {
    if (e.kind == LogEvent::Kind::write_begin) begun[e.actor()] = &e;
    if (e.kind != LogEvent::Kind::write_end) continue;
    auto b = begun.find(e.actor());
    if (b == begun.end()) continue;
    out.push_back({b->second->offset + b->second->length, e.time_ns, e.step});
    begun.erase(b);
  }
  return out;
}

}  // namespace

Finding check_slow_client(const History& h) {
  Finding f{Property::slow_client};
  const auto stuck = std::find_if(h.clients.begin(), h.clients.end(),
                                  [](const ClientRecord& c) { return c.stopped_reading; });
  if (stuck == h.clients.end()) return f;
  const std::vector<Append> appends = appends_of(h);
  for (const ClientRecord& r : h.clients) {
    if (r.stopped_reading || r.receipts.empty()) continue;
    const std::optional<std::uint64_t> start = start_in_log(h.log, r.received);
    if (!start) continue;
    for (const Append& a : appends) {
      if (a.end <= *start || a.end > h.log.size()) continue;
      const std::int64_t deadline = std::max(a.time_ns, r.connected_ns) + h.delivery_bound_ns;
      const std::optional<std::int64_t> got = received_at(r, a.end - *start);
      if (got && *got <= deadline) continue;
      if (!got && (r.ended_ns < 0 || r.ended_ns <= deadline)) continue;  // it left in time
      f.holds = false;
      f.step = a.step;
      f.detail = got ? fmt::format(
                           "client {} received the line ending at byte {} of the log {} after "
                           "it was appended (bound {}) while client {} had stopped reading",
                           r.name, a.end, ms(*got - std::max(a.time_ns, r.connected_ns)),
                           ms(h.delivery_bound_ns), stuck->name)
                     : fmt::format(
                           "client {} never received the line ending at byte {} of the log, "
                           "though it stayed connected {} after it was appended (bound {}), "
                           "while client {} had stopped reading",
                           r.name, a.end, ms(r.ended_ns - std::max(a.time_ns, r.connected_ns)),
                           ms(h.delivery_bound_ns), stuck->name);
      return f;
    }
  }
  return f;
}

}  // namespace papaya::properties
