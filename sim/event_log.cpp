#include "sim/event_log.hpp"

#include <algorithm>
#include <array>

#include "model/check.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

void EventLog::clear() { rewind(0); }

std::size_t EventLog::rewind(std::size_t keep) {
  // A Go actor's slot is given in the order actors first step in an execution: kept only in
  // executions without one (the clocks then have max_pids slots, from the first event on).
  if (!go_actors_.empty() || stride_ != max_pids) keep = 0;
  keep = std::min(keep, n_);
  width_ = 1;
  stride_ = max_pids;
  go_actors_.clear();
  go_by_id_.clear();
  n_ = 0;  // the events' storage (their access vectors) is reused by the next execution
  kept_ = keep;
  clocks_.resize(keep * stride_);  // the kept events' clocks stay where they are
  used_ = 0;
  if (++gen_ == 0) {  // wrapped: no slot may look current
    for (Slot& s : slots_) s.gen = 0;
    gen_ = 1;
  }
  std::fill(last_of_.begin(), last_of_.end(), -1);
  std::fill(creator_.begin(), creator_.end(), -1);
  last_global_ = -1;
  if (time_moved_) std::fill(time_frontier_.begin(), time_frontier_.end(), 0);
  time_moved_ = false;
  return keep;
}

void EventLog::time_moved() {
  // An actor's clocks only grow along its events, so the last event of each actor covers it.
  for (std::int64_t l : last_of_) {
    if (l < 0) continue;
    const std::uint16_t* c = clock(static_cast<std::size_t>(l));
    for (std::size_t q = 0; q < width_; ++q) time_frontier_[q] = std::max(time_frontier_[q], c[q]);
  }
  time_moved_ = n_ > 0;
}

// Room for `more` new objects without passing the load of 1/2 (double and re-insert): the states
// obj() hands out stay where they are until the next call.
void EventLog::reserve_objs(std::size_t more) {
  if (2 * (used_ + more) <= slots_.size()) return;
  std::size_t size = slots_.size() * 2;
  while (2 * (used_ + more) > size) size *= 2;
  std::vector<Slot> old(size);
  old.swap(slots_);
  used_ = 0;
  for (Slot& s : old)
    if (s.gen == gen_) {
      Slot& n = slots_[probe(s.key)];
      n = std::move(s);
      ++used_;
    }
}

// REQUIRES: room for one more object (reserve_objs).
EventLog::ObjState& EventLog::obj(Obj o, std::uint32_t id) {
  const std::uint64_t key = (static_cast<std::uint64_t>(o) << 32 | id) + 1;  // 0: never a key
  Slot& s = slots_[probe(key)];
  if (s.gen != gen_ || s.key != key) {
    s.key = key;
    s.gen = gen_;
    s.state.last_write = -1;
    s.state.readers.clear();
    s.state.slot_writes.clear();
    s.state.sig_writes.clear();
    s.state.sig_readers.clear();
    ++used_;
  }
  return s.state;
}

// The slot of `key` in this execution, or the free one where it goes (linear probing).
std::size_t EventLog::probe(std::uint64_t key) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ull) >> 32) & mask;
  while (slots_[i].gen == gen_ && slots_[i].key != key) i = (i + 1) & mask;
  return i;
}

std::size_t EventLog::pid_slot(Pid pid) {
  PAPAYA_ASSERT(pid > 0, "explore: an event of no process");
  const auto i = static_cast<std::size_t>(pid);
  if (i < slot_of_pid_.size() && slot_of_pid_[i] != 0) return slot_of_pid_[i];
  PAPAYA_ASSERT(pid_of_slot_.size() < max_pids,
                "explore: more processes in one exploration than the event log has slots");
  if (slot_of_pid_.size() <= i) slot_of_pid_.resize(i + 1, 0);
  const auto q = static_cast<std::uint16_t>(pid_of_slot_.size());
  slot_of_pid_[i] = q;
  pid_of_slot_.push_back(pid);
  slots_by_pid_.insert(std::upper_bound(slots_by_pid_.begin(), slots_by_pid_.end(), q,
                                        [&](std::uint16_t a, std::uint16_t b) {
                                          return pid_of_slot_[a] < pid_of_slot_[b];
                                        }),
                       q);
  return q;
}

