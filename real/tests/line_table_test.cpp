// `papaya bench line`'s arithmetic and outputs: CPU per line and per delivery, medians over
// rounds, ratios to `process` per round, failed points left out and counted, CSV columns.
#include <gtest/gtest.h>

#include <algorithm>

#include "real/bench/line_bench.hpp"

namespace papaya::real::bench {
namespace {

LineResult line_point(const std::string& design, int n, int rep, double cpu_us_per_line) {
  LineResult r;
  r.design = design;
  r.connections = n;
  r.repeat = rep;
  r.lines = 1000;
  r.deliveries = 1000 * static_cast<std::uint64_t>(n - 1);
  r.server_cpu_us = cpu_us_per_line * 1000;
  r.line_p50_us = 100;
  r.line_p99_us = 400;
  r.delivery_p50_us = 80;
  r.processes = 3;
  return r;
}

// The row of `table` for N = n and `design`.
std::string line_row(const std::string& table, int n, const std::string& design) {
  const std::string start = "| " + std::to_string(n) + " | " + design + " |";
  const size_t at = table.find(start);
  if (at == std::string::npos) return "";
  return table.substr(at, table.find('\n', at) - at);
}

TEST(LineBench, CpuPerLineIsTheTreeCpuOverLinesAndPerDeliveryOverCopiesToOthers) {
  LineResult r = line_point("process", 16, 1, 0);
  r.server_cpu_us = 60000;
  EXPECT_DOUBLE_EQ(r.cpu_us_per_line(), 60);
  EXPECT_DOUBLE_EQ(r.cpu_us_per_delivery(), 4);  // 1000 lines x 15 other clients
  r.lines = 0;
  r.deliveries = 0;
  EXPECT_DOUBLE_EQ(r.cpu_us_per_line(), 0);
  EXPECT_DOUBLE_EQ(r.cpu_us_per_delivery(), 0);
}

TEST(LineTable, RatiosToProcessAreTakenPerRoundThenTheMedian) {
  // Per round fiber/process: 0.5, 0.1, 0.3 -> median 0.30; the ratio of the medians would be
  // 50 / 200 = 0.25.
  std::vector<LineResult> rs{line_point("process", 16, 1, 100), line_point("fiber", 16, 1, 50),
                             line_point("process", 16, 2, 200), line_point("fiber", 16, 2, 20),
                             line_point("process", 16, 3, 300), line_point("fiber", 16, 3, 90)};
  const std::string t = line_table(rs);
  const std::string fiber = line_row(t, 16, "fiber");
  EXPECT_NE(fiber.find("| 3 | 50.0 (20.0-90.0) | 3.3 (1.3-6.0) | 0.30 (0.10-0.50) |"),
            std::string::npos)
      << t;
  EXPECT_NE(line_row(t, 16, "process").find("| 200.0 (100.0-300.0) |"), std::string::npos) << t;
  EXPECT_NE(line_row(t, 16, "process").find("| 1.00 (1.00-1.00) |"), std::string::npos) << t;
}

TEST(LineTable, FailedPointsAreLeftOutAndCounted) {
  LineResult bad = line_point("go", 2, 2, 1e6);
  bad.error = "line 7: the server closed client 1's connection";
  std::vector<LineResult> rs{line_point("process", 2, 1, 40), line_point("go", 2, 1, 20),
                             line_point("process", 2, 2, 40), bad};
  const std::string go = line_row(line_table(rs), 2, "go");
  EXPECT_NE(go.find("| 1 (1 failed) | 20.0 |"), std::string::npos) << go;
  EXPECT_EQ(go.find("1000000"), std::string::npos) << go;
}

TEST(LineTable, EveryNAndDesignHasARowInTheOrderMet) {
  std::vector<LineResult> rs{line_point("process", 2, 1, 40), line_point("go", 2, 1, 20),
                             line_point("process", 16, 1, 400), line_point("go", 16, 1, 90)};
  const std::string t = line_table(rs);
  const size_t a = t.find("| 2 | process |"), b = t.find("| 2 | go |"),
               c = t.find("| 16 | process |"), d = t.find("| 16 | go |");
  ASSERT_NE(d, std::string::npos) << t;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
}

TEST(LineCsv, ARowHasTheHeadersColumnsAndErrorsLoseTheirCommas) {
  LineResult r = line_point("fiber", 16, 2, 12.5);
  r.error = "a, b,\nc";
  const std::string row = line_csv_row(r);
  const std::string header = line_csv_header();
  EXPECT_EQ(std::count(row.begin(), row.end(), ','), std::count(header.begin(), header.end(), ','));
  EXPECT_EQ(std::count(row.begin(), row.end(), '\n'), 1);
  EXPECT_EQ(row.rfind("fiber,16,2,1000,15000,", 0), 0u) << row;
  EXPECT_NE(row.find(",12.50,"), std::string::npos) << row;
  EXPECT_NE(row.find("a; b; c\n"), std::string::npos) << row;
}

}  // namespace
}  // namespace papaya::real::bench
