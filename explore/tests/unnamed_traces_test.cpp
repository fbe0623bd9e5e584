// Traces counted without names (explore::Config::name_traces off, papaya explore
// --no-trace-names): the DPORs count each complete execution as a new trace. That rests on their
// complete executions being pairwise inequivalent; here the names check it on every kind of
// target, and the unnamed search is the named one, count for count, whole and resumed from a
// checkpoint of kilobytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "explore/checkpoint_file.hpp"
#include "explore/explorer.hpp"
#include "explore/programs.hpp"
#include "explore/tests/exploration_chat.hpp"
#include "explore/tests/same_counts.hpp"
#include "explore/tests/scratch_dir.hpp"

namespace papaya::explore {
namespace {

struct UnnamedTarget {
  std::string name;
  Program program;
};

Program unnamed_benchmark(std::function<void(Os&)> init, int gomaxprocs = 0) {
  Program p;
  p.init = std::move(init);
  p.header.path_pids = true;
  if (gomaxprocs > 0) p.header.gomaxprocs = gomaxprocs;
  p.check_reads_order = false;
  return p;
}

std::vector<UnnamedTarget> unnamed_targets() {
  return {{"chat 1 x 1", exploration_chat(chat::Variant::correct, 1, 1)},
          {"chat 2 x 0", exploration_chat(chat::Variant::correct, 2, 0)},
          {"lastzero(4)", unnamed_benchmark(lastzero_program(4))},
          {"readers(3)", unnamed_benchmark(readers_program(3))},
          {"go-readers:1, two Ps", unnamed_benchmark(go_readers_program(1), 2)},
          {"go-readers:1, three Ps", unnamed_benchmark(go_readers_program(1), 3)}};
}

Config unnamed_config(StrategyName s, bool names, std::uint64_t max_executions) {
  Config c;
  c.strategy = s;
  c.data_options = 1;
  c.name_traces = names;
  c.max_executions = max_executions;
  return c;
}

// With names, each DPOR's distinct traces equal its complete executions (the chat 2 x 0 for its
// first 1,000); without, the same search: the same executions, sleep-set-blocked runs, steps and
// races, and as many traces, not named.
TEST(UnnamedTraces, EveryCompleteExecutionOfTheDporsIsANewTrace) {
  for (const StrategyName s : {StrategyName::dpor, StrategyName::optimal}) {
    for (const UnnamedTarget& t : unnamed_targets()) {
      const std::string what = t.name + ", " + std::string(strategy_name(s));
      const std::uint64_t cap = t.name == "chat 2 x 0" ? 1'000 : 10'000'000;
      const Result named = explore(t.program, unnamed_config(s, true, cap));
      const Result unnamed = explore(t.program, unnamed_config(s, false, cap));
      EXPECT_EQ(named.traces, named.executions) << what;
      EXPECT_TRUE(named.traces_named) << what;
      EXPECT_FALSE(unnamed.traces_named) << what;
      expect_same_counts(unnamed, named, what);
    }
  }
}

// Why dfs keeps its names: it runs many schedules of one trace, so its executions are no count
// of traces (readers(2): 6,772 schedules of 4 traces).
TEST(UnnamedTraces, DfsExecutionsAreNoCountOfTraces) {
  const Result r = explore(unnamed_benchmark(readers_program(2)),
                           unnamed_config(StrategyName::dfs, true, 10'000'000));
  EXPECT_EQ(r.traces, 4u);
  EXPECT_EQ(r.executions, 6'772u);
}

// A search without names, saved through the file after 1,000 executions and resumed: the whole
// search's counts, from a file of the path alone (about 21 KB; with names, 8 bytes a trace more). A
// search saved with names goes on without them (it drops them); a file that says it kept none but
// holds names is damaged.
TEST(UnnamedTraces, ACheckpointWithoutNamesHoldsThePathAloneAndResumesAsTheWholeSearch) {
  const Program p = exploration_chat(chat::Variant::correct, 1, 1);
  const ScratchDir scratch;
  const std::string file = scratch.file("unnamed.cbor");
  for (const StrategyName s : {StrategyName::dpor, StrategyName::optimal}) {
    const std::string what(strategy_name(s));
    const Result whole = explore(p, unnamed_config(s, false, 10'000'000));
    ASSERT_TRUE(whole.exhausted) << what;
    std::uintmax_t bytes[2] = {0, 0};  // the file without names, with them
    for (const bool saved_with_names : {false, true}) {
      std::optional<Checkpoint> saved;
      Config first = unnamed_config(s, saved_with_names, 1'000);
      first.save = [&](const Checkpoint& k) {
        std::string error;
        EXPECT_TRUE(write_checkpoint(file, "test", k, error)) << error;
        saved = read_checkpoint(file, "test", error);
        EXPECT_TRUE(saved) << error;
      };
      explore(p, first);
      ASSERT_TRUE(saved) << what;
      EXPECT_EQ(saved->names_kept, saved_with_names) << what;
      EXPECT_EQ(saved->trace_names.size(), saved_with_names ? 1'000u : 0u) << what;
      bytes[saved_with_names ? 1 : 0] = std::filesystem::file_size(file);
      Config rest = unnamed_config(s, false, 10'000'000);
      rest.resume = &*saved;
      expect_same_counts(explore(p, rest), whole, what);
    }
    // The names are 8 bytes each of the 1,000 traces; without them the path alone is left.
    EXPECT_GE(bytes[1], bytes[0] + 8'000) << what;
    EXPECT_LT(bytes[0], 32'000u) << what;
    // Names written into a file that says it kept none: refused as damaged.
    std::optional<Checkpoint> saved;
    Config first = unnamed_config(s, false, 100);
    first.save = [&](const Checkpoint& k) { saved = k; };
    explore(p, first);
    ASSERT_TRUE(saved);
    saved->trace_names = {1, 2, 3};
    std::string error;
    ASSERT_TRUE(write_checkpoint(file, "test", *saved, error)) << error;
    EXPECT_FALSE(read_checkpoint(file, "test", error)) << what;
    EXPECT_NE(error.find("names where none were kept"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace papaya::explore
