// A signal access (sim/independence.hpp Access::sigs) names a set of one process's signals: a
// step's deliverable signals, a mask change, exec's every signal, in one access where there was
// one per signal. It conflicts with an access of the same process's signals that shares a
// signal (one of the two a write) and with nothing else; the event log finds the same races as
// with one access per signal.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "explore/tests/log_races.hpp"
#include "sim/event_log.hpp"
#include "sim/independence.hpp"

namespace papaya::sim {
namespace {

constexpr std::uint16_t sigset_test_bits(std::initializer_list<Sig> sigs) {
  std::uint16_t m = 0;
  for (Sig s : sigs) m |= sig_bit(s);
  return m;
}

Access sigset_test_access(Pid pid, std::initializer_list<Sig> sigs, bool write) {
  return {Obj::signal, write, static_cast<std::uint32_t>(pid), sigset_test_bits(sigs)};
}

TEST(SignalSetAccess, EverySignalHasItsOwnBit) {
  std::uint16_t seen = 0;
  for (Sig s : all_signals) {
    EXPECT_NE(sig_bit(s), 0) << sig_name(s);
    EXPECT_EQ(seen & sig_bit(s), 0) << sig_name(s);
    seen |= sig_bit(s);
  }
}

TEST(SignalSetAccess, ConflictsWithAnAccessOfTheSameProcessSharingASignal) {
  const Access deliverable = sigset_test_access(5, {Sig::usr1, Sig::term, Sig::chld}, true);
  const std::uint16_t in = deliverable.sigs;
  for (Sig s : all_signals) {
    const bool shared = (in & sig_bit(s)) != 0;
    // A generation of s by another process (a read of one signal).
    EXPECT_EQ(conflict(deliverable, sigset_test_access(5, {s}, false)), shared) << sig_name(s);
    EXPECT_EQ(conflict(sigset_test_access(5, {s}, false), deliverable), shared) << sig_name(s);
    EXPECT_EQ(conflict(deliverable, sigset_test_access(5, {s}, true)), shared) << sig_name(s);
    // Another process's signals: never.
    EXPECT_FALSE(conflict(deliverable, sigset_test_access(6, {s}, false))) << sig_name(s);
    EXPECT_FALSE(conflict(deliverable, sigset_test_access(6, {s}, true))) << sig_name(s);
  }
  // Two generations commute (reads), even of one signal.
  EXPECT_FALSE(conflict(sigset_test_access(5, {Sig::usr1}, false),
                        sigset_test_access(5, {Sig::usr1, Sig::term}, false)));
  EXPECT_TRUE(conflict(sigset_test_access(5, {Sig::hup, Sig::term}, true),
                       sigset_test_access(5, {Sig::term, Sig::alrm}, true)));
  EXPECT_FALSE(conflict(sigset_test_access(5, {Sig::hup, Sig::int_}, true),
                        sigset_test_access(5, {Sig::term, Sig::alrm}, true)));
}

// The wrong variant: a rule that takes two signal accesses of one process for one object (as
// it did for one id per signal) makes a mask write conflict with a generation of a signal it
// does not touch; the test above would catch it.
TEST(SignalSetAccess, ARuleBlindToTheSetIsCaught) {
  const auto blind = [](const Access& a, const Access& b) {
    return a.obj == b.obj && (a.write || b.write) && a.id == b.id;
  };
  const Access deliverable = sigset_test_access(5, {Sig::usr1}, true);
  const Access other = sigset_test_access(5, {Sig::usr2}, false);
  EXPECT_TRUE(blind(deliverable, other));
  EXPECT_FALSE(conflict(deliverable, other));
}

Event sigset_test_step(Pid pid, std::vector<Access> access) {
  Event e;
  e.effect.pid = pid;
  e.effect.access = std::move(access);
  return e;
}

// The events as they were before signal sets: one access per signal of each set.
std::vector<Event> sigset_test_per_signal(std::vector<Event> events) {
  for (Event& e : events) {
    std::vector<Access> v;
    for (const Access& a : e.effect.access) {
      if (a.obj != Obj::signal) {
        v.push_back(a);
        continue;
      }
      for (Sig s : all_signals)
        if (a.sigs & sig_bit(s)) v.push_back({a.obj, a.write, a.id, sig_bit(s)});
    }
    e.effect.access = std::move(v);
  }
  return events;
}

// A wrong encoding, to show the comparisons below can fail: each set cut to its lowest signal.
std::vector<Event> sigset_test_lowest_only(std::vector<Event> events) {
  for (Event& e : events)
    for (Access& a : e.effect.access)
      if (a.obj == Obj::signal) a.sigs = static_cast<std::uint16_t>(a.sigs & -a.sigs);
  return events;
}

// Generations of two signals by two processes, then the target's step that takes both (and a
// third): it races with each (a log that kept one reader per set would miss one).
TEST(SignalSetAccess, EventLogWriteRacesWithTheReadersOfEachOfItsSignals) {
  const std::vector<Event> sets{
      sigset_test_step(2, {sigset_test_access(1, {Sig::usr1}, false)}),
      sigset_test_step(3, {sigset_test_access(1, {Sig::term}, false)}),
      sigset_test_step(1, {sigset_test_access(1, {Sig::hup, Sig::usr1, Sig::term}, true)})};
  const log_races::Races expected{{0, 2}, {1, 2}};
  EXPECT_EQ(log_races::of(sets), expected);
  EXPECT_EQ(log_races::of(sigset_test_per_signal(sets)), expected);
  EXPECT_NE(log_races::of(sigset_test_lowest_only(sets)), expected);
}

// A write of {usr1, term} by 4, then of {usr1} by 5: term's last write is still 4's, so a
// generation of SIGTERM races with 4's step, one of SIGUSR1 with 5's (a log that kept only the
// set's last write would name 5's for both).
TEST(SignalSetAccess, EventLogReadRacesWithItsSignalsLastWrite) {
  const std::vector<Event> sets{
      sigset_test_step(4, {sigset_test_access(1, {Sig::usr1, Sig::term}, true)}),
      sigset_test_step(5, {sigset_test_access(1, {Sig::usr1}, true)}),
      sigset_test_step(2, {sigset_test_access(1, {Sig::term}, false)}),
      sigset_test_step(3, {sigset_test_access(1, {Sig::usr1}, false)})};
  const log_races::Races expected{{0, 1}, {0, 2}, {1, 3}};
  EXPECT_EQ(log_races::of(sets), expected);
  EXPECT_EQ(log_races::of(sigset_test_per_signal(sets)), expected);
  EXPECT_NE(log_races::of(sigset_test_lowest_only(sets)), expected);
}

// Readers of usr1 (2) and term (3); the target writes {usr1}, then {term}: the second write still
// races with 3's read (a log that cleared every reader of the object at the first write would
// miss it). Then 6 generates usr1 and term, one step each, and the target writes {usr1} again:
// it races with 6's first read (a log that let a process's later read of term replace its
// whole entry would have lost it).
TEST(SignalSetAccess, EventLogKeepsEachSignalsReaders) {
  const std::vector<Event> sets{sigset_test_step(2, {sigset_test_access(1, {Sig::usr1}, false)}),
                                sigset_test_step(3, {sigset_test_access(1, {Sig::term}, false)}),
                                sigset_test_step(1, {sigset_test_access(1, {Sig::usr1}, true)}),
                                sigset_test_step(1, {sigset_test_access(1, {Sig::term}, true)}),
                                sigset_test_step(6, {sigset_test_access(1, {Sig::usr1}, false)}),
                                sigset_test_step(6, {sigset_test_access(1, {Sig::term}, false)}),
                                sigset_test_step(1, {sigset_test_access(1, {Sig::usr1}, true)})};
  const log_races::Races expected{{0, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}};
  EXPECT_EQ(log_races::of(sets), expected);
  EXPECT_EQ(log_races::of(sigset_test_per_signal(sets)), expected);
}

// One step reading one process's signals and writing its own: a set write and a generation in
// one effect (kill(getpid()) style), then another process's generation: the same races both ways.
TEST(SignalSetAccess, EventLogMixedEffectsMatchThePerSignalForm) {
  const std::vector<Event> sets{
      sigset_test_step(2, {sigset_test_access(2, {Sig::usr1, Sig::term, Sig::chld}, true),
                           sigset_test_access(1, {Sig::usr2}, false)}),
      sigset_test_step(1, {sigset_test_access(1, {Sig::usr2, Sig::alrm}, true),
                           sigset_test_access(2, {Sig::term}, false)}),
      sigset_test_step(3, {sigset_test_access(2, {Sig::chld}, false),
                           sigset_test_access(1, {Sig::alrm}, false)}),
      sigset_test_step(2, {sigset_test_access(2, {Sig::usr1, Sig::term, Sig::chld}, true)})};
  const log_races::Races expected{
      {0, 1}, {1, 2}, {2, 3}};  // 2 after 0 through 1; 3 after 1 through 2
  EXPECT_EQ(log_races::of(sets), expected);
  EXPECT_EQ(log_races::of(sigset_test_per_signal(sets)), expected);
}

}  // namespace
}  // namespace papaya::sim
