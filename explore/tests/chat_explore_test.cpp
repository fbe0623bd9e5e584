// Exploration on the chat (docs/explore.md): dpor finds every variant dfs finds within the same
// budget on the smallest configuration; pct finds the locking bugs on two clients; dpor's
// executions on the correct design are pairwise inequivalent and violate nothing.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "chat/variant.hpp"
#include "check/chat_run.hpp"
#include "explore/chat_program.hpp"
#include "sim/race_census.hpp"

namespace papaya::explore {
namespace {

chat::Scenario scenario(chat::Variant v, int clients, int messages, bool idle = false) {
  chat::Scenario s;
  s.clients = clients;
  s.messages = messages;
  s.server.variant = v;
  if (idle) chat::use_exploration_scenario(s);
  return s;
}

Result run(chat::Variant v, int clients, StrategyName strategy, std::uint64_t budget,
           bool idle = false) {
  Config c;
  c.strategy = strategy;
  c.max_executions = budget;
  c.data_options = 1;
  return explore(chat_program(scenario(v, clients, 1, idle)), c);
}

// On the exploration scenario (idle shutdown), the one `papaya explore` runs.
TEST(ChatExplore, DporAndOptimalFindEveryVariantDfsFindsWithinTheSameBudget) {
  int found_by_dfs = 0;
  for (chat::Variant v : chat::all_variants) {
    if (v == chat::Variant::correct) continue;
    Result dfs = run(v, 1, StrategyName::dfs, 150, /*idle=*/true);
    Result dpor = run(v, 1, StrategyName::dpor, 150, /*idle=*/true);
    Result optimal = run(v, 1, StrategyName::optimal, 150, /*idle=*/true);
    if (dfs.violation) {
      ++found_by_dfs;
      EXPECT_TRUE(dpor.violation) << chat::variant_name(v) << ": dfs found "
                                  << dfs.violation->detail;
      EXPECT_TRUE(optimal.violation)
          << chat::variant_name(v) << ": dfs found " << dfs.violation->detail;
    }
  }
  EXPECT_GE(found_by_dfs, 1) << "the comparison compared nothing";
}

TEST(ChatExplore, PctFindsTheLockingBugsWithTwoClients) {
  for (chat::Variant v :
       {chat::Variant::shared_ofd, chat::Variant::torn_message, chat::Variant::exclusive_read}) {
    Result r = run(v, 2, StrategyName::pct, 100);
    EXPECT_TRUE(r.violation) << chat::variant_name(v);
  }
}

// The exploration scenario removes shutdown races only: every bug pct finds on the classic
// scenario with two clients it still finds (each at a fixed execution: the seeds are fixed).
TEST(ChatExplore, TheExplorationScenarioKeepsEveryBugPctFindsWithTwoClients) {
  for (chat::Variant v :
       {chat::Variant::paper, chat::Variant::shared_ofd, chat::Variant::torn_message,
        chat::Variant::exclusive_read, chat::Variant::lost_wakeup, chat::Variant::shared_offset}) {
    Result loaded = run(v, 2, StrategyName::pct, 1000);
    Result idle = run(v, 2, StrategyName::pct, 1000, /*idle=*/true);
    EXPECT_TRUE(loaded.violation) << chat::variant_name(v);
    EXPECT_TRUE(idle.violation) << chat::variant_name(v);
  }
}

// The idle shutdown: when init signals the server, every other process has ended (the clusters
// saw their clients leave and were reaped), and init reaps the server by pid: no waitpid(-1)
// returns a child. Random schedules, several seeds.
TEST(ChatExplore, TheIdleShutdownSignalsAnIdleServerAloneAndReapsItByPid) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    sim::Options o;
    o.seed = seed;
    properties::CheckedRun run =
        properties::run_and_check(scenario(chat::Variant::correct, 2, 1, /*idle=*/true), o);
    ASSERT_EQ(run.report.verdict, Verdict::ok) << run.report.detail;
    for (const properties::Finding& f : run.findings) EXPECT_TRUE(f.holds) << f.detail;
    const traces::Trace& t = run.sim->trace();
    std::size_t kill = t.steps.size();
    for (std::size_t i = 0; i < t.steps.size(); ++i) {
      const traces::Step& st = t.steps[i];
      if (st.pid == 1 && st.op == model::OpKind::kill) kill = std::min(kill, i);
      if (st.pid == 1 && st.op == model::OpKind::waitpid && st.args[0] < 0 &&
          st.status == model::StepStatus::done) {
        EXPECT_LE(st.ret, 0) << "seed " << seed << ": init's waitpid(-1) reaped pid " << st.ret;
      }
    }
    ASSERT_LT(kill, t.steps.size()) << "seed " << seed << ": init never signalled the server";
    EXPECT_EQ(t.steps[kill].args[0], 2) << "seed " << seed << ": init's kill is not for the server";
    for (std::size_t i = kill; i < t.steps.size(); ++i)
      EXPECT_TRUE(t.steps[i].pid == 1 || t.steps[i].pid == 2)
          << "seed " << seed << ": pid " << t.steps[i].pid << " still ran after the shutdown began";
  }
}

