#include "real/duration_text.hpp"

#include <gtest/gtest.h>

namespace papaya::real {
namespace {

using namespace std::chrono_literals;

TEST(DurationText, ParsesEveryUnitAndDecimalFractions) {
  EXPECT_EQ(parse_duration("250ms"), Duration(250ms));
  EXPECT_EQ(parse_duration("1s"), Duration(1s));
  EXPECT_EQ(parse_duration("1.5s"), Duration(1500ms));
  EXPECT_EQ(parse_duration("2m"), Duration(2min));
  EXPECT_EQ(parse_duration("1h"), Duration(1h));
  EXPECT_EQ(parse_duration("500us"), Duration(500us));
  EXPECT_EQ(parse_duration("7ns"), Duration(7ns));
  EXPECT_EQ(parse_duration("0s"), Duration::zero());
  EXPECT_EQ(parse_duration("0.999999999h"), Duration(3'599'999'996'400ns));
}

TEST(DurationText, RefusesMissingUnitsSignsGarbageAndAbsurdLengths) {
  for (const char* bad : {"", "1", "s", "ms", "-1s", "1 s", "1sec", "1.2.3s", "abc", ".s", "25h",
                          "99999999999999999999s", "1e3ms"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(DurationText, FormatsTheShortestExactSpellingAndRoundTrips) {
  EXPECT_EQ(format_duration(1s), "1s");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(2min), "2m");
  EXPECT_EQ(format_duration(Duration::zero()), "0ns");
  for (Duration d :
       {Duration(1s), Duration(250ms), Duration(1500us), Duration(3h), Duration(7ns)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d);
  }
}

}  // namespace
}  // namespace papaya::real
