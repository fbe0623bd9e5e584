// dfs against source-DPOR and optimal DPOR on a Go program that two processes send one signal
// while signal_notify's relay is armed (go_signal_program.hpp; docs/explore.md "Two generations
// of one signal"). dfs runs 754,714 executions (about 40 s in a dev build): by hand, in the
// explore_go_footprint_slow_test binary.
//
// What holds, with this branch's relation and with main's before it (identical figures: dfs 3,533
// trace names, dpor and optimal 1,354 each): the three reach the same program-level traces, and
// dpor's and optimal's trace names are the same set. dfs names more Mazurkiewicz traces than the
// DPORs run; that gap is not this change's (main's relation, where a generation writes, gives the
// very same numbers) and is left open, checked here as it stands: dpor's names are among dfs's.
#include <gtest/gtest.h>

#include <algorithm>
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
  EXPECT_TRUE(std::includes(dfs.result.trace_names.begin(), dfs.result.trace_names.end(),
                            dpor.result.trace_names.begin(), dpor.result.trace_names.end()))
      << "dpor ran a trace dfs never named";
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
