// Stateful dfs under a preemption bound (docs/explore.md "Stateful dfs under a preemption bound",
// sim/dfs_strategy.hpp): with bounds 0, 1 and 2 it reaches exactly the final states bounded dfs
// reaches and finds exactly the failures it finds; a cut that ignores the preemptions left, or the
// process that may go on for free, misses some: both parts of the rule are needed.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "explore/explorer.hpp"
#include "explore/programs.hpp"
#include "explore/variables.hpp"
#include "sim/simulation.hpp"
#include "traces/trace.hpp"

namespace papaya::explore {
namespace {

// A process that exits with this code saw what the check forbids.
constexpr int bsc_bad_exit = 7;

Program bsc_program(std::function<void(Os&)> init) {
  Program p;
  p.init = std::move(init);
  p.check_reads_order = false;  // the check reads the verdict and each process's exit code
  p.check = [](const sim::Simulation& sim, const sim::RunReport& r) {
    if (r.verdict != Verdict::ok) return std::string(verdict_name(r.verdict)) + r.detail;
    for (const traces::Step& st : sim.trace().steps)
      if (st.status == model::StepStatus::exited && st.ret == bsc_bad_exit)
        return "pid " + std::to_string(st.pid) + " saw a half-done pair";
    return std::string();
  };
  return p;
}

// `max_states` 0: no table, every run to its end (bounded dfs, keying its final states).
Result bsc_run(const Program& p, int bound, std::size_t max_states,
               sim::DfsStrategy::CacheRule rule = {}) {
  Config c;
  c.strategy = StrategyName::dfs;
  c.bound = bound;
  c.state_cache = true;
  c.max_states = max_states;
  c.cache_rule = rule;
  c.max_executions = 200'000;
  c.keep_trace_names = true;
  c.stop_at_violation = false;  // the whole space: every final state, failing or not
  return explore(p, c);
}

// A writes x twice (1, then 2), B reads x and fails on 1 (between A's writes: a preemption of A),
// C writes and reads y (independent steps to interleave, and to spend preemptions on).
std::function<void(Os&)> bsc_half_pair_program() {
  return [](Os& os) {
    const std::vector<Fd> v = variables(os, 2);
    std::vector<Pid> kids;
    const std::vector<std::function<void(Os&)>> bodies = {
        [v](Os& o) {
          store(o, v[0], 1);
          store(o, v[0], 2);
        },
        [v](Os& o) {
          if (load(o, v[0]) == 1) o.exit(bsc_bad_exit);
        },
        [v](Os& o) {
          store(o, v[1], 1);
          (void)load(o, v[1]);
        },
    };
    for (const auto& body : bodies) {
      papaya::Result<Pid> pid = os.fork(body);
      if (!pid) os.exit(4);
      kids.push_back(*pid);
    }
    for (Pid k : kids) (void)os.waitpid(k, false);
  };
}

// A generated shared-variable program (a sweep of 300 such, 2 or 3 children with 1 to 3 loads or
// stores each over 2 variables, K = 0..2, found the two in bsc_cases() where a cut that ignores the
// running process loses final states; the sound rule lost none of the 900 pairs): pid 1 makes
// the variables and forks one child per entry; a store writes one more than the child last
// stored or loaded.
struct BscOp {
  bool store;
  int var;
};

std::function<void(Os&)> bsc_generated(int vars, std::vector<std::vector<BscOp>> threads) {
  return [vars, threads](Os& os) {
    const std::vector<Fd> v = variables(os, vars);
    std::vector<Pid> kids;
    for (const std::vector<BscOp>& t : threads) {
      papaya::Result<Pid> pid = os.fork([t, v](Os& o) {
        char c = 0;
        for (const BscOp& op : t) {
          const Fd fd = v[static_cast<std::size_t>(op.var)];
          if (op.store) {
            c = static_cast<char>(c + 1);
            store(o, fd, c);
          } else {
            c = load(o, fd);
          }
        }
      });
      if (!pid) os.exit(4);
      kids.push_back(*pid);
    }
    for (Pid k : kids) (void)os.waitpid(k, false);
  };
}

struct BscCase {
  const char* name;
  std::function<void(Os&)> init;
};

std::vector<BscCase> bsc_cases() {
  return {
      {"readers(1)", readers_program(1)},
      {"readers(2)", readers_program(2)},
      {"lastzero(1)", lastzero_program(1)},
      {"lastzero(2)", lastzero_program(2)},
      {"half pair", bsc_half_pair_program()},
      {"W1 W1 | W1 R1", bsc_generated(2, {{{true, 1}, {true, 1}}, {{true, 1}, {false, 1}}})},
      {"W0 | R1 W1 W1 | R0 R1 W1", bsc_generated(2, {{{true, 0}},
                                                     {{false, 1}, {true, 1}, {true, 1}},
                                                     {{false, 0}, {false, 1}, {true, 1}}})},
  };
}

TEST(BoundedStatefulDfs, ReachesExactlyTheFinalStatesOfBoundedDfsWithBoundsZeroOneAndTwo) {
  int cut = 0;
  int grew = 0;
  for (const BscCase& c : bsc_cases()) {
    const Program p = bsc_program(c.init);
    std::size_t before = 0;
    for (int k = 0; k <= 2; ++k) {
      const Result plain = bsc_run(p, k, 0);
      const Result cached = bsc_run(p, k, 1'000'000);
      ASSERT_TRUE(plain.exhausted) << c.name << " bound " << k;
      ASSERT_TRUE(cached.exhausted) << c.name << " bound " << k;
      EXPECT_EQ(plain.abandoned, 0u) << c.name << ": a table of no states cut a run";
      EXPECT_EQ(cached.final_states, plain.final_states) << c.name << " bound " << k;
      EXPECT_LE(cached.executions + cached.abandoned, plain.executions) << c.name << " bound " << k;
      EXPECT_FALSE(cached.step_bound_hit) << c.name;
      ASSERT_EQ(cached.pass_runs.size(), static_cast<std::size_t>(k + 1));
      if (cached.abandoned > 0) ++cut;
      if (plain.final_states.size() > before && k > 0) ++grew;
      before = plain.final_states.size();
    }
  }
  EXPECT_GE(cut, 6) << "the table cut almost nothing: the comparison shows little";
  EXPECT_GE(grew, 2) << "the bound changed nothing: the comparison shows little";
}

TEST(BoundedStatefulDfs, FindsTheFailureBoundedDfsFindsAtTheSameBoundsAndNoLater) {
  const Program p = bsc_program(bsc_half_pair_program());
  for (int k = 0; k <= 2; ++k) {
    const Result plain = bsc_run(p, k, 0);
    const Result cached = bsc_run(p, k, 1'000'000);
    ASSERT_EQ(plain.violation.has_value(), k > 0) << "bound " << k;
    ASSERT_EQ(cached.violation.has_value(), k > 0) << "bound " << k;
    if (k > 0) {
      EXPECT_LE(cached.violation->execution, plain.violation->execution) << "bound " << k;
    }
  }
}

// Ignoring the budget: the bound-1 pass meets its first decision with one preemption left, where
// the bound-0 pass stored it with none, and is cut at once: nothing that needs a preemption is
// explored, the failure included.
TEST(BoundedStatefulDfs, ACutThatIgnoresThePreemptionsLeftMissesTheFailureAndFinalStates) {
  const Program p = bsc_program(bsc_half_pair_program());
  const Result plain = bsc_run(p, 1, 0);
  const Result sound = bsc_run(p, 1, 1'000'000);
  const Result blind = bsc_run(p, 1, 1'000'000, {.running = true, .budget = false});
  ASSERT_TRUE(plain.violation);
  EXPECT_TRUE(sound.violation);
  EXPECT_FALSE(blind.violation) << "ignoring the budget still found the failure";
  EXPECT_EQ(sound.final_states, plain.final_states);
  EXPECT_LT(blind.final_states.size(), plain.final_states.size());
}

// Ignoring the running process: A writes y twice, B writes y and reads it back (a generated
// program). With one preemption, a state explored where one child could go on for free cuts the
// same state reached where the other could, and one of the 3 final states is never reached.
TEST(BoundedStatefulDfs, ACutThatIgnoresWhichProcessMayGoOnMissesAFinalState) {
  const Program p =
      bsc_program(bsc_generated(2, {{{true, 1}, {true, 1}}, {{true, 1}, {false, 1}}}));
  const Result plain = bsc_run(p, 1, 0);
  const Result sound = bsc_run(p, 1, 1'000'000);
  const Result blind = bsc_run(p, 1, 1'000'000, {.running = false, .budget = true});
  EXPECT_EQ(plain.final_states.size(), 3u);
  EXPECT_EQ(sound.final_states, plain.final_states);
  EXPECT_LT(blind.final_states.size(), plain.final_states.size())
      << "ignoring the running process lost nothing: the test shows nothing";
}

}  // namespace
}  // namespace papaya::explore
