// unlimited-readers: a reader waits only for a writer, never for other readers.
//
// A "hold" is the span from an actor's (a process's, or a goroutine's) lock_acquired to its
// lock_released; it is a read hold when the process writes nothing to the log inside it. Roles come
// from behaviour, not from the lock mode asked for: a reader that takes LOCK_EX still serialises
// the other readers. A process that ended inside its hold (kill -9) did not finish what it took the
// lock for: no role.
//
// One wait is excused, and only on a goroutine's sync.RWMutex (never on flock(2), where Linux lets
// a LOCK_SH request pass a waiting LOCK_EX while only readers hold the file: docs/properties.md,
// "Writer starvation under flock"): a reader that waited while only readers held the log *and a
// writer was waiting for it*. That is Go's writer preference, documented (sync/rwmutex.go, go1.19):
// "If a goroutine holds a RWMutex for reading and another goroutine might call Lock, no goroutine
// should expect to be able to acquire a read lock until the initial read lock is released. ...
// This is to ensure that the lock eventually becomes available; a blocked Lock call excludes new
// readers from acquiring the lock." The reader (in RLock: a reader that waits in Lock waits for the
// holders, whoever waits besides) waits for the writer, not for the readers. A
// writer is waiting from its Lock's park to its grant and is a writer by behaviour (its hold
// writes the log, or it never got the lock before the run ended); a goroutine that waits in Lock
// to only read is a reader and excuses nothing.
// Excused waits are counted and described (excused_reader_waits), never dropped silently.
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

// The actors waiting for the log's lock at event index `at`: each lock_blocked event until that
// actor's next lock_acquired, with the hold it then got (nullptr: it never got one).
struct Waiter {
  Actor who;
  std::size_t from = 0;   // event index of its lock_blocked
  std::size_t until = 0;  // event index of its lock_acquired (events.size(): never)
  const Hold* hold = nullptr;
};

std::vector<Waiter> waiters_of(const History& h, const std::vector<Hold>& holds) {
  std::vector<Waiter> out;
  for (std::size_t i = 0; i < h.events.size(); ++i) {
    const LogEvent& e = h.events[i];
    if (e.kind != LogEvent::Kind::lock_blocked || !e.go_rwmutex) continue;
    Waiter w{e.actor(), i, h.events.size(), next_hold(holds, e.actor(), e.step)};
    for (std::size_t j = i + 1; j < h.events.size(); ++j)
      if (h.events[j].kind == LogEvent::Kind::lock_acquired && h.events[j].actor() == e.actor()) {
        w.until = j;
        break;
      }
    out.push_back(w);
  }
  return out;
}

// A writer waiting for the RWMutex at event index `at`, other than `me`: its hold writes the log,
// or it asked for Lock and never got it (the run ended first, a deadlock being no-deadlock's
// business: go-recursive-rlock's writer waits for a reader that waits behind it).
const Waiter* waiting_writer(const History& h, const std::vector<Waiter>& waiters, Actor me,
                             std::size_t at) {
  for (const Waiter& w : waiters) {
    if (w.who == me || w.from >= at || at >= w.until) continue;
    const bool writes = w.hold != nullptr
                            ? !w.hold->read_only
                            : h.events[w.from].mode == LockMode::ex && w.until == h.events.size();
    if (writes) return &w;
  }
  return nullptr;
}

struct ReaderWaits {
  Finding finding{Property::unlimited_readers};
  std::vector<std::string> excused;
};

ReaderWaits judge_reader_waits(const History& h) {
  ReaderWaits out;
  Finding& f = out.finding;
  std::vector<Hold> holds = holds_of(h);
  const std::vector<Waiter> waiters = waiters_of(h, holds);
  for (std::size_t i = 0; i < h.events.size(); ++i) {
    const LogEvent& e = h.events[i];
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
    if (holders.empty() || writer_holds) continue;
    // Writer preference holds back RLock only: a reader waiting in Lock waits for whoever holds.
    const Waiter* writer =
        e.go_rwmutex && e.mode == LockMode::sh ? waiting_writer(h, waiters, e.actor(), i) : nullptr;
    if (writer != nullptr) {
      out.excused.push_back(fmt::format(
          "reader {} waited at step {} while only readers held the log ({}) because writer {} "
          "was waiting for it since step {} (sync.RWMutex: \"a blocked Lock call excludes new "
          "readers\")",
          actor_name(e.actor()), e.step, fmt::join(holders, ", "), actor_name(writer->who),
          h.events[writer->from].step));
      continue;
    }
    f.holds = false;
    f.step = e.step;
    f.detail = fmt::format("reader {} had to wait for the log while only readers held it ({})",
                           actor_name(e.actor()), fmt::join(holders, ", "));
    return out;
  }
  if (!out.excused.empty())
    f.detail = fmt::format("holds; {} reader wait(s) excused by Go's writer preference, first: {}",
                           out.excused.size(), out.excused.front());
  return out;
}

}  // namespace

Finding check_unlimited_readers(const History& h) { return judge_reader_waits(h).finding; }

std::vector<std::string> excused_reader_waits(const History& h) {
  return judge_reader_waits(h).excused;
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
