// The per-object footprints of a Go program's steps (sim/go_footprint.cpp, docs/explore.md
// "Goroutine operations"), shipped on: trace names that do not depend on the order Go actors
// first step, the swap checker on the goroutine benchmarks and small generated programs
// (go_footprint_check.hpp), and dfs, source-DPOR and optimal DPOR covering the same traces of
// small generated programs at GOMAXPROCS 2. The long comparisons (the benchmarks' whole spaces,
// the goroutine chat) are in go_footprint_slow_test.cpp.
#include <gtest/gtest.h>

#include <cstdio>

#include "explore/programs.hpp"
#include "explore/tests/go_footprint_check.hpp"
#include "sim/event_log.hpp"

namespace papaya::explore {
namespace {

using namespace gofp;

// The bug behind dfs's surplus of traces on go-readers:1 at GOMAXPROCS 2 (3,765 names against
// source-DPOR's 3,399): an event whose clock counts two Go actors was named by mixing them in
// slot order, and slots follow the order actors first step, so two equivalent executions whose
// actors first stepped in another order got two names (dfs counted both; DPOR ran one).
TEST(GoFootprint, ATraceNameDoesNotDependOnTheOrderGoActorsFirstStep) {
  const Pid p0 = sim::go_actor_id(1, 0, 0);
  const Pid p1 = sim::go_actor_id(1, 0, 1);
  const Pid p2 = sim::go_actor_id(1, 0, 2);
  auto ev = [](Pid actor, std::vector<std::uint32_t> objs) {
    sim::Event e;
    e.effect.pid = actor;
    for (std::uint32_t o : objs)
      e.effect.access.push_back({sim::Obj::go_mutex, true, sim::go_obj_id(1, o)});
    return e;
  };
  sim::EventLog a;
  a.add(ev(p0, {1}));
  a.add(ev(p1, {2}));
  a.add(ev(p2, {1, 2}));
  sim::EventLog b;
  b.add(ev(p1, {2}));
  b.add(ev(p0, {1}));
  b.add(ev(p2, {1, 2}));
  EXPECT_EQ(a.trace_hash(), b.trace_hash());
  EXPECT_EQ(a.event_hash(2), b.event_hash(2));
  // Not every name is the same: P2 between the two is another trace.
  sim::EventLog c;
  c.add(ev(p0, {1}));
  c.add(ev(p2, {1, 2}));
  c.add(ev(p1, {2}));
  EXPECT_NE(a.trace_hash(), c.trace_hash());
}

// Found by the swap checker: the process's step whose code makes it a Go program (its first
// goroutine call) enabled P0 without the footprints saying so; the first runtime step now reads
// the process's state. And at GOMAXPROCS 3 the swapped runs of go-readers:1 had another name
// (the naming bug above).
TEST(GoFootprint, AdjacentIndependentStepsOfTheGoBenchmarksCommute) {
  for (int procs = 1; procs <= 3; ++procs) {
    std::uint64_t pairs = 0;
    EXPECT_EQ(go_swap_check(go_readers_program(1), procs, 20, &pairs), "")
        << "go-readers:1, GOMAXPROCS " << procs;
    if (procs > 1) {
      EXPECT_GT(pairs, 0u) << "GOMAXPROCS " << procs;
    }
    std::printf("go-readers:1, GOMAXPROCS %d: %llu independent pairs swapped\n", procs,
                static_cast<unsigned long long>(pairs));
  }
  std::uint64_t pairs = 0;
  EXPECT_EQ(go_swap_check(go_lastzero_program(1), 2, 10, &pairs), "");
  std::printf("go-lastzero:1, GOMAXPROCS 2: %llu independent pairs swapped\n",
              static_cast<unsigned long long>(pairs));
}

// Mutex, RWMutex, channels (buffered and not), Gosched and files, at GOMAXPROCS 2.
TEST(GoFootprint, AdjacentIndependentStepsOfSmallGeneratedProgramsCommute) {
  for (std::uint64_t seed : {1u, 3u, 5u, 13u, 19u, 25u, 31u}) {
    const std::vector<GoGenThread> ts = go_gen_random(seed);
    std::uint64_t pairs = 0;
    EXPECT_EQ(go_swap_check(go_gen_program(2, seed % 2, ts), 2, 4, &pairs), "")
        << "seed " << seed << ": " << go_gen_describe(ts);
  }
}

// Small programs whose whole space dfs runs: source-DPOR and optimal DPOR name exactly dfs's
// traces. Before the naming fix dfs had names DPOR never ran; before optimal's fix (a race whose
// reversal cannot start at its state inserts no branch) optimal lost most of them.
TEST(GoFootprint, DporAndOptimalCoverExactlyTheTracesDfsCoversOnSmallGeneratedPrograms) {
  for (std::uint64_t seed : {8u, 12u, 14u, 18u, 24u}) {
    const std::vector<GoGenThread> ts = go_gen_random(seed);
    const auto init = go_gen_program(2, seed % 2, ts);
    GoFineRun dfs = go_fine_explore(init, StrategyName::dfs, 2, true, 2'000);
    GoFineRun dpor = go_fine_explore(init, StrategyName::dpor, 2);
    GoFineRun optimal = go_fine_explore(init, StrategyName::optimal, 2);
    const std::string what = "seed " + std::to_string(seed) + ": " + go_gen_describe(ts);
    ASSERT_TRUE(dfs.result.exhausted) << what;
    ASSERT_TRUE(dpor.result.exhausted) << what;
    ASSERT_TRUE(optimal.result.exhausted) << what;
    EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names) << what;
    EXPECT_EQ(optimal.result.trace_names, dfs.result.trace_names) << what;
    EXPECT_EQ(dpor.program_traces, dfs.program_traces) << what;
    EXPECT_LT(dpor.result.executions, dfs.result.executions) << what << ": no reduction";
    std::printf("%s dfs %llu executions, %llu traces; dpor %llu (+%llu); optimal %llu (+%llu)\n",
                what.c_str(), static_cast<unsigned long long>(dfs.result.executions),
                static_cast<unsigned long long>(dfs.result.traces),
                static_cast<unsigned long long>(dpor.result.executions),
                static_cast<unsigned long long>(dpor.result.abandoned),
                static_cast<unsigned long long>(optimal.result.executions),
                static_cast<unsigned long long>(optimal.result.abandoned));
  }
}

// At three Ps a Go step's footprint can change with the race it ends: a channel operation that
// found a buffered value or a free slot (its channel alone) parks, or wakes a parked goroutine
// (the scheduler too), once it runs before the step it raced with. Optimal DPOR's wakeup trees
// used its old footprint for the reversed step, judged later sequences covered by it, and lost
// their traces (102, 228 and 1,422 of these programs' dfs traces before wave 15; go-readers:1 at
// three Ps lost 525 of 6,023). The reversed step is now dependent on every step of its program
// (Wakeup::unknown); and a race whose second step's actor the first made ready is not reversed,
// so no branch is left that cannot be followed.
TEST(GoFootprint, OptimalCoversDfsOnThreePsWhereAReversedStepsFootprintChanges) {
  for (std::uint64_t seed : {47u, 82u, 274u}) {
    const std::vector<GoGenThread> ts = go_gen_random(seed);
    const auto init = go_gen_program(2, seed % 2, ts);
    GoFineRun dfs = go_fine_explore(init, StrategyName::dfs, 3, true, 60'000);
    GoFineRun optimal = go_fine_explore(init, StrategyName::optimal, 3);
    const std::string what = "seed " + std::to_string(seed) + ": " + go_gen_describe(ts);
    ASSERT_TRUE(dfs.result.exhausted) << what;
    ASSERT_TRUE(optimal.result.exhausted) << what;
    EXPECT_EQ(optimal.result.trace_names, dfs.result.trace_names) << what;
    EXPECT_EQ(optimal.result.executions, dfs.result.traces) << what << ": a trace run twice";
    EXPECT_EQ(optimal.result.wakeup_divergences, 0u) << what;
    std::printf(
        "%s GOMAXPROCS 3: dfs %llu executions, %llu traces; optimal %llu (+%llu, %llu "
        "branches dropped asleep)\n",
        what.c_str(), static_cast<unsigned long long>(dfs.result.executions),
        static_cast<unsigned long long>(dfs.result.traces),
        static_cast<unsigned long long>(optimal.result.executions),
        static_cast<unsigned long long>(optimal.result.abandoned),
        static_cast<unsigned long long>(optimal.result.wakeup_asleep));
  }
}

// go-lastzero:1 at three Ps: a process asleep since an ancestor covered the start of a reversed
// race whose last step (a Go step) touches more where it will run; the ancestor's subtree counted
// on this state for the order that brings, and optimal DPOR missed 42 traces (11,639). Where that
// happens every process that can run there is now explored there, and optimal and source-DPOR
// name the same 11,681 traces (dfs's whole space, 10^8 executions: docs/explore.md).
TEST(GoFootprint, DporAndOptimalNameTheSameTracesOfGoLastzeroOnThreePs) {
  GoFineRun dpor = go_fine_explore(go_lastzero_program(1), StrategyName::dpor, 3);
  GoFineRun optimal = go_fine_explore(go_lastzero_program(1), StrategyName::optimal, 3);
  ASSERT_TRUE(dpor.result.exhausted);
  ASSERT_TRUE(optimal.result.exhausted);
  EXPECT_EQ(optimal.result.traces, 11'681u);
  EXPECT_EQ(optimal.result.trace_names, dpor.result.trace_names);
  EXPECT_EQ(optimal.result.wakeup_divergences, 0u);
}

// The goroutine benchmarks and the goroutine chat: no wakeup-tree branch left that cannot be
// followed (before wave 15, go-readers:1 at two Ps dropped 158 of them, the chat 1 x 0 at one P
// 365), each trace run once.
TEST(GoFootprint, OptimalFollowsEveryBranchOnTheGoBenchmarks) {
  struct Case {
    const char* name;
    std::function<void(Os&)> init;
    int procs;
    std::uint64_t traces;
  };
  for (const Case& c : {Case{"go-readers:1", go_readers_program(1), 2, 266},
                        Case{"go-readers:2", go_readers_program(2), 2, 2'282},
                        Case{"go-readers:1", go_readers_program(1), 3, 6'023}}) {
    GoFineRun optimal = go_fine_explore(c.init, StrategyName::optimal, c.procs);
    const std::string what = std::string(c.name) + " GOMAXPROCS " + std::to_string(c.procs);
    ASSERT_TRUE(optimal.result.exhausted) << what;
    EXPECT_EQ(optimal.result.traces, c.traces) << what;
    EXPECT_EQ(optimal.result.executions, c.traces) << what;
    EXPECT_EQ(optimal.result.wakeup_divergences, 0u) << what;
  }
}

}  // namespace
}  // namespace papaya::explore
