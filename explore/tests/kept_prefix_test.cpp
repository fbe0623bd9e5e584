// EventLog::rewind: a new execution keeps the first events of the last one (both DPORs replay
// them), re-recording only their accesses. What the log then says of the new execution -- its
// races, the order of every pair, the trace's name and each event's -- must be what a fresh log
// says of it, however the kept events are appended (add_kept, or add of an equal event), and
// when an event differs from the kept one (the kept prefix ends there).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "sim/event_log.hpp"
#include "sim/independence.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {
namespace {

using KeptTestRaces = std::vector<std::pair<std::size_t, std::size_t>>;

// A random step of one of four processes (4 is forked by 1 at the start) on a few shared objects:
// plain objects read or written, signal sets, a family (slot writes, family reads), now and then
// a global step.
Event kept_test_event(std::mt19937& rng, std::size_t index) {
  Event e;
  if (index == 0) {  // 1 forks 4: a fork edge to keep
    e.effect.pid = 1;
    e.forked = 4;
    e.effect.access = {Access(Obj::process, true, 1), Access(Obj::pidtable, true, 0)};
    return e;
  }
  e.effect.pid = static_cast<Pid>(1 + rng() % 4);
  e.data = rng() % 3;
  e.effect.global = rng() % 23 == 0;
  e.effect.access.push_back(Access(Obj::process, true, static_cast<std::uint32_t>(e.effect.pid)));
  const int n = static_cast<int>(rng() % 3);
  for (int k = 0; k < n; ++k) {
    switch (rng() % 4) {
      case 0: e.effect.access.push_back(Access(Obj::pipe, rng() % 2 == 0, rng() % 2)); break;
      case 1:
        e.effect.access.push_back(Access(Obj::signal, rng() % 2 == 0, 1 + rng() % 2,
                                         static_cast<std::uint16_t>(1 + rng() % 7)));
        break;
      case 2: {  // a holder's drop (a slot's write), or a read of every holder
        const bool drop = rng() % 2 == 0;
        const auto slot = drop ? static_cast<std::uint32_t>(1 + rng() % 3) : 0u;
        e.effect.access.push_back(Access(Obj::pipe_end, drop, (7u << family_slot_bits) | slot));
        break;
      }
      default: e.effect.access.push_back(Access(Obj::bytes, rng() % 3 == 0, 0));
    }
  }
  return e;
}

std::vector<Event> kept_test_run(std::mt19937& rng, std::size_t n) {
  std::vector<Event> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(kept_test_event(rng, i));
  return v;
}

// Adds `events` (from index `from`) to `log`, time moving before index `time_at` (if reached).
void kept_test_add(EventLog& log, const std::vector<Event>& events, std::size_t from,
                   std::size_t time_at, KeptTestRaces& races) {
  for (std::size_t i = from; i < events.size(); ++i) {
    if (i == time_at) log.time_moved();
    log.add(events[i], &races);
  }
}

// What a log says of its execution: races, every pair's order, the trace's and events' names.
struct KeptTestView {
  KeptTestRaces races;
  std::vector<bool> before;
  std::uint64_t trace = 0;
  std::vector<std::uint64_t> names;
  bool operator==(const KeptTestView&) const = default;
};

KeptTestView kept_test_view(const EventLog& log, const KeptTestRaces& races) {
  KeptTestView v{races, {}, log.trace_hash(), {}};
  for (std::size_t j = 0; j < log.size(); ++j) {
    v.names.push_back(log.event_hash(j));
    for (std::size_t i = 0; i < j; ++i) v.before.push_back(log.before(i, j));
  }
  return v;
}

KeptTestView kept_test_fresh(const std::vector<Event>& events, std::size_t time_at) {
  EventLog log;
  KeptTestRaces r;
  kept_test_add(log, events, 0, time_at, r);
  return kept_test_view(log, r);
}

// The last execution ran `last`; the new one runs `next`, whose first `keep` events are last's.
// Kept events appended by add_kept (`by_add_kept`) or by add of the same event. The races of the
// kept events are the last execution's (StepRecorder::rewind keeps them).
KeptTestView kept_test_rewound(const std::vector<Event>& last, const std::vector<Event>& next,
                               std::size_t keep, std::size_t time_at, bool by_add_kept) {
  EventLog log;
  log.rewind(0);  // as the DPORs start each execution
  KeptTestRaces r;
  kept_test_add(log, last, 0, time_at, r);
  log.trace_hash();  // as the explorer names each execution (each event's name computed)
  const std::size_t kept = log.rewind(keep);
  EXPECT_EQ(kept, keep);
  std::erase_if(r, [&](const auto& x) { return x.second >= kept; });
  for (std::size_t i = 0; i < kept; ++i) {
    if (i == time_at) log.time_moved();
    if (by_add_kept) {
      EXPECT_EQ(log.next_kept_step(), last[i].step);
      log.add_kept();
    } else {
      log.add(next[i], &r);
    }
  }
  kept_test_add(log, next, kept, time_at, r);
  return kept_test_view(log, r);
}

TEST(EventLogKeptPrefix, ARewoundLogSaysWhatAFreshOneSaysOfTheNewExecution) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::vector<Event> last = kept_test_run(rng, 16);
    for (std::size_t i = 0; i < last.size(); ++i) last[i].step = static_cast<std::uint32_t>(i + 1);
    const std::size_t keep = rng() % (last.size() + 1);
    const std::size_t time_at = rng() % 24;  // often never
    // The new execution: the kept prefix, then other steps.
    std::vector<Event> next(last.begin(), last.begin() + static_cast<std::ptrdiff_t>(keep));
    for (std::size_t i = keep; i < 16 + rng() % 4; ++i) next.push_back(kept_test_event(rng, i));
    const KeptTestView fresh = kept_test_fresh(next, time_at);
    EXPECT_EQ(kept_test_rewound(last, next, keep, time_at, true), fresh) << round;
    EXPECT_EQ(kept_test_rewound(last, next, keep, time_at, false), fresh) << round;
  }
}

