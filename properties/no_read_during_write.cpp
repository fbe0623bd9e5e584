// no-read-during-write: readers see the log only between whole appends.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

#include "properties/checkers.hpp"
#include "properties/lines.hpp"
#include "properties/torn_by_kill.hpp"

namespace papaya::properties {

namespace {

std::string_view mode_name(LockMode m) { return m == LockMode::ex ? "LOCK_EX" : "LOCK_SH"; }

// Two actors (processes, or goroutines of one) whose own lock calls say they hold conflicting
// locks at once.
std::optional<std::pair<Actor, Actor>> conflict(const std::map<Actor, LockMode>& held) {
  for (const auto& [a, ma] : held)
    for (const auto& [b, mb] : held)
      if (a != b && ma == LockMode::ex) return std::pair{a, b};
  return std::nullopt;
}

}  // namespace

Finding check_no_read_during_write(const History& h) {
  Finding f{Property::no_read_during_write};
  auto fail = [&](Step step, std::string why) {
    f.holds = false;
    f.step = step;
    f.detail = std::move(why);
    return f;
  };
  std::map<Actor, LockMode> held;            // each actor's own view of its lock
  std::map<Actor, const LogEvent*> writing;  // writes in progress, by actor
  const std::vector<TornAppend> torn = appends_torn_by_kill(h);
  for (const LogEvent& e : h.events) {
    switch (e.kind) {
      case LogEvent::Kind::lock_acquired: {
        held[e.actor()] = e.mode;
        if (auto c = conflict(held))
          return fail(e.step, fmt::format("{} holds {} on the log while {} holds {}",
                                          actor_name(c->first), mode_name(held[c->first]),
                                          actor_name(c->second), mode_name(held[c->second])));
        break;
      }
      case LogEvent::Kind::lock_released: held.erase(e.actor()); break;
      case LogEvent::Kind::write_begin: writing[e.actor()] = &e; break;
      case LogEvent::Kind::write_end: writing.erase(e.actor()); break;
      case LogEvent::Kind::truncate: break;
      case LogEvent::Kind::write_cut: writing.erase(e.actor()); break;
      case LogEvent::Kind::read: {
        for (const auto& [w, begin] : writing)
          if (w != e.actor())
            return fail(e.step, fmt::format("{} read bytes [{}, {}) of the log while {} was "
                                            "writing bytes [{}, {}) (since step {})",
                                            actor_name(e.actor()), e.offset, e.offset + e.length,
                                            actor_name(w), begin->offset,
                                            begin->offset + begin->length, begin->step));
        std::uint64_t end = e.offset + e.length;
        // It reached the end of the data (not an offset past it, which shows nothing half done).
        bool reached_end = e.length < e.requested && end == e.log_size;
        // The torn end of an append kill -9 ended (torn_by_kill.hpp) is no write in progress: its
        // writer is gone, and the log heals (chat_log.hpp: the next writer cuts it back; readers
        // send whole lines only). What a client received of it is log-heals' and delivery's
        // business; what the log keeps of it, no-interleaved-writes'. Only a kill before this
        // read counts.
        const bool torn_end = std::any_of(torn.begin(), torn.end(), [&](const TornAppend& t) {
          return t.step <= e.step && t.end == end;
        });
        if (reached_end && !torn_end && end > 0 && end <= h.log.size() && h.log[end - 1] != '\n') {
          return fail(e.step, fmt::format("{} read the log up to byte {}, in the middle of a line",
                                          actor_name(e.actor()), end));
        }
        break;
      }
      case LogEvent::Kind::lock_blocked: break;
    }
  }
  return f;
}

}  // namespace papaya::properties