std::size_t EventLog::slot_of(Pid actor) {
  if (!is_go_actor(actor)) {
    const auto i = static_cast<std::size_t>(actor);
    if (i < slot_of_pid_.size() && slot_of_pid_[i] != 0) return slot_of_pid_[i];  // met before
    return pid_slot(actor);
  }
  for (std::size_t i = 0; i < go_actors_.size(); ++i)
    if (go_actors_[i] == actor) return max_pids + i;
  PAPAYA_ASSERT(max_pids + go_actors_.size() < max_actors,
                "explore: too many Go actors for the event log");
  if (stride_ < max_actors) widen();
  go_actors_.push_back(actor);
  const auto k = static_cast<std::uint16_t>(go_actors_.size() - 1);
  go_by_id_.insert(std::upper_bound(go_by_id_.begin(), go_by_id_.end(), k,
                                    [&](std::uint16_t a, std::uint16_t b) {
                                      return go_actors_[a] < go_actors_[b];
                                    }),
                   k);
  return max_pids + k;
}

// The first Go actor of an execution: every clock so far gets the wider layout (once per
// execution, and only in runs with a Go program).
void EventLog::widen() {
  std::vector<std::uint16_t> wide(n_ * max_actors, 0);
  for (std::size_t i = 0; i < n_; ++i)
    std::copy(clocks_.begin() + static_cast<std::ptrdiff_t>(i * stride_),
              clocks_.begin() + static_cast<std::ptrdiff_t>(i * stride_ + stride_),
              wide.begin() + static_cast<std::ptrdiff_t>(i * max_actors));
  clocks_.swap(wide);
  stride_ = max_actors;
}

void EventLog::join(std::size_t into, std::size_t from) {
  std::uint16_t* a = clock(into);
  const std::uint16_t* b = clock(from);
  for (std::size_t q = 0; q < width_; ++q) a[q] = std::max(a[q], b[q]);
}

bool EventLog::same_event(const Event& e, const Event& k) {
  return e.effect.pid == k.effect.pid && e.effect.global == k.effect.global && e.node == k.node &&
         e.data == k.data && e.forked == k.forked && e.op == k.op && e.joins == k.joins &&
         e.eof == k.eof && e.fills == k.fills && e.fed == k.fed && e.step == k.step &&
         e.effect.access == k.effect.access;
}

// Records event j's accesses in their objects' states (states_, looked up by the caller). Inlined
// into both callers: a call per event cost dfs 1 % of its instructions.
[[gnu::always_inline]] inline void EventLog::record(const Event& e, std::size_t j) {
  for (std::size_t k = 0; k < e.effect.access.size(); ++k) {
    const Access& a = e.effect.access[k];
    ObjState& o = *states_[k].first;
    if (a.obj == Obj::signal) {
      // Takes the signals of `a` from the entries `of` (a later write of them, or a later read
      // by the same process, stands for them), dropping the entries left with none.
      const auto take = [&](std::vector<std::pair<std::size_t, std::uint16_t>>& from, auto of) {
        std::erase_if(from, [&](auto& x) {
          if (of(x.first)) x.second = static_cast<std::uint16_t>(x.second & ~a.sigs);
          return x.second == 0;
        });
      };
      if (a.write) {
        take(o.sig_writes, [](std::size_t) { return true; });
        take(o.sig_readers, [](std::size_t) { return true; });
        o.sig_writes.emplace_back(j, a.sigs);
      } else {
        take(o.sig_readers,
             [&](std::size_t x) { return x == j || events_[x].effect.pid == e.effect.pid; });
        o.sig_readers.emplace_back(j, a.sigs);
      }
      continue;
    }
    if (states_[k].second != nullptr) {  // a slot's write: also its family's (slot, last write)
      ObjState& f = *states_[k].second;
      const std::uint32_t slot = a.id & family_slot_mask;
      auto w = std::find_if(f.slot_writes.begin(), f.slot_writes.end(),
                            [&](const auto& x) { return x.first == slot; });
      if (w != f.slot_writes.end())
        w->second = j;
      else
        f.slot_writes.emplace_back(slot, j);
    }
    if (a.write) {
      o.last_write = static_cast<std::int64_t>(j);
      o.readers.clear();
    } else {
      // (x == j: an effect that reads one object twice; event j is not in events_ yet.)
      auto r = std::find_if(o.readers.begin(), o.readers.end(), [&](std::size_t x) {
        return x == j || events_[x].effect.pid == e.effect.pid;
      });
      if (r != o.readers.end())
        *r = j;
      else
        o.readers.push_back(j);
    }
  }
}

