// The long comparisons behind fine Go footprints being on (docs/explore.md, "Goroutine
// operations"): on the goroutine benchmarks' whole spaces at GOMAXPROCS 2, dfs, source-DPOR and
// optimal DPOR name the same Mazurkiewicz traces; so do dfs and source-DPOR on 40 generated
// programs at GOMAXPROCS 1 and 2; optimal DPOR and dfs on 34 at GOMAXPROCS 3; and the swap
// checker passes on random runs of the goroutine
// chat. Labelled slow (minutes): not in the default run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "chat/scenario/scenario.hpp"
#include "explore/chat_program.hpp"
#include "explore/programs.hpp"
#include "explore/tests/go_footprint_check.hpp"
#include "explore/tests/go_readers_order.hpp"

namespace papaya::explore {
namespace {

using namespace gofp;

TEST(GoFootprintSlow, DfsDporAndOptimalNameTheSameTracesOfTheGoBenchmarks) {
  struct Case {
    const char* name;
    std::function<void(Os&)> init;
  };
  for (const Case& c : {Case{"go-readers:1", go_readers_program(1)},
                        Case{"go-lastzero:1", go_lastzero_program(1)}}) {
    GoFineRun dfs = go_fine_explore(c.init, StrategyName::dfs, 2, true, 400'000);
    GoFineRun dpor = go_fine_explore(c.init, StrategyName::dpor, 2);
    GoFineRun optimal = go_fine_explore(c.init, StrategyName::optimal, 2);
    ASSERT_TRUE(dfs.result.exhausted) << c.name;
    ASSERT_TRUE(dpor.result.exhausted) << c.name;
    ASSERT_TRUE(optimal.result.exhausted) << c.name;
    EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names) << c.name;
    EXPECT_EQ(optimal.result.trace_names, dfs.result.trace_names) << c.name;
    EXPECT_EQ(dpor.program_traces.size(), 2u) << c.name;
    std::printf(
        "%s, GOMAXPROCS 2: dfs %llu executions, %llu traces; dpor %llu (+%llu); "
        "optimal %llu (+%llu)\n",
        c.name, static_cast<unsigned long long>(dfs.result.executions),
        static_cast<unsigned long long>(dfs.result.traces),
        static_cast<unsigned long long>(dpor.result.executions),
        static_cast<unsigned long long>(dpor.result.abandoned),
        static_cast<unsigned long long>(optimal.result.executions),
        static_cast<unsigned long long>(optimal.result.abandoned));
  }
}

TEST(GoFootprintSlow, DporCoversExactlyTheTracesDfsCoversOnGeneratedPrograms) {
  int compared = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const std::vector<GoGenThread> ts = go_gen_random(seed);
    for (int procs = 1; procs <= 2; ++procs) {
      const auto init = go_gen_program(2, seed % 2, ts);
      GoFineRun dfs = go_fine_explore(init, StrategyName::dfs, procs, true, 20'000);
      if (!dfs.result.exhausted) continue;
      GoFineRun dpor = go_fine_explore(init, StrategyName::dpor, procs);
      ++compared;
      EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names)
          << "seed " << seed << " GOMAXPROCS " << procs << ": " << go_gen_describe(ts);
    }
  }
  EXPECT_GE(compared, 50);
  std::printf("%d generated programs compared\n", compared);
}

// At three Ps (wave 15): optimal and source-DPOR name exactly dfs's traces of every generated
// program whose whole space dfs runs within 30,000 executions; optimal drops no branch it cannot
// follow. (Before wave 15 optimal lost traces of 11 of the first 300 seeds' programs.)
TEST(GoFootprintSlow, DporAndOptimalCoverExactlyTheTracesDfsCoversOnGeneratedProgramsAtThreePs) {
  int compared = 0;
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    const std::vector<GoGenThread> ts = go_gen_random(seed);
    const auto init = go_gen_program(2, seed % 2, ts);
    GoFineRun dfs = go_fine_explore(init, StrategyName::dfs, 3, true, 30'000);
    if (!dfs.result.exhausted) continue;
    GoFineRun optimal = go_fine_explore(init, StrategyName::optimal, 3);
    GoFineRun dpor = go_fine_explore(init, StrategyName::dpor, 3);
    ++compared;
    const std::string what = "seed " + std::to_string(seed) + ": " + go_gen_describe(ts);
    EXPECT_EQ(optimal.result.trace_names, dfs.result.trace_names) << what;
    EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names) << what;
    EXPECT_EQ(optimal.result.wakeup_divergences, 0u) << what;
  }
  EXPECT_GE(compared, 25);
  std::printf("%d generated programs compared at GOMAXPROCS 3\n", compared);
}

