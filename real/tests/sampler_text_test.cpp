// The sampler's /proc parsers and statistics on canned text (no /proc needed).
#include <gtest/gtest.h>

#include "real/sampler/proc_text.hpp"
#include "real/sampler/stats.hpp"

namespace papaya::real::sampler {
namespace {

TEST(Schedstat, FirstFieldIsNanosecondsOnCpu) {
  EXPECT_EQ(parse_schedstat_run_ns("123456789 2000 17\n"), 123456789u);
}

TEST(Schedstat, RefusesTextWithoutThreeFields) {
  EXPECT_FALSE(parse_schedstat_run_ns("123 4\n"));
  EXPECT_FALSE(parse_schedstat_run_ns(""));
  EXPECT_FALSE(parse_schedstat_run_ns("x 1 2"));
}

TEST(PidStat, ParentIsFoundAfterTheLastParenthesisOfACommWithSpacesAndParens) {
  std::optional<PidStat> st = parse_pid_stat("4242 (a (b) c) S 17 4242 4242 0 -1 4194560 95 0");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, 4242);
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->ppid, 17);
}

TEST(PidStat, ZombieStateIsRead) {
  std::optional<PidStat> st = parse_pid_stat("9 (papaya) Z 1 9 9 0");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, 'Z');
}

TEST(PidStat, RefusesTruncatedText) {
  EXPECT_FALSE(parse_pid_stat("12 (x"));
  EXPECT_FALSE(parse_pid_stat("12 (x) S"));
  EXPECT_FALSE(parse_pid_stat(""));
}

TEST(ProcStat, OneEntryPerCoreBusyExcludesIdleAndIowait) {
  const char* text =
      "cpu  1000 10 500 9000 100 5 7 3 0 0\n"
      "cpu0 600 10 300 4000 50 5 4 2 0 0\n"
      "cpu1 400 0 200 5000 50 0 3 1 0 0\n"
      "intr 123456\n"
      "ctxt 98765\n";
  std::vector<CoreTicks> cores = parse_proc_stat(text);
  ASSERT_EQ(cores.size(), 2u);
  EXPECT_EQ(cores[0].core, 0);
  EXPECT_EQ(cores[0].busy, 600u + 10 + 300 + 5 + 4 + 2);
  EXPECT_EQ(cores[0].total, cores[0].busy + 4000 + 50);
  EXPECT_EQ(cores[1].core, 1);
  EXPECT_EQ(cores[1].busy, 400u + 200 + 3 + 1);
}

TEST(KibField, PssIsReadFromSmapsRollupAndNotConfusedWithPssAnon) {
  const char* text =
      "55d0c0a00000-7ffd5a1f2000 ---p 00000000 00:00 0  [rollup]\n"
      "Rss:                4120 kB\n"
      "Pss_Anon:            300 kB\n"
      "Pss:                 812 kB\n"
      "Pss_Dirty:           320 kB\n";
  EXPECT_EQ(parse_kib_field(text, "Pss"), 812u);
  EXPECT_EQ(parse_kib_field(text, "Pss_Anon"), 300u);
  EXPECT_EQ(parse_kib_field(text, "Rss"), 4120u);
  EXPECT_FALSE(parse_kib_field(text, "Swap"));
}

TEST(Stats, MeanSampleStddevAndCv) {
  Summary s = summarize({2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_EQ(s.n, 8u);
  EXPECT_DOUBLE_EQ(s.mean, 5);
  EXPECT_NEAR(s.stddev, 2.138089935, 1e-9);  // divides by n - 1
  EXPECT_NEAR(s.cv, 2.138089935 / 5, 1e-9);
}

TEST(Stats, EmptyAndSingleAndZeroMeanHaveNoSpread) {
  EXPECT_EQ(summarize({}).n, 0u);
  EXPECT_EQ(summarize({3}).stddev, 0);
  EXPECT_EQ(summarize({0, 0}).cv, 0);
}

TEST(Stats, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(median({3, 1, 2}), 2);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(median({}), 0);
}

}  // namespace
}  // namespace papaya::real::sampler

#include "real/sampler/tree_sampler.hpp"

namespace papaya::real::sampler {
namespace {

SamplerConfig pinned() {
  SamplerConfig c;
  c.server_core = 0;
  c.helper_core = 1;
  return c;
}

TEST(Quiet, PinnedIntervalIsQuietWhenOnlyOurProcessesKeptTheCoresBusy) {
  OthersUse o = others_use({42, 18}, 40, 15, pinned());
  EXPECT_NEAR(o.pct, 3, 1e-9);
  EXPECT_TRUE(o.quiet);
}

TEST(Quiet, PinnedIntervalIsNotQuietWhenAnotherTenantHeldOneCore) {
  OthersUse o = others_use({42, 95}, 40, 15, pinned());
  EXPECT_NEAR(o.pct, 80, 1e-9);
  EXPECT_FALSE(o.quiet);
  // The server's own busy core is not blamed on others: the same figures on the other core are.
  EXPECT_FALSE(others_use({95, 18}, 40, 15, pinned()).quiet);
  EXPECT_TRUE(others_use({45, 18}, 40, 15, pinned()).quiet);
}

TEST(Quiet, UnpinnedComparesTheTotalRemainderWithTheThresholdTimesCores) {
  SamplerConfig c;                                      // no cores: unpinned
  EXPECT_TRUE(others_use({30, 20}, 25, 10, c).quiet);   // 15 <= 20
  EXPECT_FALSE(others_use({60, 20}, 25, 10, c).quiet);  // 45 > 20
}

}  // namespace
}  // namespace papaya::real::sampler
