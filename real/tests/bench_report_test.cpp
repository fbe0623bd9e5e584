// papaya bench's outputs: CSV rows read back, the Markdown table beside the paper's, ratios per
// round.
#include <gtest/gtest.h>

#include "real/bench/report.hpp"

namespace papaya::real::bench {
namespace {

PointResult point(const std::string& design, int n, int rep, double mean, size_t kept) {
  PointResult r;
  r.design = design;
  r.workload = "sink";
  r.connections = n;
  r.repeat = rep;
  r.intervals = 10;
  r.quiet = static_cast<int>(kept);
  r.kept = {kept, mean, mean / 10, 0.1};
  r.all = {10, mean * 2, mean / 5, 0.2};
  r.load_rate_bps = 1e6;
  return r;
}

TEST(BenchCsv, RowsReadBackAsWritten) {
  PointResult r = point("go-raw", 16, 2, 3.5, 8);
  r.error = "load: the server closed a connection, twice";
  r.pss_per_conn_kib = 140.5;
  r.anon_per_conn_kib = 96.5;
  r.paired_with = "c";
  r.load_late_p99_ms = 3.5;
  r.load_bytes_received = 777;
  std::vector<PointResult> back = parse_csv(csv_header() + csv_row(r));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].design, "go-raw");
  EXPECT_EQ(back[0].connections, 16);
  EXPECT_EQ(back[0].repeat, 2);
  EXPECT_EQ(back[0].kept.n, 8u);
  EXPECT_DOUBLE_EQ(back[0].kept.mean, 3.5);
  EXPECT_DOUBLE_EQ(back[0].all.mean, 7);
  EXPECT_DOUBLE_EQ(back[0].pss_per_conn_kib, 140.5);
  EXPECT_DOUBLE_EQ(back[0].anon_per_conn_kib, 96.5);
  EXPECT_EQ(back[0].paired_with, "c");
  EXPECT_DOUBLE_EQ(back[0].load_late_p99_ms, 3.5);
  EXPECT_EQ(back[0].load_bytes_received, 777u);
  EXPECT_EQ(back[0].error, "load: the server closed a connection; twice");  // commas escaped
}

TEST(BenchCsv, FanOutColumnsReadBackAsWritten) {
  PointResult r = point("go", 64, 1, 20, 8);
  r.workload = "chat";
  r.load_runq_wait_pct = 12.5;
  r.load_window_s = 10;
  r.fanout_expected = 4032;
  r.fanout_received = 4031;
  r.fanout_duplicates = 2;
  r.fanout_p50_ms = 0.25;
  r.fanout_p90_ms = 1.5;
  r.fanout_p99_ms = 8.125;
  r.fanout_max_ms = 40;
  std::vector<PointResult> back = parse_csv(csv_header() + csv_row(r));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].workload, "chat");
  EXPECT_DOUBLE_EQ(back[0].load_runq_wait_pct, 12.5);
  EXPECT_EQ(back[0].fanout_expected, 4032u);
  EXPECT_EQ(back[0].fanout_received, 4031u);
  EXPECT_EQ(back[0].fanout_duplicates, 2u);
  EXPECT_DOUBLE_EQ(back[0].fanout_p50_ms, 0.25);
  EXPECT_DOUBLE_EQ(back[0].fanout_p99_ms, 8.125);
  EXPECT_DOUBLE_EQ(back[0].fanout_max_ms, 40);
  EXPECT_EQ(back[0].error, "");
  // 4031 deliveries in 10 s on 20% of a core: 2015.5 per CPU-second.
  EXPECT_DOUBLE_EQ(back[0].deliveries_per_cpu_s(), 2015.5);
}

TEST(BenchMarkdown, ChatTableShowsFanOutPercentilesAndMissingLines) {
  PointResult r = point("process", 16, 1, 5, 8);
  r.workload = "chat";
  r.fanout_expected = 100;
  r.fanout_received = 97;
  r.fanout_p50_ms = 0.5;
  r.fanout_p90_ms = 2;
  r.fanout_p99_ms = 9;
  r.fanout_max_ms = 30;
  r.pss_per_conn_kib = 400;  // the whole PSS: not the per-connection figure
  r.anon_per_conn_kib = 150;
  std::string md = chat_table({r});
  EXPECT_NE(
      md.find("| 16 | process | 5.00 (0.100) [5.00-5.00] | 150 | 0.50 / 2.00 / 9.00 / 30.00 |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("| 3 of 100 |"), std::string::npos) << md;
}

// Issue 12's "delivered lines per second per core": 4,000 lines in 10 s is 400 a second; on 20%
// of a core, 2,000 per core (per CPU-second), both in the chat table.
TEST(BenchMarkdown, ChatTableShowsDeliveredLinesPerSecondAndPerCore) {
  PointResult r = point("fiber", 256, 1, 20, 8);
  r.workload = "chat";
  r.load_window_s = 10;
  r.fanout_expected = 4000;
  r.fanout_received = 4000;
  std::string md = chat_table({r});
  EXPECT_NE(md.find("delivered lines per second per core"), std::string::npos) << md;
  EXPECT_NE(md.find("| 400 | 2000 | 0 of 4000 |"), std::string::npos) << md;
}

TEST(BenchMarkdown, PaperRowsSitBesideOursAndRatiosArePerRound) {
  // Round 1: go 4 x c; round 2: go 2 x c. The median of per-round ratios is 3; the ratio of the
  // medians would be 4 / 1.5 = 2.67.
  std::vector<PointResult> rs{point("c", 1, 1, 1, 8), point("go", 1, 1, 4, 8),
                              point("c", 1, 2, 2, 8), point("go", 1, 2, 4, 8)};
  std::string md = markdown_table(rs);
  EXPECT_NE(md.find("| 1 | 0.34 (0.159) | 1.94 (0.169) | 5.7 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 64 | 2.53 (0.180) | 36.08 (0.243) | 14.3 |"), std::string::npos) << md;
  EXPECT_NE(md.find(" 3.00 |"), std::string::npos) << md;
  EXPECT_NE(md.find("1.50 (0.100) [1.00-2.00]"), std::string::npos) << md;
}

TEST(BenchMarkdown, RunsWithFewQuietIntervalsUseAllIntervalsAndAreMarked) {
  std::string md = markdown_table({point("process", 4, 1, 1, 2)});
  EXPECT_NE(md.find("2.00 (0.200) [2.00-2.00] *"), std::string::npos) << md;
}

TEST(BenchMarkdown, FailedPointsAreLeftOut) {
  PointResult bad = point("go", 8, 1, 9, 8);
  bad.error = "go_sink is not built";
  std::string md = markdown_table({bad});
  EXPECT_EQ(md.find("go %"), std::string::npos) << md;
}

}  // namespace
}  // namespace papaya::real::bench
