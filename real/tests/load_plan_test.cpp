// papaya load's schedule arithmetic.
#include "real/load/load_plan.hpp"

#include <gtest/gtest.h>

#include "real/load/load_generator.hpp"

namespace papaya::real::load {
namespace {

TEST(Rate, DecimalPrefixesInBitsPerSecond) {
  EXPECT_EQ(parse_rate_bps("1Mbps"), 1e6);
  EXPECT_EQ(parse_rate_bps("500kbps"), 5e5);
  EXPECT_EQ(parse_rate_bps("2.5Mbps"), 2.5e6);
  EXPECT_EQ(parse_rate_bps("64000bps"), 64000);
  EXPECT_EQ(parse_rate_bps("1Gbps"), 1e9);
}

TEST(Rate, RefusesMissingUnitZeroNegativeAndGarbage) {
  for (const char* bad : {"1M", "1Mbit", "0Mbps", "-1Mbps", "Mbps", "bps", "1xMbps", ""})
    EXPECT_FALSE(parse_rate_bps(bad)) << bad;
}

TEST(Plan, OneMegabitOf1460ByteLinesIsOneLineEvery11_68Ms) {
  std::string error;
  std::optional<LoadPlan> p = make_plan(4, 1e6, 1460, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->interval, std::chrono::microseconds(11680));
}

TEST(Plan, PhasesAreStaggeredEvenlyWithinOneInterval) {
  std::string error;
  std::optional<LoadPlan> p = make_plan(4, 1e6, 1460, error);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->phase(0), std::chrono::nanoseconds(0));
  EXPECT_EQ(p->phase(1), std::chrono::microseconds(2920));
  EXPECT_EQ(p->phase(3), std::chrono::microseconds(8760));
}

TEST(Plan, RefusesNoConnectionsTinyLinesAndImpossibleRates) {
  std::string error;
  EXPECT_FALSE(make_plan(0, 1e6, 1460, error));
  EXPECT_NE(error.find("--connections"), std::string::npos);
  EXPECT_FALSE(make_plan(1, 1e6, 1, error));
  EXPECT_NE(error.find("--line-bytes"), std::string::npos);
  EXPECT_FALSE(make_plan(1, 1e12, 1460, error));
  EXPECT_NE(error.find("too high"), std::string::npos);
}

TEST(Line, ExactlyLineBytesLongWithThePrefixAndOneFinalNewline) {
  std::string line = make_line("load3: ", 1460);
  EXPECT_EQ(line.size(), 1460u);
  EXPECT_EQ(line.rfind("load3: ", 0), 0u);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), 1459u);
  EXPECT_EQ(make_line("a-long-prefix", 4), "a-l\n");
}

TEST(Lateness, PercentilesComeFromTheTenthOfAMillisecondHistogram) {
  LoadReport r;
  r.late_hist.assign(1001, 0);
  r.late_hist[0] = 90;    // 90 sends on time (< 0.1 ms late)
  r.late_hist[20] = 9;    // 9 sends 2.0-2.1 ms late
  r.late_hist[1000] = 1;  // one 100 ms or more
  r.compute_percentiles();
  EXPECT_EQ(r.late_p50_ms, 0);
  EXPECT_EQ(r.late_p99_ms, 2.0);
}

}  // namespace
}  // namespace papaya::real::load
