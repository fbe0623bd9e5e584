// dfs against source-DPOR and optimal DPOR on a Go program that two processes send one signal
// while signal_notify's relay is armed (go_signal_program.hpp; docs/explore.md "Two generations
// of one signal"). dfs runs 754,714 executions (about 35 s in a dev build): by hand, in the
// explore_go_footprint_slow_test binary.
//
// What holds: the three name the same 3,190 Mazurkiewicz traces and reach the same program-level
// traces. Before a signal's footprints were keyed on the process's own state
// (sim/go_footprint.cpp), dfs named 3,533 and the DPORs ran 1,354: a kill's footprint followed the
// relay's armed flag, which the relay's re-arming, an independent step, changed.
#include <gtest/gtest.h>

#include <cstdio>

#include "explore/tests/go_footprint_check.hpp"
#include "explore/tests/go_signal_program.hpp"

namespace papaya::explore {
namespace {

using namespace gofp;

TEST(GoSignalGenerationsSlow, DfsDporAndOptimalReachTheSameProgramTracesWithTheRelayArmed) {
  const auto init = go_signal_two_senders_program();
  GoFineRun dpor = go_fine_explore(init, StrategyName::dpor, 1);
  GoFineRun optimal = go_fine_explore(init, StrategyName::optimal, 1);
  GoFineRun dfs = go_fine_explore(init, StrategyName::dfs, 1, true, 3'000'000);
  ASSERT_TRUE(dfs.result.exhausted);
  ASSERT_TRUE(dpor.result.exhausted);
  ASSERT_TRUE(optimal.result.exhausted);
  EXPECT_EQ(dpor.program_traces, dfs.program_traces);
  EXPECT_EQ(optimal.program_traces, dfs.program_traces);
  EXPECT_EQ(optimal.result.trace_names, dpor.result.trace_names);
  EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names);
  std::printf(
      "dfs %llu executions, %zu trace names; dpor %llu (+%llu abandoned); optimal %llu (+%llu); "
      "program-level traces %zu\n",
      static_cast<unsigned long long>(dfs.result.executions), dfs.result.trace_names.size(),
      static_cast<unsigned long long>(dpor.result.executions),
      static_cast<unsigned long long>(dpor.result.abandoned),
      static_cast<unsigned long long>(optimal.result.executions),
      static_cast<unsigned long long>(optimal.result.abandoned), dfs.program_traces.size());
}

}  // namespace
}  // namespace papaya::explore
