// A goroutine's entersyscall and an exitsyscall that takes back its own P touch that P alone
// (sim/go_footprint.cpp, Obj::go_p; docs/explore.md "Wave 13: a syscall's P is its own"), not the
// scheduler: the two footprints are as said, the swap checker passes the pairs this makes
// independent (more of them than under the old relation, where both wrote the scheduler), and it
// catches the relation without the first thread's queue (go_kq), the one object that still
// orders two Ps' entersyscalls now that the scheduler does not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "explore/programs.hpp"
#include "explore/tests/go_footprint_check.hpp"
#include "explore/tests/relation_ignoring.hpp"

namespace papaya::explore {
namespace {

using namespace gofp;

bool syscall_p_touches(const sim::Effect& e, sim::Obj o) {
  return std::any_of(e.access.begin(), e.access.end(),
                     [o](const sim::Access& a) { return a.obj == o; });
}

// The relation before the cut: a step on its P's go_p also wrote the program's scheduler.
bool syscall_p_dependent_as_before(const sim::Effect& a, const sim::Effect& b) {
  auto widen = [](sim::Effect e) {
    for (const sim::Access& x : std::vector<sim::Access>(e.access))
      if (x.obj == sim::Obj::go_p)
        e.access.push_back({sim::Obj::go_sched, true, (x.id >> 20) << 20});
    return e;
  };
  return sim::dependent(widen(a), widen(b));
}

TEST(GoSyscallP, EntersyscallAndAFastExitsyscallTouchTheirPAndNotTheScheduler) {
  int enters = 0, fast_exits = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const GoSwapRun r = go_swap_run(go_readers_program(1), 2, {}, seed);
    for (const sim::Effect& e : r.effects) {
      if (!syscall_p_touches(e, sim::Obj::go_p)) continue;
      const bool exit = sim::is_go_actor(e.pid) && ((e.pid >> 18) & 3u) == 1u;
      EXPECT_TRUE(exit || syscall_p_touches(e, sim::Obj::go_kq)) << go_swap_effect(e);
      if (exit) {
        // Without sysmon (time does not move while a thread can run) the old P is still
        // _Psyscall whenever its goroutine returns: always the fast path here.
        EXPECT_FALSE(syscall_p_touches(e, sim::Obj::go_sched)) << go_swap_effect(e);
        ++fast_exits;
      } else if (!syscall_p_touches(e, sim::Obj::go_sched)) {
        ++enters;
      }
    }
  }
  EXPECT_GT(enters, 0);
  EXPECT_GT(fast_exits, 0);
}

TEST(GoSyscallP, TheSwapCheckerPassesThePairsTheCutMakesIndependent) {
  for (int procs = 1; procs <= 2; ++procs) {
    std::uint64_t now = 0, before = 0;
    EXPECT_EQ(go_swap_check(go_readers_program(1), procs, 20, &now), "") << procs;
    EXPECT_EQ(
        go_swap_check(go_readers_program(1), procs, 20, &before, syscall_p_dependent_as_before),
        "");
    EXPECT_EQ(go_swap_check(go_lastzero_program(1), procs, 10, &now), "") << procs;
    EXPECT_EQ(
        go_swap_check(go_lastzero_program(1), procs, 10, &before, syscall_p_dependent_as_before),
        "");
    if (procs == 2) {
      EXPECT_GT(now, before);
    }
    std::printf("GOMAXPROCS %d: %llu independent pairs swapped, %llu under the old relation\n",
                procs, static_cast<unsigned long long>(now),
                static_cast<unsigned long long>(before));
  }
}

// Two entersyscalls on two Ps: each puts its call on the first kernel thread's queue, so the order
// of the two calls is the order of the two steps (go_kq). Declared independent (go_kq dropped
// between two entersyscalls alone, the rest of the relation kept), the swapped run gives the
// calls, hence the reads and the writer's write, another order: caught.
TEST(GoSyscallP, TheSwapCheckerCatchesTwoPsEntersyscallsDeclaredIndependent) {
  const GoRelation wrong = [](const sim::Effect& a, const sim::Effect& b) {
    const bool enters =
        syscall_p_touches(a, sim::Obj::go_p) && syscall_p_touches(a, sim::Obj::go_kq) &&
        syscall_p_touches(b, sim::Obj::go_p) && syscall_p_touches(b, sim::Obj::go_kq);
    return enters ? !relation_ignoring({sim::Obj::go_kq})(a, b) : sim::dependent(a, b);
  };
  std::string why;
  for (const auto& init : {go_readers_program(1), go_lastzero_program(1)}) {
    why = go_swap_check(init, 2, 20, nullptr, wrong);
    if (!why.empty()) break;
  }
  EXPECT_NE(why.find("go_kqw"), std::string::npos) << why;
  std::printf("entersyscalls without go_kq: %s\n", why.c_str());
}

}  // namespace
}  // namespace papaya::explore
