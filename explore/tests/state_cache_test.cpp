// Stateful dfs (docs/explore.md "Stateful dfs", sim/state_cache.hpp): it runs fewer executions
// than dfs, reaches exactly the final states dfs reaches, and finds every chat variant dfs finds
// within the same budget.
#include "sim/state_cache.hpp"

#include <gtest/gtest.h>

#include "chat/variant.hpp"
#include "explore/chat_program.hpp"
#include "explore/explorer.hpp"
#include "explore/programs.hpp"
#include "model/tests/harness.hpp"
#include "sim/independence.hpp"
#include "sim/simulation.hpp"
#include "traces/trace.hpp"

namespace papaya::explore {
namespace {

Program stateful_benchmark(std::function<void(Os&)> init, bool reads_order = false) {
  Program p;
  p.init = std::move(init);
  p.check_reads_order = reads_order;
  p.check = [](const sim::Simulation&, const sim::RunReport& r) {
    return r.verdict == Verdict::ok ? std::string()
                                    : std::string(verdict_name(r.verdict)) + r.detail;
  };
  return p;
}

// max_states 0 stores nothing: every run goes to its end (dfs, keying its final states).
Result stateful_run(const Program& p, std::size_t max_states, std::uint64_t budget = 1'000'000) {
  Config c;
  c.strategy = StrategyName::dfs;
  c.state_cache = true;
  c.max_states = max_states;
  c.max_executions = budget;
  c.keep_trace_names = true;
  return explore(p, c);
}

TEST(StatefulDfs, RunsFewerExecutionsThanDfsAndReachesExactlyItsFinalStates) {
  struct Case {
    const char* name;
    std::function<void(Os&)> init;
  };
  for (const Case& c :
       {Case{"readers(1)", readers_program(1)}, Case{"lastzero(1)", lastzero_program(1)},
        Case{"readers(2)", readers_program(2)}}) {
    const Program p = stateful_benchmark(c.init);
    Result dfs = stateful_run(p, 0);
    Result stateful = stateful_run(p, 1'000'000);
    ASSERT_TRUE(dfs.exhausted) << c.name;
    ASSERT_TRUE(stateful.exhausted) << c.name;
    EXPECT_EQ(dfs.abandoned, 0u) << c.name << ": a table of no states cut a run";
    EXPECT_GT(stateful.abandoned, 0u) << c.name << ": no run was cut";
    EXPECT_LT(stateful.executions + stateful.abandoned, dfs.executions) << c.name;
    EXPECT_GT(stateful.states, 0u) << c.name;
    EXPECT_EQ(stateful.final_states, dfs.final_states) << c.name;
    EXPECT_FALSE(stateful.step_bound_hit) << c.name;
  }
}

// The readers' final states: the writer's store before or after each reader's load; each reader
// observed 0 or 1, so 2^N final states (the key holds what each process observed). When the check
// may read the order of the file steps, the key keeps it: orders of the store, the loads and the
// exits (each process holds the variables' file) that end alike are final states of their own.
TEST(StatefulDfs, KeysWhatEachProcessObservedAndTheFileStepsOrderWhenTheCheckReadsIt) {
  for (int n : {1, 2}) {
    Result r = stateful_run(stateful_benchmark(readers_program(n)), 1'000'000);
    EXPECT_EQ(r.final_states.size(), 1u << n) << "readers(" << n << ")";
    Result ordered =
        stateful_run(stateful_benchmark(readers_program(n), /*reads_order=*/true), 1'000'000);
    EXPECT_GT(ordered.final_states.size(), r.final_states.size()) << "readers(" << n << ")";
    EXPECT_TRUE(ordered.exhausted);
  }
}

// Two children each write one byte of a file (different bytes): both orders end in the same
// kernel state, each child having observed the same. A check that reads the order of the steps
// (here: the run fails when the child with the higher pid writes first) tells them apart.
Program two_writers(bool fail_when_second_child_first) {
  Program p;
  p.init = [](Os& os) {
    auto fd = os.open("w", OpenFlags::rdwr | OpenFlags::creat);
    if (!fd) os.exit(2);
    std::vector<Pid> kids;
    for (Offset at : {0, 1}) {
      auto pid = os.fork([f = *fd, at](Os& o) {
        if (!o.pwrite(f, at == 0 ? "a" : "b", at)) o.exit(3);
      });
      if (!pid) os.exit(4);
      kids.push_back(*pid);
    }
    for (Pid k : kids)
      if (!os.waitpid(k, false)) os.exit(5);
  };
  p.check = [fail_when_second_child_first](const sim::Simulation& sim, const sim::RunReport&) {
    Pid first = 0;
    Pid low = 0;
    for (const traces::Step& st : sim.trace().steps)
      if (st.op == model::OpKind::pwrite && st.pid != 1) {
        if (first == 0) first = st.pid;
        low = low == 0 ? st.pid : std::min(low, st.pid);
      }
    const bool second_first = first != low;
    return second_first == fail_when_second_child_first ? std::string("this order fails")
                                                        : std::string();
  };
  return p;
}

TEST(StatefulDfs, FindsAFailureThatOnlyTheOrderOfTwoFileWritesShows) {
  for (bool polarity : {false, true}) {
    Result r = stateful_run(two_writers(polarity), 1'000'000);
    EXPECT_TRUE(r.violation) << "polarity " << polarity;
  }
}

// The key's part 3 at work: two processes write one byte each of one file, in either order. The
// kernel and each process's observations end equal; only the order chain tells the two apart.
model::StateDigest key_after_writes(bool second_first, bool keep_order) {
  model::testing::Harness h;
  const Fd fd = h.open(h.init, "w");
  const Pid a = h.fork(h.init);
  const Pid b = h.fork(h.init);
  sim::StateKeys keys;
  keys.keep_order(keep_order);
  auto write = [&](Pid pid, std::string_view byte, Offset at) {
    const model::Op op = model::op::Pwrite{fd, byte, at};
    h.k.submit(pid, op);
    keys.stepping(h.k, pid, sim::effect_of(h.k, pid));
    const model::Outcome out = h.k.step(pid);
    keys.outcome(pid, model::OpKind::pwrite, model::op_args(op), out, {});
  };
  if (second_first) {
    write(b, "b", 1);
    write(a, "a", 0);
  } else {
    write(a, "a", 0);
    write(b, "b", 1);
  }
  return keys.key(h.k);
}

TEST(StateKeys, TellTwoOrdersOfFileWritesApartOnlyWhenTheOrderIsKept) {
  EXPECT_NE(key_after_writes(false, true), key_after_writes(true, true));
  EXPECT_EQ(key_after_writes(false, false), key_after_writes(true, false));
  EXPECT_EQ(key_after_writes(true, true), key_after_writes(true, true));
}

chat::Scenario smallest(chat::Variant v) {
  chat::Scenario s;
  s.clients = 1;
  s.messages = 1;
  s.server.variant = v;
  chat::use_exploration_scenario(s);
  return s;
}

Result chat_run_with(chat::Variant v, bool state_cache, std::uint64_t budget) {
  Config c;
  c.strategy = StrategyName::dfs;
  c.state_cache = state_cache;
  c.max_executions = budget;
  c.data_options = 1;
  return explore(chat_program(smallest(v)), c);
}

// Every complete run dfs makes is either made by stateful dfs too (no later) or passes through a
// state whose explored subtree holds a run with the same verdict: whatever dfs finds within a
// budget, stateful dfs finds within it.
TEST(StatefulDfs, FindsEveryChatVariantDfsFindsWithinTheSameBudget) {
  int found_by_dfs = 0;
  for (chat::Variant v :
       {chat::Variant::paper, chat::Variant::shared_ofd, chat::Variant::torn_message,
        chat::Variant::exclusive_read, chat::Variant::lost_wakeup, chat::Variant::shared_offset}) {
    Result dfs = chat_run_with(v, false, 40);
    Result stateful = chat_run_with(v, true, 40);
    if (!dfs.violation) continue;
    ++found_by_dfs;
    ASSERT_TRUE(stateful.violation)
        << chat::variant_name(v) << ": dfs found " << dfs.violation->detail;
    EXPECT_LE(stateful.violation->execution, dfs.violation->execution) << chat::variant_name(v);
  }
  EXPECT_GE(found_by_dfs, 1) << "the comparison compared nothing";
}

}  // namespace
}  // namespace papaya::explore
