// A family read (sim/independence.hpp is_family): one access to slot 0 of a pipe_end or
// sock_holder end stands for a read of every holder's slot of that end (a write of the other
// side, an empty read or recv). It conflicts with a drop (a slot's write) of any holder of its
// end and with nothing else; the event log finds the same races as with one read per slot.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "explore/tests/log_races.hpp"
#include "sim/event_log.hpp"
#include "sim/independence.hpp"

namespace papaya::sim {
namespace {

constexpr std::uint32_t family_end = 5;
constexpr std::uint32_t other_end = 6;

Access family_test_access(Obj o, std::uint32_t end, std::uint32_t slot, bool write) {
  return {o, write, (end << family_slot_bits) | slot};
}

TEST(FamilyAccess, ConflictsWithAWriteOfEverySlotOfItsEndOnly) {
  for (Obj o : {Obj::pipe_end, Obj::sock_holder}) {
    const Access family = family_test_access(o, family_end, 0, false);
    for (std::uint32_t s = 1; s < 64; ++s) {
      EXPECT_TRUE(conflict(family, family_test_access(o, family_end, s, true))) << s;
      EXPECT_TRUE(conflict(family_test_access(o, family_end, s, true), family)) << s;
      EXPECT_FALSE(conflict(family, family_test_access(o, other_end, s, true))) << s;
      EXPECT_FALSE(conflict(family, family_test_access(o, family_end, s, false))) << s;
    }
    EXPECT_FALSE(conflict(family, family));  // reads commute
    // Two holders' drops of one end commute; one holder's two drops do not.
    EXPECT_FALSE(conflict(family_test_access(o, family_end, 1, true),
                          family_test_access(o, family_end, 2, true)));
    EXPECT_TRUE(conflict(family_test_access(o, family_end, 2, true),
                         family_test_access(o, family_end, 2, true)));
  }
  // Only those two objects have families: elsewhere an id's low bits are no slot.
  EXPECT_FALSE(conflict(family_test_access(Obj::socket, family_end, 0, false),
                        family_test_access(Obj::socket, family_end, 3, true)));
  EXPECT_FALSE(conflict(family_test_access(Obj::pipe_end, family_end, 0, false),
                        family_test_access(Obj::sock_holder, family_end, 3, true)));
}

Event family_test_step(Pid pid, std::vector<Access> access) {
  Event e;
  e.effect.pid = pid;
  e.effect.access = std::move(access);
  return e;
}

// The family read as it was before families: one read per holder slot.
std::vector<Access> family_test_every_slot(Obj o, std::uint32_t end) {
  std::vector<Access> v;
  for (std::uint32_t s = 1; s < 64; ++s) v.push_back(family_test_access(o, end, s, false));
  return v;
}

// The log finds `expected` in `family`, and the same when event `read`'s family read is written
// out as one read per slot (the form the family access stands for).
void family_test_expect_races(const std::vector<Event>& family, std::size_t read, Obj o,
                              const log_races::Races& expected) {
  EXPECT_EQ(log_races::of(family), expected);
  std::vector<Event> per_slot = family;
  per_slot[read].effect.access = family_test_every_slot(o, family_end);
  EXPECT_EQ(log_races::of(per_slot), expected);
}

// Drops by two holders, then the read: it races with the last drop of each slot (a log that kept
// only the end's last write would miss the first).
TEST(FamilyAccess, EventLogReadRacesWithEverySlotsLastWrite) {
  const Obj o = Obj::pipe_end;
  const std::vector<Event> family{
      family_test_step(1, {family_test_access(o, family_end, 5, true)}),
      family_test_step(2, {family_test_access(o, family_end, 7, true)}),
      family_test_step(3, {family_test_access(o, family_end, 0, false)})};
  const log_races::Races expected{{0, 2}, {1, 2}};
  family_test_expect_races(family, 2, o, expected);
}

// The read, then drops by two holders: each drop races with it (a log that cleared the family's
// readers at the first drop would miss the second), the drops not with each other; another end's
// drop with nothing.
TEST(FamilyAccess, EventLogWritesOfTwoSlotsBothRaceWithTheRead) {
  const Obj o = Obj::sock_holder;
  const std::vector<Event> family{
      family_test_step(1, {family_test_access(o, family_end, 0, false)}),
      family_test_step(2, {family_test_access(o, family_end, 5, true)}),
      family_test_step(3, {family_test_access(o, family_end, 9, true)}),
      family_test_step(4, {family_test_access(o, other_end, 9, true)})};
  const log_races::Races expected{{0, 1}, {0, 2}};
  family_test_expect_races(family, 0, o, expected);
}

// A read ordered before a drop through that slot's earlier drop is found ordered, not a race:
// read (1), drop of slot 5 by 2 (races with the read), drop of slot 5 by 3 (races with 2's only).
TEST(FamilyAccess, EventLogReadOrderedThroughAnEarlierDropIsNoRace) {
  const Obj o = Obj::pipe_end;
  const std::vector<Event> family{
      family_test_step(1, {family_test_access(o, family_end, 0, false)}),
      family_test_step(2, {family_test_access(o, family_end, 5, true)}),
      family_test_step(3, {family_test_access(o, family_end, 5, true)})};
  const log_races::Races expected{{0, 1}, {1, 2}};
  family_test_expect_races(family, 0, o, expected);
}

}  // namespace
}  // namespace papaya::sim
