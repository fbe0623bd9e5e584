// The random strategy's generator: fixed outputs for a seed (no dependence on the standard
// library), uniform draws in range.
#include "sim/prng.hpp"

#include <gtest/gtest.h>

namespace papaya::sim {
namespace {

TEST(Prng, ASeedGivesTheSameSequenceEverywhere) {
  Prng a(1), b(1), c(2);
  std::uint64_t first = a.next();
  EXPECT_EQ(first, b.next());
  EXPECT_NE(first, c.next());
  Prng g(1);
  std::vector<std::uint32_t> draws;
  for (int i = 0; i < 8; ++i) draws.push_back(g.uniform(10));
  EXPECT_EQ(draws, (std::vector<std::uint32_t>{7, 5, 5, 3, 6, 1, 0, 3}));
}

TEST(Prng, UniformStaysInRangeAndCoversIt) {
  Prng g(7);
  std::vector<int> seen(6, 0);
  for (int i = 0; i < 6000; ++i) {
    std::uint32_t v = g.uniform(6);
    ASSERT_LT(v, 6u);
    ++seen[v];
  }
  for (int n : seen) EXPECT_GT(n, 800);
  EXPECT_EQ(g.uniform(1), 0u);
}

}  // namespace
}  // namespace papaya::sim
