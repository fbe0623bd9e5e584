// papaya load --fanout: the latency histogram and the marker that every chat line carries.
#include "real/load/fanout.hpp"

#include <gtest/gtest.h>

#include "real/load/latency_histogram.hpp"

namespace papaya::real::load {
namespace {

TEST(LatencyHistogram, ExactBelowOneMillisecond) {
  LatencyHistogram h;
  for (std::uint64_t us = 1; us <= 1000; ++us) h.add_us(us);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.percentile_us(0.5), 500u);
  EXPECT_EQ(h.percentile_us(0.9), 900u);
  EXPECT_EQ(h.percentile_us(0.99), 990u);
  EXPECT_EQ(h.percentile_us(1.0), 1000u);
  EXPECT_EQ(h.max_us(), 1000u);
}

TEST(LatencyHistogram, AboveOneMillisecondNeverLowAndAtMostOneSixtyFourthHigh) {
  for (std::uint64_t v : {1024ull, 1500ull, 4095ull, 12345ull, 987654ull, 3'000'000'000ull}) {
    LatencyHistogram h;
    h.add_us(v);
    h.add_us(v + 1);  // the reported figure is capped at the max, so add a larger sample
    h.add_us(v * 2);
    const std::uint64_t p = h.percentile_us(0.34);  // the smallest sample's bucket
    EXPECT_GE(p, v) << v;
    EXPECT_LE(static_cast<double>(p), static_cast<double>(v) * (1 + 1.0 / 64) + 1) << v;
  }
}

TEST(LatencyHistogram, EmptyIsZeroAndOneSampleIsItself) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile_us(0.99), 0u);
  h.add_us(123456);
  EXPECT_EQ(h.percentile_us(0.5), 123456u);
  EXPECT_EQ(h.percentile_us(0.99), 123456u);
}

TEST(FanoutMarker, HasFixedWidthAndParsesBack) {
  std::string m = fanout_marker(0xdeadbeef, 63, 4'000'000'000u, 18'446'744'073'709'551'615ull);
  EXPECT_EQ(m.size(), fanout_marker_bytes);
  Marker back;
  ASSERT_TRUE(parse_marker("load63: " + m + "abcdef", back));
  EXPECT_EQ(back.run, 0xdeadbeefu);
  EXPECT_EQ(back.sender, 63);
  EXPECT_EQ(back.seq, 4'000'000'000u);
  EXPECT_EQ(back.ns, 18'446'744'073'709'551'615ull);
}

TEST(FanoutMarker, LinesWithoutOneOrWithACutOneAreNotParsed) {
  Marker m;
  EXPECT_FALSE(parse_marker("alice: hello", m));
  std::string cut = fanout_marker(1, 2, 3, 4);
  cut.pop_back();
  EXPECT_FALSE(parse_marker("u: " + cut, m));
  std::string garbled = fanout_marker(1, 2, 3, 4);
  garbled[12] = 'x';  // inside the sender field
  EXPECT_FALSE(parse_marker("u: " + garbled, m));
}

// Three connections; the line template is "uI: " + marker + filler + "\n".
std::string stamped(FanoutTracker& t, int sender, std::uint64_t ns) {
  std::string line =
      "u" + std::to_string(sender) + ": " + std::string(fanout_marker_bytes, '.') + "filler\n";
  t.stamp(line, 4, sender, ns);
  return line;
}

TEST(FanoutTracker, CountsEachLineOncePerOtherConnectionWithItsLatency) {
  FanoutTracker t(3, 7);
  std::string a = stamped(t, 0, 1'000'000);  // sent at 1 ms
  EXPECT_EQ(t.expected(), 2u);               // owed to connections 1 and 2
  t.on_bytes(0, a, 1'100'000);               // own echo: not a delivery
  t.on_bytes(1, a, 1'500'000);               // 0.5 ms
  EXPECT_EQ(t.received(), 1u);
  // Connection 2 gets it in two pieces, 3 ms after the send.
  t.on_bytes(2, std::string_view(a).substr(0, 10), 3'900'000);
  EXPECT_EQ(t.received(), 1u);
  t.on_bytes(2, std::string_view(a).substr(10), 4'000'000);
  EXPECT_EQ(t.received(), 2u);
  EXPECT_EQ(t.latency().count(), 2u);
  EXPECT_EQ(t.latency().percentile_us(0.5), 500u);
  EXPECT_EQ(t.latency().max_us(), 3000u);
  EXPECT_TRUE(t.everyone_heard());
}

TEST(FanoutTracker, DuplicatesAndReorderingAreToldApartAndGapsStayMissing) {
  FanoutTracker t(2, 9);
  std::string l1 = stamped(t, 0, 0), l2 = stamped(t, 0, 0), l3 = stamped(t, 0, 0);
  EXPECT_EQ(t.expected(), 3u);
  t.on_bytes(1, l2, 10);  // 2 before 1: 1 is a gap
  t.on_bytes(1, l2, 10);  // 2 again: a duplicate
  EXPECT_EQ(t.received(), 1u);
  EXPECT_EQ(t.duplicates(), 1u);
  t.on_bytes(1, l1, 10);  // the gap filled late
  EXPECT_EQ(t.received(), 2u);
  EXPECT_EQ(t.reordered(), 1u);
  EXPECT_EQ(t.expected() - t.received(), 1u);  // line 3 never came
  (void)l3;
}

TEST(FanoutTracker, LinesOfAnotherRunAndJoinProbesAreNotDeliveries) {
  FanoutTracker t(2, 5);
  std::string other = "u0: " + fanout_marker(6, 0, 1, 0) + "\n";
  t.on_bytes(1, other, 10);
  EXPECT_FALSE(t.everyone_heard());
  std::string probe = "u0: " + fanout_marker(5, 0, 0, 0) + "\n";
  t.on_bytes(0, probe, 10);
  t.on_bytes(1, probe, 10);
  EXPECT_TRUE(t.everyone_heard());  // a probe proves a connection has joined
  EXPECT_EQ(t.received(), 0u);
  EXPECT_EQ(t.expected(), 0u);
}

}  // namespace
}  // namespace papaya::real::load
