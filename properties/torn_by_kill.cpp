// Appends that kill -9 left torn (torn_by_kill.hpp).
#include "properties/torn_by_kill.hpp"

#include <fmt/format.h>

#include <map>

namespace papaya::properties {

std::vector<TornAppend> appends_torn_by_kill(const History& h) {
  std::vector<TornAppend> out;
  std::map<Actor, std::uint64_t> asked;       // bytes each writer's current write asked for
  std::map<Actor, TornAppend> stopped_short;  // appends whose last write fell short
  for (const LogEvent& e : h.events) {
    switch (e.kind) {
      case LogEvent::Kind::write_begin: asked[e.actor()] = e.length; break;
      case LogEvent::Kind::write_end:
        if (e.length < asked[e.actor()]) {
          // write_all goes on where a short write stopped: the append keeps its first offset.
          TornAppend& t =
              stopped_short
                  .try_emplace(e.actor(), TornAppend{e.pid, e.step, e.offset, 0, false, e.g})
                  .first->second;
          t.short_write = true;
          t.end = e.offset + e.length;
        } else {
          stopped_short.erase(e.actor());  // the rest landed: the line is whole
        }
        break;
      case LogEvent::Kind::write_cut:
        out.push_back(TornAppend{e.pid, e.step, e.offset, e.offset + e.length, false, e.g});
        stopped_short.erase(e.actor());
        break;
      case LogEvent::Kind::truncate: stopped_short.erase(e.actor()); break;  // it healed its own
      case LogEvent::Kind::lock_released:
        // Released by its own hand with the tail still torn is the no-heal flaw, not a kill.
        if (auto it = stopped_short.find(e.actor()); it != stopped_short.end() && e.by_exit) {
          it->second.step = e.step;
          out.push_back(it->second);
        }
        stopped_short.erase(e.actor());
        break;
      case LogEvent::Kind::lock_blocked:
      case LogEvent::Kind::lock_acquired:
      case LogEvent::Kind::read: break;
    }
  }
  return out;
}

std::string describe(const TornAppend& t) {
  if (t.short_write)
    return fmt::format(
        " ({}'s append from byte {} fell short after {} bytes (a full disk) and kill -9 "
        "ended it at step {} before it wrote the rest or cut it back: a torn line)",
        actor_name({t.pid, t.g}), t.offset, t.end - t.offset, t.step);
  return fmt::format(
      " ({}'s write of bytes from {} was cut short by kill -9 at step {} after {} "
      "bytes: a torn line)",
      actor_name({t.pid, t.g}), t.offset, t.step, t.end - t.offset);
}

}  // namespace papaya::properties