// go-readers:1 at three Ps, its whole space: dfs runs 7,115,000 executions (about 150 s in a
// release build) and names 6,023 traces; source-DPOR (5,960 before wave 15) and optimal DPOR
// (5,498) name exactly those.
TEST(GoFootprintSlow, DfsDporAndOptimalNameTheSameTracesOfGoReadersOnThreePs) {
  GoFineRun dfs = go_fine_explore(go_readers_program(1), StrategyName::dfs, 3, true, 10'000'000);
  GoFineRun dpor = go_fine_explore(go_readers_program(1), StrategyName::dpor, 3);
  GoFineRun optimal = go_fine_explore(go_readers_program(1), StrategyName::optimal, 3);
  ASSERT_TRUE(dfs.result.exhausted);
  EXPECT_EQ(dfs.result.traces, 6'023u);
  EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names);
  EXPECT_EQ(optimal.result.trace_names, dfs.result.trace_names);
}

// go-readers:2 at three Ps, where dfs cannot end (about 2.2 x 10^10 schedules by --estimate): an
// independent check from below. Every trace 200,000 random schedules name (each decision of the
// run taken at random, the non-scheduling ones at their first option, as the DPORs take them) is
// one optimal DPOR and source-DPOR name (371,926 each since wave 15; optimal named 325,424 in
// wave 14, 371,716 with only the first two of its fixes).
TEST(GoFootprintSlow, RandomRunsOfGoReadersTwoOnThreePsNameOnlyTracesTheDporsName) {
  GoFineRun optimal =
      go_fine_explore(go_readers_program(2), StrategyName::optimal, 3, true, 2'000'000);
  GoFineRun dpor = go_fine_explore(go_readers_program(2), StrategyName::dpor, 3, true, 2'000'000);
  ASSERT_TRUE(optimal.result.exhausted);
  ASSERT_TRUE(dpor.result.exhausted);
  EXPECT_EQ(optimal.result.traces, 371'926u);
  EXPECT_EQ(dpor.result.trace_names, optimal.result.trace_names);
  std::set<std::uint64_t> random;
  std::size_t outside = 0;
  for (std::uint64_t seed = 1; seed <= 200'000; ++seed) {
    const GoSwapRun r = go_swap_run(go_readers_program(2), 3, {}, seed);
    if (random.insert(r.trace).second) outside += optimal.result.trace_names.count(r.trace) ? 0 : 1;
  }
  EXPECT_EQ(outside, 0u) << "of " << random.size() << " random traces";
  std::printf(
      "go-readers:2, GOMAXPROCS 3: %zu distinct traces among 200,000 random runs, all "
      "named by the DPORs' %llu\n",
      random.size(), static_cast<unsigned long long>(optimal.result.traces));
}

TEST(GoFootprintSlow, AdjacentIndependentStepsOfTheGoroutineChatCommute) {
  for (int clients = 1; clients <= 2; ++clients)
    for (int messages = 0; messages <= 1; ++messages) {
      chat::Scenario sc;
      sc.clients = clients;
      sc.messages = messages;
      sc.server.design = chat::Design::goroutine;
      chat::use_exploration_scenario(sc);
      std::uint64_t pairs = 0;
      EXPECT_EQ(go_swap_check(chat_program(sc).init, 2, 2, &pairs), "")
          << clients << " x " << messages;
      EXPECT_GT(pairs, 0u);
      std::printf("goroutine chat %d x %d: %llu independent pairs swapped\n", clients, messages,
                  static_cast<unsigned long long>(pairs));
    }
}

// The program-level trace (explore/program_trace.hpp) up to the renaming of inodes: the chat's
// server and client each create a file, independent steps, and inodes are handed out in order,
// so equivalent runs name the two files the other way round (dfs, running both orders, met the
// renamed one; optimal ran one representative). Each file's accesses are named apart, and the
// files taken as a sorted list, not by inode.
std::uint64_t chat_program_trace_up_to_renaming(const traces::Trace& t) {
  std::map<std::uint32_t, traces::Trace> by_file;
  for (const traces::Step& st : t.steps)
    if (st.inode != 0) {
      traces::Step one = st;
      one.inode = 1;
      by_file[st.inode].steps.push_back(one);
    }
  std::vector<std::uint64_t> files;
  for (const auto& [inode, steps] : by_file) files.push_back(program_trace_name(steps));
  std::sort(files.begin(), files.end());
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint64_t f : files) h = (h ^ f) * 1099511628211ull;
  return h;
}