// A replayed event (rewind): its clock, nth and races are the kept event's; only its accesses,
// the actor's last event, the fork edge and the last global event are recorded again (what the
// later events' candidates come from).
std::size_t EventLog::add_kept() {
  const std::size_t j = n_;
  const Event& e = events_[j];
  const std::size_t pid = e.actor_slot;
  width_ = std::max(width_, pid + 1);
  reserve_objs(2 * e.effect.access.size());
  states_.clear();
  for (const Access& a : e.effect.access) {
    ObjState& o = obj(a.obj, a.id);
    states_.push_back({&o, is_family(a.obj) && a.write ? &obj(a.obj, family_id(a.id)) : nullptr});
  }
  record(e, j);
  if (e.effect.global) last_global_ = static_cast<std::int64_t>(j);
  last_of_[pid] = static_cast<std::int64_t>(j);
  if (e.forked > 0) creator_[pid_slot(e.forked)] = static_cast<std::int64_t>(j);
  ++n_;
  return j;
}

std::size_t EventLog::add(const Event& e, std::vector<std::pair<std::size_t, std::size_t>>* races) {
  if (n_ < kept_) {
    if (same_event(e, events_[n_])) return add_kept();
    // Not the last execution's step after all: this event and the later ones are found anew,
    // and the kept races of each dropped.
    kept_ = n_;
    clocks_.resize(n_ * stride_);
    if (races) std::erase_if(*races, [&](const auto& r) { return r.second >= n_; });
  }
  const std::size_t pid = slot_of(e.effect.pid);
  // Every clock is 0 at slots this execution has not seen: joins and names stop at the widest.
  width_ = std::max(width_, pid + 1);
  const std::size_t j = n_;
  clocks_.resize(clocks_.size() + stride_, 0);
  // Program order, or the fork edge for a process's first step.
  const std::int64_t prev =
      last_of_[pid] >= 0 ? last_of_[pid] : (pid < max_pids ? creator_[pid] : -1);
  if (prev >= 0) join(j, static_cast<std::size_t>(prev));
  if (time_moved_) {
    std::uint16_t* c = clock(j);
    for (std::size_t q = 0; q < width_; ++q) c[q] = std::max(c[q], time_frontier_[q]);
  }
  // The candidates for a direct dependency: per object, the last writer and the readers since.
  // A family read (is_family, slot 0): every slot's last writer; a slot's write: also the
  // family's readers (some may be ordered before it already, through that slot's last writer:
  // they are candidates too many, which the walk below finds ordered). Each access's state (and
  // a slot write's family's) is looked up once, kept for the recording below: room for them all
  // first, so that no lookup moves the table.
  cands_.clear();
  // (The program-order or fork predecessor, whose clock j has already, is no candidate: the walk
  // below would find it ordered. It is often the last writer of the process's own objects.)
  const auto cand = [&](std::size_t i) {
    if (static_cast<std::int64_t>(i) != prev) cands_.push_back(i);
  };
  reserve_objs(2 * e.effect.access.size());
  states_.clear();
  for (const Access& a : e.effect.access) {
    ObjState& o = obj(a.obj, a.id);
    const bool family = is_family(a.obj);
    const bool family_read = family && (a.id & family_slot_mask) == 0;
    PAPAYA_ASSERT(!(family_read && a.write), "explore: a write of a whole family");
    ObjState* f = family && a.write ? &obj(a.obj, family_id(a.id)) : nullptr;
    states_.push_back({&o, f});
    if (a.obj == Obj::signal) {  // its signals' last writes; a write: also their readers
      for (const auto& w : o.sig_writes)
        if (w.second & a.sigs) cand(w.first);
      if (a.write)
        for (const auto& r : o.sig_readers)
          if (r.second & a.sigs) cand(r.first);
      continue;
    }
    if (o.last_write >= 0) cand(static_cast<std::size_t>(o.last_write));
    if (a.write)
      for (std::size_t r : o.readers) cand(r);
    if (family_read)
      for (const auto& w : o.slot_writes) cand(w.second);
    if (f != nullptr)
      for (std::size_t r : f->readers) cand(r);
  }
  if (last_global_ >= 0) cands_.push_back(static_cast<std::size_t>(last_global_));
  if (e.effect.global)
    for (std::int64_t l : last_of_)
      if (l >= 0) cands_.push_back(static_cast<std::size_t>(l));
  std::sort(cands_.begin(), cands_.end());
  cands_.erase(std::unique(cands_.begin(), cands_.end()), cands_.end());
  // Walking down: a candidate not yet in the clock is not ordered before j by a later one: a race.
  for (auto it = cands_.rbegin(); it != cands_.rend(); ++it) {
    const std::size_t i = *it;
    const Event& c = events_[i];
    if (c.effect.pid == e.effect.pid) continue;
    // Ordered before j already (by a later candidate, or the program-order or fork edge): no
    // race, and its clock is in j's (clocks only grow by joins), so whether it is dependent
    // changes nothing.
    if (clock(j)[c.actor_slot] >= c.nth) continue;
    if (!dependent(c.effect, e.effect)) continue;
    // waitpid(c) without WNOHANG, unable to block visibly or be interrupted, completes only after
    // c's exit: an enabling edge (a join), not a race that another order could reverse.
    const bool joined = (e.joins != 0 && c.effect.pid == e.joins && c.op == model::OpKind::exit) ||
                        (e.eof && may_end_a_channel(c.op)) || (e.fed != 0 && e.fed == c.fills);
    if (!joined && races && prev != static_cast<std::int64_t>(i)) races->push_back({i, j});
    join(j, i);
  }
  const auto nth = static_cast<std::uint32_t>(clock(j)[pid] + 1);
  clock(j)[pid] = static_cast<std::uint16_t>(nth);
  record(e, j);
  if (e.effect.global) last_global_ = static_cast<std::int64_t>(j);
  last_of_[pid] = static_cast<std::int64_t>(j);
  if (e.forked > 0) creator_[pid_slot(e.forked)] = static_cast<std::int64_t>(j);
  if (n_ == events_.size()) events_.emplace_back();
  Event& slot = events_[n_++];
  slot.effect.pid = e.effect.pid;
  slot.effect.global = e.effect.global;
  slot.effect.access.assign(e.effect.access.begin(), e.effect.access.end());
  slot.nth = nth;
  slot.node = e.node;
  slot.data = e.data;
  slot.forked = e.forked;
  slot.op = e.op;
  slot.joins = e.joins;
  slot.eof = e.eof;
  slot.fills = e.fills;
  slot.fed = e.fed;
  slot.actor_slot = static_cast<std::uint16_t>(pid);
  slot.step = e.step;
  slot.name = 0;
  return j;
}

