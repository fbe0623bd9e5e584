// The goroutine conformance suite across worlds: each scenario on RealOs's fibers (2 threads)
// must give its expected outcome, and the simulator (Go runtime model, seeds 1..5, GOMAXPROCS 1
// and 2) must give the same outcome as Linux, as the kernel conformance suite compares them.
#include <gtest/gtest.h>

#include <tuple>

#include "conformance/goroutines/fiber_world.hpp"
#include "conformance/goroutines/scenarios.hpp"
#include "conformance/goroutines/sim_world.hpp"

namespace papaya::conformance::goroutines {
namespace {

class BothWorlds : public ::testing::TestWithParam<std::size_t> {};

TEST_P(BothWorlds, TheSimulatorAgreesWithLinux) {
  const GoScenario& s = scenarios()[GetParam()];
  const std::string real = run_on_fibers(s, 2);
  ASSERT_EQ(real, s.expected) << "rule: " << s.rule;
  for (int procs : {1, 2}) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      EXPECT_EQ(run_on_sim(s, seed, procs), real)
          << "the sim (seed " << seed << ", GOMAXPROCS " << procs
          << ") and Linux disagree\nrule: " << s.rule;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Goroutines, BothWorlds,
                         ::testing::Range<std::size_t>(0, scenarios().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return scenarios()[info.param].name;
                         });

}  // namespace
}  // namespace papaya::conformance::goroutines
