// unlimited-readers: a reader waits only for a writer, never for other readers.
//
// A "hold" is the span from an actor's (a process's, or a goroutine's) lock_acquired to its
// lock_released; it is a read hold when the process writes nothing to the log inside it. Roles come
// from behaviour, not from the lock mode asked for: a reader that takes LOCK_EX still serialises
// the other readers. A process that ended inside its hold (kill -9) did not finish what it took the
// lock for: no role.
#include <fmt/format.h>

#include <map>
#include <set>

#include "properties/checkers.hpp"

namespace papaya::properties {

namespace {

struct Hold {
  Actor who;
  Step from;
  Step to;  // inclusive; the last step of the history when never released
  bool read_only = true;
};

std::vector<Hold> holds_of(const History& h) {
  std::vector<Hold> out;
  std::map<Actor, std::size_t> open;
  Step last = h.events.empty() ? 0 : h.events.back().step;
  for (const LogEvent& e : h.events) {
    const Actor a = e.actor();
    if (e.kind == LogEvent::Kind::lock_acquired && !open.count(a)) {
      open[a] = out.size();
      out.push_back({a, e.step, last, true});
    } else if (e.kind == LogEvent::Kind::lock_released && open.count(a)) {
      out[open[a]].to = e.step;
      if (e.by_exit) out[open[a]].read_only = false;
      open.erase(a);
    } else if (e.kind == LogEvent::Kind::write_begin && open.count(a)) {
      out[open[a]].read_only = false;
    }
  }
  return out;
}

// The hold that `who` obtains first after `step`, if any.
const Hold* next_hold(const std::vector<Hold>& holds, Actor who, Step step) {
  for (const Hold& x : holds)
    if (x.who == who && x.from >= step) return &x;
  return nullptr;
}

}  // namespace

Finding check_unlimited_readers(const History& h) {
  Finding f{Property::unlimited_readers};
  std::vector<Hold> holds = holds_of(h);
  for (const LogEvent& e : h.events) {
    if (e.kind != LogEvent::Kind::lock_blocked) continue;
    const Hold* mine = next_hold(holds, e.actor(), e.step);
    if (mine == nullptr || !mine->read_only) continue;  // a writer may wait for readers
    std::vector<std::string> holders;
    bool writer_holds = false;
    for (const Hold& x : holds)
      if (x.who != e.actor() && x.from <= e.step && e.step <= x.to) {
        holders.push_back(x.who.g == 0 ? std::to_string(x.who.pid) : actor_name(x.who));
        writer_holds |= !x.read_only;
      }
    if (!holders.empty() && !writer_holds) {
      f.holds = false;
      f.step = e.step;
      f.detail = fmt::format("reader {} had to wait for the log while only readers held it ({})",
                             actor_name(e.actor()), fmt::join(holders, ", "));
      return f;
    }
  }
  return f;
}

int max_simultaneous_readers(const History& h) {
  std::vector<Hold> holds = holds_of(h);
  int best = 0;
  for (const Hold& a : holds) {
    if (!a.read_only) continue;
    int n = 0;
    for (const Hold& b : holds)
      if (b.read_only && b.from <= a.from && a.from <= b.to) ++n;
    best = std::max(best, n);
  }
  return best;
}

}  // namespace papaya::properties