std::uint64_t EventLog::event_hash(std::size_t i) const {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 1099511628211ull;
  };
  const Event& e = events_[i];
  mix(static_cast<std::uint64_t>(e.effect.pid));
  mix(e.nth);
  mix(e.data);
  mix_clock(clock(i), mix);
  return h;
}

std::uint64_t EventLog::trace_hash() const {
  // The events in (actor, nth) order without sorting them: each actor's events are in log order
  // already (its nth grows along them), so they are chained per actor slot, and only the actors
  // are sorted (by id, as the events were): n + a log a instead of n log n.
  constexpr auto none = static_cast<std::uint32_t>(-1);
  std::array<std::uint32_t, max_actors> first, last;
  first.fill(none);
  last.fill(none);
  std::vector<std::uint32_t> next(n_, none);
  for (std::size_t i = 0; i < n_; ++i) {
    const std::size_t q = events_[i].actor_slot;
    if (first[q] == none)
      first[q] = static_cast<std::uint32_t>(i);
    else
      next[last[q]] = static_cast<std::uint32_t>(i);
    last[q] = static_cast<std::uint32_t>(i);
  }
  std::vector<std::uint32_t> actors;  // their first events, in the order of the actors' ids
  for (std::size_t q = 0; q < width_; ++q)
    if (first[q] != none) actors.push_back(first[q]);
  std::sort(actors.begin(), actors.end(), [&](std::uint32_t a, std::uint32_t b) {
    return events_[a].effect.pid < events_[b].effect.pid;
  });
  // mix_clock's order of the clock entries, once: (slot, its actor's id shifted as mixed).
  std::vector<std::pair<std::uint16_t, std::uint64_t>> entries;
  for (std::uint16_t q : slots_by_pid_)
    if (q < width_) entries.emplace_back(q, id_of_slot(q) << 16);
  for (std::uint16_t k : go_by_id_)
    if (const std::size_t q = max_pids + k; q < width_)
      entries.emplace_back(static_cast<std::uint16_t>(q), id_of_slot(q) << 16);
  const auto mix = [](std::uint64_t& h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 1099511628211ull;
  };
  // Each event's name (event_hash) mixed into the trace's: the events' chains of multiplies are
  // independent, which the processor overlaps, where one chain through every entry of every
  // event waited on each multiply (4 % of an exploring step's time).
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint32_t a : actors)
    for (std::uint32_t i = a; i != none; i = next[i]) {
      const Event& e = events_[i];
      if (e.name == 0) {
        std::uint64_t eh = 1469598103934665603ull;
        mix(eh, static_cast<std::uint64_t>(e.effect.pid));
        mix(eh, e.nth);
        mix(eh, e.data);
        const std::uint16_t* c = clock(i);
        for (const auto& [q, id] : entries)
          if (c[q]) mix(eh, id | c[q]);
        e.name = eh;  // (a kept event's clock is its own from now on: so is its name)
      }
      mix(h, e.name);
    }
  return h;
}

}  // namespace papaya::sim
