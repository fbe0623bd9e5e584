// The tests' comparison of two searches that must be the same search: a search resumed from a
// checkpoint against the whole one, a search without trace names against one with them.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "explore/explorer.hpp"

namespace papaya::explore {

// Executions, traces, sleep-set-blocked runs, steps, races and whether each reached its end.
inline void expect_same_counts(const Result& got, const Result& want, const std::string& what) {
  EXPECT_EQ(got.executions, want.executions) << what;
  EXPECT_EQ(got.traces, want.traces) << what;
  EXPECT_EQ(got.abandoned, want.abandoned) << what;
  EXPECT_EQ(got.steps, want.steps) << what;
  EXPECT_EQ(got.races, want.races) << what;
  EXPECT_EQ(got.exhausted, want.exhausted) << what;
}

}  // namespace papaya::explore
