// Two generations of one signal for a Go program whose signal_notify relay is armed
// (docs/explore.md, "Two generations of one signal"; sim/go_footprint.cpp go_watched_edges). A
// generation reads the target's `signal p,s` (sim/independence.cpp), so the netpoller's edges,
// which make a signal sent to a Go program write its syscall queue (`go_kq`: the handler step
// makes the first thread busy) and its scheduler (the relay's netpoll event), key on any access
// to the program's signal objects, not on writes. Shown here: the swap checker passes the
// shipped footprints on this program and catches the edges left off a generation (the edges
// keyed on writes alone, which no longer see a kill). dfs against source-DPOR and optimal DPOR on
// the same program: go_signal_slow_test.cpp (dfs runs 754,714 executions); on a smaller one
// (the parent sends twice), here.
#include <gtest/gtest.h>

#include <cstdio>

#include "explore/tests/go_footprint_check.hpp"
#include "explore/tests/go_signal_program.hpp"

namespace papaya::explore {
namespace {

using namespace gofp;

// The wrong variant: the netpoller's edges left off every step of a process that is not the Go
// program (its accesses to another program's runtime objects dropped), which is what keying them
// on writes of the program's signal objects gives a generation that only reads them.
bool go_signal_without_edges_dependent(const sim::Effect& a, const sim::Effect& b) {
  auto strip = [](sim::Effect e) {
    if (!sim::is_go_actor(e.pid))
      std::erase_if(e.access, [&](const sim::Access& x) {
        return x.obj >= sim::Obj::go_sched && (x.id >> 20) != static_cast<std::uint32_t>(e.pid);
      });
    return e;
  };
  return sim::dependent(strip(a), strip(b));
}

TEST(GoSignalGenerations, TheSwapCheckerPassesTheEdgesOfAGenerationAndCatchesThemLeftOff) {
  std::uint64_t pairs = 0;
  EXPECT_EQ(go_swap_check(go_signal_two_senders_program(), 1, 6, &pairs), "");
  EXPECT_GT(pairs, 0u);
  const std::string wrong = go_swap_check(go_signal_two_senders_program(), 1, 6, nullptr,
                                          go_signal_without_edges_dependent);
  EXPECT_NE(wrong, "") << "the swap checker passed a kill without the netpoller's edges";
  std::printf("%llu independent pairs swapped; without the edges: %s\n",
              static_cast<unsigned long long>(pairs), wrong.c_str());
}

// dfs names exactly the Mazurkiewicz traces source-DPOR and optimal DPOR run, on a program a
// parent sends SIGUSR1 twice. Before the signal's footprints were keyed on the process's own
// state (sim/go_footprint.cpp), the second kill wrote the program's scheduler only while the
// relay was armed, which the relay's re-arming (a goroutine step independent of the kill)
// changed: one trace had two names, and dfs named more traces than the DPORs ran.
TEST(GoSignalGenerations, DfsNamesExactlyTheTracesTheDporsRunWhenOneParentSendsTwice) {
  const auto init = go_signal_one_sender_twice_program();
  GoFineRun dfs = go_fine_explore(init, StrategyName::dfs, 1, true, 200'000);
  GoFineRun dpor = go_fine_explore(init, StrategyName::dpor, 1);
  GoFineRun optimal = go_fine_explore(init, StrategyName::optimal, 1);
  ASSERT_TRUE(dfs.result.exhausted);
  ASSERT_TRUE(dpor.result.exhausted);
  ASSERT_TRUE(optimal.result.exhausted);
  EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names);
  EXPECT_EQ(optimal.result.trace_names, dfs.result.trace_names);
  EXPECT_EQ(dpor.program_traces, dfs.program_traces);
  EXPECT_GT(dfs.result.trace_names.size(), 1u);
  std::printf("dfs %llu executions, %zu trace names; dpor %llu; optimal %llu\n",
              static_cast<unsigned long long>(dfs.result.executions), dfs.result.trace_names.size(),
              static_cast<unsigned long long>(dpor.result.executions),
              static_cast<unsigned long long>(optimal.result.executions));
}

}  // namespace
}  // namespace papaya::explore
