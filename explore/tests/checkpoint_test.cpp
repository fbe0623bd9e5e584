// An optimal DPOR search saved between executions and resumed (explore/explorer.hpp Checkpoint,
// explore/checkpoint_file.hpp; docs/explore.md "Checkpoints"): the resumed search runs exactly
// the executions the uninterrupted one runs, through memory and through the file, and a file of
// another search, or a damaged one, is refused with a reason.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
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

Config checkpointed_optimal(std::uint64_t max_executions) {
  Config c;
  c.strategy = StrategyName::optimal;
  c.data_options = 1;
  c.keep_trace_names = true;
  c.max_executions = max_executions;
  return c;
}

Program checkpointed_go_readers(int procs) {
  Program p;
  p.init = go_readers_program(1);
  p.header.gomaxprocs = procs;
  p.header.path_pids = true;
  p.check_reads_order = false;
  return p;
}

// The search stopped after each of `stops` executions (saved there) and resumed from the save,
// in turn, to its end; the saves go through `file` when it is not empty.
Result checkpointed_in_pieces(const Program& p, const std::vector<std::uint64_t>& stops,
                              const std::string& file = {}, const std::string& target = "test",
                              const Config& base = checkpointed_optimal(0)) {
  std::optional<Checkpoint> saved;
  Result r;
  for (std::size_t i = 0; i <= stops.size(); ++i) {
    Config c = base;
    c.max_executions = i < stops.size() ? stops[i] : 10'000'000;
    std::optional<Checkpoint> from = std::move(saved);
    saved.reset();
    if (from) c.resume = &*from;
    c.save = [&](const Checkpoint& k) {
      if (file.empty()) {
        saved = k;
        return;
      }
      std::string error;
      EXPECT_TRUE(write_checkpoint(file, target, k, error)) << error;
      saved = read_checkpoint(file, target, error);
      EXPECT_TRUE(saved) << error;
    };
    r = explore(p, c);
    if (i < stops.size()) {
      EXPECT_TRUE(saved) << "no checkpoint at the stop after " << stops[i];
    }
  }
  return r;
}

// The search under `base` run whole, then stopped after each of `stops` and resumed, in memory
// and through the file: every count the same. Returns the whole search.
Result expect_resumes_as_whole(const std::string& name, const Program& p,
                               const std::vector<std::uint64_t>& stops, const Config& base) {
  const Result whole = explore(p, base);
  EXPECT_TRUE(whole.exhausted) << name;
  const ScratchDir scratch;
  const std::string file = scratch.file("checkpoint.cbor");
  for (const std::string& f : {std::string(), file}) {
    const Result pieces = checkpointed_in_pieces(p, stops, f, "test", base);
    const std::string what = name + (f.empty() ? ", in memory" : ", through the file");
    EXPECT_TRUE(pieces.exhausted) << what;
    expect_same_counts(pieces, whole, what);
    EXPECT_EQ(pieces.wakeup_divergences, whole.wakeup_divergences) << what;
    EXPECT_EQ(pieces.wakeup_asleep, whole.wakeup_asleep) << what;
    EXPECT_EQ(pieces.per_bound, whole.per_bound) << what;
    EXPECT_EQ(pieces.preemption_bounded, whole.preemption_bounded) << what;
    EXPECT_EQ(pieces.trace_names, whole.trace_names) << what;
  }
  return whole;
}

