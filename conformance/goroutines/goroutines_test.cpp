// The goroutine conformance suite on Linux: every scenario on RealOs's fibers with 1 and with 2
// scheduler threads must give the outcome it expects.
#include <gtest/gtest.h>

#include <tuple>

#include "conformance/goroutines/fiber_world.hpp"
#include "conformance/goroutines/scenarios.hpp"

namespace papaya::conformance::goroutines {
namespace {

class OnFibers : public ::testing::TestWithParam<std::tuple<std::size_t, unsigned>> {};

TEST_P(OnFibers, GivesTheExpectedOutcome) {
  const GoScenario& s = scenarios()[std::get<0>(GetParam())];
  const unsigned threads = std::get<1>(GetParam());
  EXPECT_EQ(run_on_fibers(s, threads), s.expected) << "rule: " << s.rule;
}

INSTANTIATE_TEST_SUITE_P(Goroutines, OnFibers,
                         ::testing::Combine(::testing::Range<std::size_t>(0, scenarios().size()),
                                            ::testing::Values(1u, 2u)),
                         [](const ::testing::TestParamInfo<OnFibers::ParamType>& info) {
                           return scenarios()[std::get<0>(info.param)].name + "_" +
                                  std::to_string(std::get<1>(info.param)) + "Threads";
                         });

}  // namespace
}  // namespace papaya::conformance::goroutines
