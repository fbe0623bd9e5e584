// Pids by fork path (model::KernelConfig::path_pids; docs/explore.md "Independence", "Forks of
// different parents commute"). The child's pid is a function of its parent and the parent's own
// earlier forks, so forks of different parents no longer write one `pidtable`: they commute. Each
// dependency a fork keeps is shown on a program small enough for dfs to be the reference, with
// dfs, dpor and optimal naming exactly the same traces under either naming: two parents forking,
// a waitpid(-1) reaping two children while another process forks, a kill(0) racing a fork; the
// commutation check passes the relation and catches it made wrong on purpose (forks independent
// with pids in order; a fork independent of its group's kill).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>
#include <vector>

#include "explore/commute.hpp"
#include "explore/explorer.hpp"
#include "explore/tests/relation_ignoring.hpp"
#include "model/kernel.hpp"
#include "sim/independence.hpp"
#include "sim/simulation.hpp"
#include "traces/jsonl.hpp"
#include "traces/trace.hpp"

namespace papaya::explore {
namespace {

// What the runs of one exploration did: every (parent, fork's return) and (process, getpid,
// getppid) seen, the order waitpid(-1) reaped in, take_caught's answers.
struct PidpathSeen {
  std::set<std::pair<Pid, std::int64_t>> forks;
  std::set<std::tuple<Pid, std::int64_t, std::int64_t>> selves;  // pid, getpid, getppid
  std::set<std::vector<std::int64_t>> reap_orders;
  std::set<std::int64_t> caught;
};

void pidpath_collect(const traces::Trace& t, PidpathSeen& out) {
  std::map<Pid, std::int64_t> self;
  std::vector<std::int64_t> reaped;
  for (const traces::Step& s : t.steps) {
    if (s.status != model::StepStatus::done) continue;
    if (s.op == model::OpKind::fork && s.err == Errno::ok) out.forks.insert({s.pid, s.ret});
    if (s.op == model::OpKind::getpid) self[s.pid] = s.ret;
    if (s.op == model::OpKind::getppid) out.selves.insert({s.pid, self[s.pid], s.ret});
    if (s.op == model::OpKind::waitpid && s.args[0] == -1 && s.err == Errno::ok && s.ret > 0)
      reaped.push_back(s.ret);
    if (s.op == model::OpKind::take_caught) out.caught.insert(s.ret);
  }
  if (!reaped.empty()) out.reap_orders.insert(reaped);
}

Result pidpath_explore(const std::function<void(Os&)>& init, StrategyName s, bool path,
                       PidpathSeen& seen) {
  Program p;
  p.init = init;
  p.header.path_pids = path;
  p.check_reads_order = false;
  p.check = [&seen](const sim::Simulation& sim, const sim::RunReport& r) {
    pidpath_collect(sim.trace(), seen);
    return r.verdict == Verdict::ok ? std::string()
                                    : std::string(verdict_name(r.verdict)) + ": " + r.detail;
  };
  Config c;
  c.strategy = s;
  c.max_executions = 200'000;
  c.keep_trace_names = true;
  return explore(p, c);
}

struct PidpathCounts {
  std::size_t traces = 0;
  PidpathSeen seen;  // dfs's
};

// dfs, dpor and optimal on `init`: the same trace names and the same outcomes.
PidpathCounts pidpath_expect_same_traces(const std::function<void(Os&)>& init, bool path) {
  PidpathSeen dfs_seen;
  const Result dfs = pidpath_explore(init, StrategyName::dfs, path, dfs_seen);
  EXPECT_TRUE(dfs.exhausted);
  EXPECT_FALSE(dfs.violation) << dfs.violation->detail;
  for (StrategyName s : {StrategyName::dpor, StrategyName::optimal}) {
    PidpathSeen seen;
    const Result r = pidpath_explore(init, s, path, seen);
    EXPECT_TRUE(r.exhausted) << strategy_name(s);
    EXPECT_FALSE(r.violation) << strategy_name(s);
    EXPECT_EQ(r.trace_names, dfs.trace_names)
        << strategy_name(s) << (path ? " path" : " sequential") << ": dfs " << dfs.executions << "/"
        << dfs.trace_names.size() << ", this " << r.executions << "/" << r.trace_names.size();
    EXPECT_EQ(seen.forks, dfs_seen.forks) << strategy_name(s);
    EXPECT_EQ(seen.reap_orders, dfs_seen.reap_orders) << strategy_name(s);
    EXPECT_EQ(seen.caught, dfs_seen.caught) << strategy_name(s);
  }
  return {dfs.trace_names.size(), dfs_seen};
}

// Pid 1 forks A and B; each forks one child and exits (the child exits too); pid 1 waits for A
// and B.
std::function<void(Os&)> two_parents_program() {
  return [](Os& os) {
    std::vector<Pid> kids;
    for (int i = 0; i < 2; ++i) {
      papaya::Result<Pid> c = os.fork([](Os& o) {
        if (!o.fork([](Os& g) { g.exit(0); })) o.exit(2);
        o.exit(0);
      });
      if (!c) os.exit(2);
      kids.push_back(*c);
    }
    for (Pid k : kids) (void)os.waitpid(k, false);
  };
}

TEST(PathPids, ForksOfTwoParentsCommuteAndEveryStrategyNamesDfsTraces) {
  // In order, the three later forks (pid 1's second, A's, B's) take their pids in up to 3 orders,
  // each renaming the processes after it. By fork path they commute: fewer than half the traces.
  const PidpathCounts sequential = pidpath_expect_same_traces(two_parents_program(), false);
  const PidpathCounts path = pidpath_expect_same_traces(two_parents_program(), true);
  // (The rest are the orders of the parents' exits, which reparent their children to pid 1,
  // against pid 1's own steps, and of the children's exits.)
  EXPECT_EQ(sequential.traces, 99u);
  EXPECT_EQ(path.traces, 45u);
  // Every fork returns its fork path's pid.
  EXPECT_EQ(path.seen.forks,
            (std::set<std::pair<Pid, std::int64_t>>{{1, 2}, {1, 3}, {2, 18}, {3, 34}}));
  // In order, the same processes get different pids in different traces.
  EXPECT_GT(sequential.seen.forks.size(), 4u);
}

// Pid 1 forks A, then a child of its own. A forks two children that exit at once and reaps them
// with waitpid(-1) (which child comes first is a race with their exits) while pid 1 forks.
std::function<void(Os&)> wait_any_program() {
  return [](Os& os) {
    papaya::Result<Pid> a = os.fork([](Os& o) {
      for (int i = 0; i < 2; ++i)
        if (!o.fork([](Os& c) { c.exit(0); })) o.exit(2);
      for (int i = 0; i < 2; ++i) (void)o.waitpid(-1, false);
      o.exit(0);
    });
    papaya::Result<Pid> b = os.fork([](Os& o) { o.exit(0); });
    if (!a || !b) os.exit(2);
    (void)os.waitpid(*a, false);
    (void)os.waitpid(*b, false);
  };
}

TEST(PathPids, AWaitpidOfAnyChildSeesBothOrdersWhileAnotherParentForks) {
  const PidpathCounts sequential = pidpath_expect_same_traces(wait_any_program(), false);
  const PidpathCounts path = pidpath_expect_same_traces(wait_any_program(), true);
  // Both reaping orders, under either naming; by fork path the children are 18 and 19 always.
  EXPECT_EQ(path.seen.reap_orders, (std::set<std::vector<std::int64_t>>{{18, 19}, {19, 18}}));
  EXPECT_EQ(path.seen.forks,
            (std::set<std::pair<Pid, std::int64_t>>{{1, 2}, {1, 3}, {2, 18}, {2, 19}}));
  EXPECT_GE(sequential.seen.reap_orders.size(), 2u);
  EXPECT_LT(path.traces, sequential.traces);
}

// Every process catches SIGTERM (inherited across fork). Pid 1 sends SIGTERM to its own group
// (kill(0)) while P, with SIGTERM blocked, forks C: after the fork the kill leaves it pending in C
// too, before it only in P ("The child's set of pending signals is initially empty"). C unblocks
// it and tells with take_caught.
std::function<void(Os&)> group_kill_program() {
  return [](Os& os) {
    (void)os.sigaction(Sig::term, SigAction::catch_flag(/*restart=*/true));
    papaya::Result<Pid> p = os.fork([](Os& o) {
      (void)o.sigprocmask(SigHow::block, SigSet{Sig::term});
      papaya::Result<Pid> c = o.fork([](Os& g) {
        (void)g.sigprocmask(SigHow::unblock, SigSet{Sig::term});
        g.exit(g.take_caught(Sig::term) ? 1 : 0);
      });
      if (c) (void)o.waitpid(*c, false);
      o.exit(0);
    });
    if (!p) os.exit(2);
    (void)os.kill(0, Sig::term);
    (void)os.waitpid(*p, false);
  };
}

TEST(PathPids, AGroupKillRacingAForkIsExploredBothWays) {
  const PidpathCounts sequential = pidpath_expect_same_traces(group_kill_program(), false);
  const PidpathCounts path = pidpath_expect_same_traces(group_kill_program(), true);
  EXPECT_EQ(path.seen.caught, (std::set<std::int64_t>{0, 1}));
  EXPECT_EQ(sequential.seen.caught, (std::set<std::int64_t>{0, 1}));
  EXPECT_LE(path.traces, sequential.traces);
}

CommuteReport pidpath_check(const std::function<void(Os&)>& init, bool path,
                            std::function<bool(const sim::Effect&, const sim::Effect&)> rel = {}) {
  Program p;
  p.init = init;
  p.header.path_pids = path;
  p.check_reads_order = false;
  CommuteConfig c;
  c.runs = 40;
  c.states_per_run = 8;
  c.pairs_per_state = 12;
  c.independent = std::move(rel);
  return check_commutation(p, c);
}

TEST(PathPids, TheCommutationCheckPassesForksOfTwoParentsAndCatchesThemInOrder) {
  for (const auto& init : {two_parents_program(), wait_any_program(), group_kill_program()}) {
    const CommuteReport ok = pidpath_check(init, true);
    EXPECT_TRUE(ok.failures.empty()) << (ok.failures.empty() ? "" : ok.failures.front());
    EXPECT_GE(ok.independent, 3u);
  }
  // Pids in order with forks declared independent (without `pidtable` and the child-to-be's
  // objects, which both forks name alike: the next pid): the two orders hand out swapped pids.
  const CommuteReport bad = pidpath_check(
      two_parents_program(), false,
      relation_ignoring({sim::Obj::pidtable, sim::Obj::alive, sim::Obj::pgrp, sim::Obj::process}));
  EXPECT_FALSE(bad.failures.empty()) << "forks independent under pids in order passed the check";
}

TEST(PathPids, TheCommutationCheckCatchesAForkIndependentOfItsGroupsKill) {
  // Fork then kill(0): the child has SIGTERM pending; kill then fork: it has not.
  const CommuteReport bad =
      pidpath_check(group_kill_program(), true, relation_ignoring({sim::Obj::group}));
  EXPECT_FALSE(bad.failures.empty()) << "a fork independent of kill(0) passed the check";
}

struct PidpathNoChoices final : model::Choices {
  std::uint32_t choose(std::uint32_t, model::DecisionKind) override { return 0; }
};

TEST(PathPids, ForksOfDifferentParentsAreIndependentOnlyByForkPath) {
  for (bool path : {false, true}) {
    PidpathNoChoices choices;
    model::KernelConfig config;
    config.path_pids = path;
    model::Kernel k(choices, config);
    const Pid init = k.create_init();
    k.submit(init, model::op::Fork{});
    const Pid a = static_cast<Pid>(k.step(init).ret);
    k.submit(init, model::op::Fork{});
    const Pid b = static_cast<Pid>(k.step(init).ret);
    EXPECT_EQ(a, 2);
    EXPECT_EQ(b, 3);
    k.submit(a, model::op::Fork{});
    k.submit(b, model::op::Fork{});
    EXPECT_EQ(k.next_child_pid(a), path ? 18 : 4);
    EXPECT_EQ(k.next_child_pid(b), path ? 34 : 4);
    EXPECT_EQ(sim::dependent(sim::effect_of(k, a), sim::effect_of(k, b)), !path);
    // A kill of the parent's group and a kill of the child-to-be stay dependent on the fork.
    k.submit(init, model::op::Kill{.pid = 0, .sig = Sig::term});
    EXPECT_TRUE(sim::dependent(sim::effect_of(k, a), sim::effect_of(k, init)));
  }
}

TEST(PathPids, APathPidIsAFunctionOfTheParentAndTheChildsNumber) {
  EXPECT_EQ(model::path_child_pid(1, 0), 2);
  EXPECT_EQ(model::path_child_pid(1, 15), 17);
  EXPECT_EQ(model::path_child_pid(2, 0), 18);
  EXPECT_EQ(model::path_child_pid(17, 15), 273);
  EXPECT_EQ(model::path_child_pid(1, 16), 0);  // past the fanout
  EXPECT_EQ(model::path_child_pid(2048, 13), 32767);
  EXPECT_EQ(model::path_child_pid(2048, 14), 0);  // pid_max (32768) reached
  EXPECT_EQ(model::path_child_pid(2049, 0), 0);
  // Injective over every parent that has a child.
  std::set<Pid> seen;
  for (Pid p = 1; p <= 2049; ++p)
    for (std::uint32_t n = 0; n < 16; ++n)
      if (const Pid c = model::path_child_pid(p, n); c != 0) {
        EXPECT_TRUE(seen.insert(c).second) << c;
        EXPECT_GT(c, p);
      }
}

// A 17th child has no pid by fork path: fork fails with EAGAIN and the kernel says why.
TEST(PathPids, ASeventeenthChildGetsEagainAndAWarning) {
  sim::Options o;
  o.path_pids = true;
  sim::Simulation s(o);
  int failed = 0;
  const sim::RunReport r = s.run([&failed](Os& os) {
    for (int i = 0; i < 17; ++i) {
      papaya::Result<Pid> kid = os.fork([](Os& o) { o.exit(0); });
      if (!kid) {
        failed += kid.error() == Errno::eagain ? 1 : 100;
        continue;
      }
      (void)os.waitpid(*kid, false);
    }
  });
  EXPECT_EQ(failed, 1);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("at most 16 children"), std::string::npos) << r.warnings[0];
}

// The trace header says how pids were named, and a replay names them alike; pids in order write
// nothing (the traces of `papaya sim` are as before).
TEST(PathPids, TheTraceHeaderRecordsPathPidsAndAReplayReproducesTheRun) {
  for (bool path : {false, true}) {
    sim::Options o;
    o.seed = 5;
    o.path_pids = path;
    sim::Simulation s(o);
    (void)s.run(two_parents_program());
    std::ostringstream out;
    traces::write_jsonl(s.trace(), out);
    EXPECT_EQ(out.str().find("\"pids\":\"path\"") != std::string::npos, path);
    std::istringstream in(out.str());
    const traces::LoadedTrace loaded = traces::read_jsonl(in);
    EXPECT_EQ(loaded.header.path_pids, path);
    const sim::ReplayReport rep = sim::replay(loaded, two_parents_program());
    EXPECT_FALSE(rep.diverged) << rep.divergence;
  }
}

}  // namespace
}  // namespace papaya::explore