// An event that is not the kept one ends the kept prefix: it and every later event are found
// anew, and the kept races of those are dropped.
TEST(EventLogKeptPrefix, AnEventThatDiffersFromTheKeptOneEndsThePrefix) {
  std::mt19937 rng(12);
  for (int round = 0; round < 300; ++round) {
    const std::vector<Event> last = kept_test_run(rng, 16);
    const std::size_t keep = 2 + rng() % 14;
    const std::size_t differs = 1 + rng() % (keep - 1);
    std::vector<Event> next(last.begin(), last.begin() + static_cast<std::ptrdiff_t>(differs));
    Event other = last[differs];
    other.data += 7;  // another decision: another event
    next.push_back(other);
    for (std::size_t i = differs + 1; i < 18; ++i) next.push_back(kept_test_event(rng, i));
    const std::size_t time_at = rng() % 24;  // often never
    EXPECT_EQ(kept_test_rewound(last, next, keep, time_at, false), kept_test_fresh(next, time_at))
        << round;
  }
}

// As the DPORs run it: execution after execution, each keeping a prefix of the last (so a kept
// event may have been found executions ago), each named, each compared with a fresh log.
TEST(EventLogKeptPrefix, ExecutionAfterExecutionEachRewoundLogSaysWhatAFreshOneSays) {
  std::mt19937 rng(13);
  EventLog log;
  log.rewind(0);
  std::vector<Event> last;
  KeptTestRaces kept_races;
  std::size_t last_time_at = 99;
  for (int round = 0; round < 400; ++round) {
    const std::size_t keep = last.empty() ? 0 : rng() % (last.size() + 1);
    std::vector<Event> next(last.begin(), last.begin() + static_cast<std::ptrdiff_t>(keep));
    const std::size_t n = 10 + rng() % 10;
    for (std::size_t i = keep; i < n; ++i) {
      next.push_back(kept_test_event(rng, i));
      next.back().step = static_cast<std::uint32_t>(1000 * round + i + 1);
    }
    // Time moves at the same place as last time when that is in the kept prefix (the same
    // steps), else anywhere.
    const std::size_t time_at = last_time_at < keep ? last_time_at : keep + rng() % 24;
    const std::size_t kept = log.rewind(keep);
    EXPECT_EQ(kept, keep) << round;
    // The last execution's races, of the events kept (as StepRecorder::rewind keeps them).
    KeptTestRaces r = kept_races;
    std::erase_if(r, [&](const auto& x) { return x.second >= kept; });
    for (std::size_t i = 0; i < next.size(); ++i) {
      if (i == time_at) log.time_moved();
      if (i < kept && rng() % 2 == 0) {
        EXPECT_EQ(log.next_kept_step(), next[i].step);
        log.add_kept();
      } else {
        log.add(next[i], &r);
      }
    }
    EXPECT_EQ(kept_test_view(log, r), kept_test_fresh(next, time_at)) << round;
    kept_races = r;
    last = next;
    last_time_at = time_at;
  }
}

// Without recording the kept events' accesses again (the object table as the last execution left
// it, or empty) the new events' candidates are wrong: the comparison above would catch it. Here:
// the races of an execution's suffix differ when its prefix is not in the log.
TEST(EventLogKeptPrefix, TheKeptEventsAccessesDecideTheNewEventsRaces) {
  const Access w(Obj::pipe, true, 0);
  Event a;
  a.effect = {1, false, {w}};
  Event b;
  b.effect = {2, false, {w}};
  EXPECT_EQ(kept_test_fresh({a, b}, 99).races, (KeptTestRaces{{0, 1}}));
  // b alone (as a log that forgot a's access would see it): no race.
  EXPECT_TRUE(kept_test_fresh({b}, 99).races.empty());
}

// A Go actor's slot is an execution's own: nothing is kept after one stepped.
TEST(EventLogKeptPrefix, NothingIsKeptAfterAGoActorStepped) {
  EventLog log;
  Event p;
  p.effect = {1, false, {Access(Obj::process, true, 1)}};
  Event g;
  g.effect = {go_actor_id(1, 0, 0), false, {}};
  log.add(p);
  log.add(g);
  EXPECT_EQ(log.rewind(2), 0u);
  EXPECT_EQ(log.next_kept_step(), 0u);
  log.add(p);
  EXPECT_EQ(log.rewind(1), 1u);  // no Go actor in that one
  EXPECT_EQ(log.rewind(5), 0u);  // at most the events it had
}

}  // namespace
}  // namespace papaya::sim