TEST(ChatExplore, DporExecutionsOnTheCorrectDesignAreDistinctTracesAndViolateNothing) {
  Result r = run(chat::Variant::correct, 1, StrategyName::dpor, 400);
  EXPECT_FALSE(r.violation) << r.violation->detail;
  EXPECT_EQ(r.executions, 400u);
  EXPECT_EQ(r.traces, r.executions) << "dpor ran two executions of one Mazurkiewicz trace";
}

TEST(ChatExplore, OptimalExecutionsOnTheCorrectDesignAreDistinctTracesAndViolateNothing) {
  Result r = run(chat::Variant::correct, 1, StrategyName::optimal, 400);
  EXPECT_FALSE(r.violation) << r.violation->detail;
  EXPECT_EQ(r.executions, 400u);
  EXPECT_EQ(r.traces, r.executions) << "optimal ran two executions of one Mazurkiewicz trace";
}

// Pids by fork path (docs/explore.md, "Forks of different parents commute"), as `papaya explore`
// names them with dfs, dpor and optimal: on two clients (exploration scenario) the executions
// are still pairwise inequivalent, and each names the same process by the same pid (the race
// census's fork path): init 1, the daemon 2, the clients 3 and 4, the clusters 18 and 19, their
// Child RECVs 274 and 290.
TEST(ChatExplore, OptimalExecutionsByForkPathOnTwoClientsAreDistinctTracesAndViolateNothing) {
  Program p = chat_program(scenario(chat::Variant::correct, 2, 0, /*idle=*/true));
  p.header.path_pids = true;
  std::set<Pid> pids;
  auto check = p.check;
  p.check = [&pids, check](const sim::Simulation& s, const sim::RunReport& r) {
    for (const traces::Step& st : s.trace().steps) pids.insert(st.pid);
    return check(s, r);
  };
  Config c;
  c.strategy = StrategyName::optimal;
  c.max_executions = 200;
  c.data_options = 1;
  Result r = explore(p, c);
  EXPECT_FALSE(r.violation) << r.violation->detail;
  EXPECT_EQ(r.executions, 200u);
  EXPECT_EQ(r.traces, r.executions) << "optimal ran two executions of one Mazurkiewicz trace";
  EXPECT_EQ(pids, (std::set<Pid>{1, 2, 3, 4, 18, 19, 274, 290}));
}

// Races on a pipe between init (1) and the clients (1.2, 1.3) that optimal DPOR reversed in the
// first `executions` executions of 2 x 0: the barrier's.
std::uint64_t barrier_reversals(bool per_client, std::uint64_t executions) {
  chat::Scenario sc = scenario(chat::Variant::correct, 2, 0, /*idle=*/true);
  sc.barrier_per_client = per_client;
  sim::RaceCensus census;
  Config c;
  c.strategy = StrategyName::optimal;
  c.max_executions = executions;
  c.data_options = 1;
  c.census = &census;
  Result r = explore(chat_program(sc), c);
  EXPECT_FALSE(r.violation) << r.violation->detail;
  const std::set<std::string> barrier_procs{"1", "1.2", "1.3"};
  std::uint64_t reversed = 0;
  for (const auto& [kind, count] : census.kinds())
    if ((kind.objects & (1u << static_cast<unsigned>(sim::Obj::pipe))) != 0 &&
        barrier_procs.contains(kind.first_proc) && barrier_procs.contains(kind.second_proc))
      reversed += count.reversed;
  return reversed;
}

// One pipe per client (Scenario::barrier_per_client, part of the exploration scenario): which
// client reports first is no longer a race; with the shared pipe it was (docs/explore.md, "One
// barrier pipe per client").
TEST(ChatExplore, TheExplorationScenarioGivesEachClientItsOwnBarrierPipe) {
  EXPECT_EQ(barrier_reversals(true, 2'000), 0u);
  EXPECT_GT(barrier_reversals(false, 2'000), 0u);
}

TEST(ChatExplore, DfsRunsManyExecutionsPerTraceWhereDporRunsOne) {
  Result dfs = run(chat::Variant::correct, 1, StrategyName::dfs, 400);
  EXPECT_FALSE(dfs.violation);
  EXPECT_LT(dfs.traces, dfs.executions);
}

}  // namespace
}  // namespace papaya::explore