// The chat 1 x 1 (3,072 traces), lastzero(3) and go-readers:1 on two Ps (266; a Go program's
// effects come from the executor, and its wakeup trees hold `unknown` steps): stopped once or
// three times, in memory or through the file, each resumed search is the whole one.
TEST(OptimalCheckpoint, ResumingRunsExactlyTheExecutionsTheSearchWouldHaveRun) {
  struct Case {
    std::string name;
    Program program;
    std::vector<std::uint64_t> stops;
  };
  Program lastzero;
  lastzero.init = lastzero_program(3);
  lastzero.header.path_pids = true;
  lastzero.check_reads_order = false;
  for (const Case& c : {Case{"chat 1 x 1", exploration_chat(chat::Variant::correct, 1, 1), {1000}},
                        Case{"chat 1 x 1, three stops",
                             exploration_chat(chat::Variant::correct, 1, 1),
                             {1, 700, 2900}},
                        Case{"lastzero(3)", lastzero, {5}},
                        Case{"go-readers:1, two Ps", checkpointed_go_readers(2), {40, 200}}}) {
    const Result whole =
        expect_resumes_as_whole(c.name, c.program, c.stops, checkpointed_optimal(10'000'000));
    if (c.name.starts_with("chat")) {
      EXPECT_EQ(whole.traces, 3'072u);
    }
  }
}

// Source-DPOR (unbounded): the chat 1 x 1 and go-readers:1 on two Ps, stopped and resumed, the
// whole search's executions, sleep-set-blocked runs, steps, races and traces.
TEST(SourceDporCheckpoint, ResumingRunsExactlyTheExecutionsTheSearchWouldHaveRun) {
  Config base = checkpointed_optimal(10'000'000);
  base.strategy = StrategyName::dpor;
  expect_resumes_as_whole("chat 1 x 1", exploration_chat(chat::Variant::correct, 1, 1), {1000},
                          base);
  expect_resumes_as_whole("go-readers:1, two Ps", checkpointed_go_readers(2), {40, 200}, base);
}

// dfs: plain on readers(2) (6,772 schedules), within one preemption on the chat 1 x 0 (two
// passes; saved in the first), within two delays on the chat 1 x 1 (three passes): stopped and
// resumed, the same schedules per pass, steps and traces.
TEST(DfsCheckpoint, ResumingRunsExactlyTheSchedulesTheSearchWouldHaveRun) {
  struct Case {
    std::string name;
    Program program;
    int bound;
    sim::BoundKind kind;
    std::vector<std::uint64_t> stops;
  };
  Program readers;
  readers.init = readers_program(2);
  readers.header.path_pids = true;
  readers.check_reads_order = false;
  for (const Case& c : {Case{"readers(2)", readers, -1, sim::BoundKind::preemption, {100, 5000}},
                        Case{"chat 1 x 0, one preemption",
                             exploration_chat(chat::Variant::correct, 1, 0),
                             1,
                             sim::BoundKind::preemption,
                             {3, 600}},
                        Case{"chat 1 x 1, two delays",
                             exploration_chat(chat::Variant::correct, 1, 1),
                             2,
                             sim::BoundKind::delay,
                             {1, 50, 2000}}}) {
    Config base = checkpointed_optimal(10'000'000);
    base.strategy = StrategyName::dfs;
    base.bound = c.bound;
    base.bound_kind = c.kind;
    expect_resumes_as_whole(c.name, c.program, c.stops, base);
  }
}

// What the equalities above rest on: a resume that loses the wakeup trees (the branches still to
// explore) ends early with traces missing; one that loses dfs's path runs schedules again.
TEST(OptimalCheckpoint, AResumeWithoutTheWakeupTreesOrThePathIsCaught) {
  const Program p = exploration_chat(chat::Variant::correct, 1, 1);
  const Result whole = explore(p, checkpointed_optimal(10'000'000));
  std::optional<Checkpoint> saved;
  Config c = checkpointed_optimal(1000);
  c.save = [&](const Checkpoint& k) { saved = k; };
  explore(p, c);
  ASSERT_TRUE(saved);
  for (auto& n : saved->optimal.nodes) n.wut.clear();
  Config r = checkpointed_optimal(10'000'000);
  r.resume = &*saved;
  const Result broken = explore(p, r);
  EXPECT_LT(broken.traces, whole.traces);

  // dfs: a resume that loses the path starts its pass again, running schedules twice.
  Config d = checkpointed_optimal(10'000'000);
  d.strategy = StrategyName::dfs;
  d.bound = 1;
  const Program zero = exploration_chat(chat::Variant::correct, 1, 0);
  const Result dfs_whole = explore(zero, d);
  std::optional<Checkpoint> dfs_saved;
  Config stop = d;
  stop.max_executions = 600;
  stop.save = [&](const Checkpoint& k) { dfs_saved = k; };
  explore(zero, stop);
  ASSERT_TRUE(dfs_saved);
  dfs_saved->dfs.stack.clear();
  d.resume = &*dfs_saved;
  EXPECT_GT(explore(zero, d).executions, dfs_whole.executions);
}

std::string checkpoint_read_error(const std::string& path, const std::string& target) {
  std::string error;
  EXPECT_FALSE(read_checkpoint(path, target, error));
  return error;
}

// A checkpoint of another search, a truncated file, bytes that are not CBOR, a CBOR document of
// something else, and a missing file: each refused, saying which.
TEST(CheckpointFile, RefusesAnotherSearchAndDamagedFiles) {
  const ScratchDir scratch;
  const std::string good = scratch.file("good.cbor");
  std::optional<Checkpoint> saved;
  Config c = checkpointed_optimal(100);
  c.save = [&](const Checkpoint& k) { saved = k; };
  explore(exploration_chat(chat::Variant::correct, 1, 1), c);
  ASSERT_TRUE(saved);
  std::string error;
  ASSERT_TRUE(write_checkpoint(good, "chat 1 x 1", *saved, error)) << error;
  ASSERT_TRUE(read_checkpoint(good, "chat 1 x 1", error)) << error;
  EXPECT_NE(checkpoint_read_error(good, "chat 2 x 1").find("the checkpoint of another search"),
            std::string::npos);

  std::ifstream in(good, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto write = [&](const std::string& name, const std::string& content) {
    const std::string path = scratch.file(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  };
  const std::string cut = write("cut.cbor", bytes.substr(0, bytes.size() / 2));
  EXPECT_NE(checkpoint_read_error(cut, "chat 1 x 1").find("damaged"), std::string::npos);
  const std::string text = write("text.cbor", "not a checkpoint\n");
  EXPECT_NE(checkpoint_read_error(text, "chat 1 x 1").find("damaged"), std::string::npos);
  // A CBOR map of something else: {"format": "x"}.
  const std::string other = write("other.cbor",
                                  "\xa1\x66"
                                  "format\x61x");
  EXPECT_NE(checkpoint_read_error(other, "chat 1 x 1").find("is not a papaya explore checkpoint"),
            std::string::npos);
  EXPECT_NE(checkpoint_read_error(scratch.file("no-such-checkpoint"), "x").find("cannot read"),
            std::string::npos);
}

}  // namespace
}  // namespace papaya::explore