// Wave 13's cut (entersyscall and the exitsyscall back to its own P off the scheduler) on the
// goroutine chat at GOMAXPROCS 1, where optimal DPOR exhausts it (692 and 1,384 traces): every
// trace name and every program-level trace (its file accesses, up to the renaming of inodes) that
// dfs reaches within 0 preemptions (7,614 and 21,525 executions, each run in full) optimal DPOR
// reaches too.
TEST(GoFootprintSlow, OptimalReachesEveryTraceBoundedDfsReachesOfTheGoroutineChat) {
  for (int messages = 0; messages <= 1; ++messages) {
    chat::Scenario sc;
    sc.clients = 1;
    sc.messages = messages;
    sc.server.design = chat::Design::goroutine;
    sc.idle_shutdown = true;
    const auto init = chat_program(sc).init;
    auto run = [&init](StrategyName s, int bound, std::set<std::uint64_t>& names) {
      Program p;
      p.init = init;
      p.header.gomaxprocs = 1;
      p.check = [&names](const sim::Simulation& sim, const sim::RunReport&) {
        names.insert(chat_program_trace_up_to_renaming(sim.trace()));
        return std::string();
      };
      Config c;
      c.strategy = s;
      c.bound = bound;
      c.max_executions = 100'000;
      c.keep_trace_names = true;
      c.data_options = 1;
      return explore(p, c);
    };
    std::set<std::uint64_t> optimal_programs, dfs_programs;
    const Result optimal = run(StrategyName::optimal, -1, optimal_programs);
    const Result dfs = run(StrategyName::dfs, 0, dfs_programs);
    ASSERT_TRUE(optimal.exhausted) << messages;
    ASSERT_TRUE(dfs.exhausted) << messages;
    for (std::uint64_t n : dfs.trace_names)
      EXPECT_TRUE(optimal.trace_names.count(n)) << "1 x " << messages;
    for (std::uint64_t n : dfs_programs)
      EXPECT_TRUE(optimal_programs.count(n)) << "1 x " << messages;
    std::printf(
        "goroutine chat 1 x %d, GOMAXPROCS 1: optimal %llu traces, %zu program-level; "
        "dfs --bound 0 %llu executions, %zu traces, %zu program-level\n",
        messages, static_cast<unsigned long long>(optimal.traces), optimal_programs.size(),
        static_cast<unsigned long long>(dfs.executions), dfs.trace_names.size(),
        dfs_programs.size());
  }
}

// go-readers:2 on two Ps, its whole space: three of the four orders, never R1 before the writer
// and R2 after (go_readers_order_test.cpp says why).
TEST(GoFootprintSlow, GoReadersTwoOnTwoPsReachesEveryOrderButTheFirstQueuedReaderFirst) {
  const goreaders::ReadersOrders two =
      goreaders::explore_readers_orders(StrategyName::dpor, 2, -1, 1'000'000, "");
  ASSERT_TRUE(two.result.exhausted);
  EXPECT_FALSE(two.result.violation);
  EXPECT_EQ(two.orders, (std::set<std::string>{"R1 0, R2 0", "R1 1, R2 0", "R1 1, R2 1"}));
  std::printf("go-readers:2, GOMAXPROCS 2, dpor: %llu executions (+%llu abandoned), orders:",
              static_cast<unsigned long long>(two.result.executions),
              static_cast<unsigned long long>(two.result.abandoned));
  for (const std::string& o : two.orders) std::printf(" [%s]", o.c_str());
  std::printf("\n");
}

}  // namespace
}  // namespace papaya::explore
