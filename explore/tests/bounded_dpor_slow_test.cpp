// lastzero(5) under bounded partial-order reduction with bound 1 (large enough: every one of its
// traces has a schedule with at most one preemption): the published 64 traces, the same ones
// unbounded dpor explores. 11,289 executions: labelled slow.
#include <gtest/gtest.h>

#include <string>

#include "explore/explorer.hpp"
#include "explore/programs.hpp"
#include "sim/simulation.hpp"

namespace papaya::explore {
namespace {

Result bpor_slow_run(int bound) {
  Program p;
  p.init = lastzero_program(5);
  p.check = [](const sim::Simulation&, const sim::RunReport& r) {
    return r.verdict == Verdict::ok ? std::string() : std::string(verdict_name(r.verdict));
  };
  Config c;
  c.strategy = StrategyName::dpor;
  c.bound = bound;
  c.keep_trace_names = true;
  return explore(p, c);
}

TEST(BoundedDporSlow, LastzeroFiveWithBoundOneHasThe64PublishedTraces) {
  Result bounded = bpor_slow_run(1);
  Result free = bpor_slow_run(-1);
  EXPECT_TRUE(bounded.exhausted);
  EXPECT_FALSE(bounded.violation);
  EXPECT_EQ(bounded.traces, 64u);
  EXPECT_EQ(bounded.trace_names, free.trace_names);
}

}  // namespace
}  // namespace papaya::explore
