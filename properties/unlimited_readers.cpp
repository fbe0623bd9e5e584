// unlimited-readers: a reader waits only for a writer, never for other readers.
//
// A "hold" is the span from a process's lock_acquired to its lock_released; it is a read hold
// when the process writes nothing to the log inside it. Roles come from behaviour, not from the
// lock mode asked for: a reader that takes LOCK_EX still serialises the other readers. A process
// that ended inside its hold (kill -9) did not finish what it took the lock for: no role.
#include <fmt/format.h>

#include <map>
#include <set>

#include "properties/checkers.hpp"

namespace papaya::properties {

namespace {

struct Hold {
  ProcessId pid;
  Step from;
  Step to;  // inclusive; the last step of the history when never released
  bool read_only = true;
};

std::vector<Hold> holds_of(const History& h) {
  std::vector<Hold> out;
  std::map<ProcessId, std::size_t> open;
  Step last = h.events.empty() ? 0 : h.events.back().step;
  for (const LogEvent& e : h.events) {
    if (e.kind == LogEvent::Kind::lock_acquired && !open.count(e.pid)) {
      open[e.pid] = out.size();
      out.push_back({e.pid, e.step, last, true});
    } else if (e.kind == LogEvent::Kind::lock_released && open.count(e.pid)) {
      out[open[e.pid]].to = e.step;
      if (e.by_exit) out[open[e.pid]].read_only = false;
      open.erase(e.pid);
    } else if (e.kind == LogEvent::Kind::write_begin && open.count(e.pid)) {
      out[open[e.pid]].read_only = false;
    }
  }
  return out;
}

// The hold that `pid` obtains first after `step`, if any.
const Hold* next_hold(const std::vector<Hold>& holds, ProcessId pid, Step step) {
  for (const Hold& x : holds)
    if (x.pid == pid && x.from >= step) return &x;
  return nullptr;
}

}  // namespace

Finding check_unlimited_readers(const History& h) {
  Finding f{Property::unlimited_readers};
  std::vector<Hold> holds = holds_of(h);
  for (const LogEvent& e : h.events) {
    if (e.kind != LogEvent::Kind::lock_blocked) continue;
    const Hold* mine = next_hold(holds, e.pid, e.step);
    if (mine == nullptr || !mine->read_only) continue;  // a writer may wait for readers
    std::vector<ProcessId> holders;
    bool writer_holds = false;
    for (const Hold& x : holds)
      if (x.pid != e.pid && x.from <= e.step && e.step <= x.to) {
        holders.push_back(x.pid);
        writer_holds |= !x.read_only;
      }
    if (!holders.empty() && !writer_holds) {
      f.holds = false;
      f.step = e.step;
      f.detail =
          fmt::format("reader process {} had to wait for the log while only readers held it ({})",
                      e.pid, fmt::join(holders, ", "));
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
