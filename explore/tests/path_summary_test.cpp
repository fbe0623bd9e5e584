// Where a saved search is (explore/path_summary.hpp): every branch not begun on the path is at
// least one run still to come, and the checkpoint before a search's last execution has none.
#include "explore/path_summary.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "explore/explorer.hpp"
#include "explore/programs.hpp"
#include "explore/tests/exploration_chat.hpp"

namespace papaya::explore {
namespace {

Config summary_config(StrategyName s, std::uint64_t max_executions) {
  Config c;
  c.strategy = s;
  c.data_options = 1;
  c.max_executions = max_executions;
  return c;
}

// The checkpoint of `p` stopped after `stop` executions.
Checkpoint saved_after(const Program& p, StrategyName s, std::uint64_t stop) {
  std::optional<Checkpoint> saved;
  Config c = summary_config(s, stop);
  c.save = [&](const Checkpoint& k) { saved = k; };
  explore(p, c);
  EXPECT_TRUE(saved) << "no checkpoint after " << stop;
  return saved ? *saved : Checkpoint{};
}

// The chat 1 x 1 (3,072 traces) under both DPORs and readers(2) under dfs (6,772 schedules),
// stopped at several points: the runs still
// to come (the whole search's, less those before the stop) are at least the next execution and
// one per branch not begun; before the last execution, no branch is left.
TEST(PathSummary, EveryBranchNotBegunIsARunStillToCome) {
  Program readers;
  readers.init = readers_program(2);
  readers.header.path_pids = true;
  readers.check_reads_order = false;
  for (const StrategyName s : {StrategyName::dpor, StrategyName::optimal, StrategyName::dfs}) {
    const std::string what(strategy_name(s));
    const Program p =
        s == StrategyName::dfs ? readers : exploration_chat(chat::Variant::correct, 1, 1);
    const Result whole = explore(p, summary_config(s, 10'000'000));
    ASSERT_TRUE(whole.exhausted) << what;
    const std::uint64_t runs = whole.executions + whole.abandoned;
    for (const std::uint64_t stop :
         std::initializer_list<std::uint64_t>{1, 100, 1'000, whole.executions - 1}) {
      const Checkpoint k = saved_after(p, s, stop);
      const PathSummary sum = path_summary(k);
      const std::uint64_t left = runs - (k.executions + k.abandoned);
      EXPECT_GT(sum.decisions, 0u) << what;
      EXPECT_GE(left, sum.not_begun + 1) << what << " after " << stop;
      EXPECT_LE(sum.open, sum.not_begun) << what;
      if (stop == whole.executions - 1 && whole.abandoned == 0) {
        EXPECT_EQ(sum.not_begun, 0u) << what << ": branches left before the last execution";
      }
      if (stop == 1'000) {
        EXPECT_GT(sum.not_begun, 0u) << what << ": nothing left a third of the way";
      }
      for (const auto& o : sum.shallowest) {
        EXPECT_LT(o.at, sum.decisions) << what;
        EXPECT_LT(o.branch, o.of) << what;
      }
    }
  }
}

TEST(PathSummary, DescribesTheShallowestOpenDecisions) {
  PathSummary s;
  s.decisions = 260;
  s.open = 37;
  s.not_begun = 47;
  s.shallowest = {{5, 1, 2}, {17, 2, 3}};
  EXPECT_EQ(describe(s),
            "260 decisions; 47 branches not begun at 37 of them; the shallowest: 5 (1 of 2), 17 (2 "
            "of 3)");
}

}  // namespace
}  // namespace papaya::explore
