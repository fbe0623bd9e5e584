// Stateful dfs on the goroutine chat (docs/explore.md "Stateful dfs for goroutine programs"): on
// the smallest configuration it reaches exactly the final states bounded dfs reaches, with far
// fewer runs; and on a sweep of generated goroutine programs the sound key loses no final state
// where a key without the bytes a finished call received does. Slow (bounded dfs's 7,614
// runs of 1 x 0 within 0 preemptions; the sweep's 300 programs): built, run by hand.
#include <gtest/gtest.h>

#include <cstdio>

#include "chat/variant.hpp"
#include "explore/chat_program.hpp"
#include "explore/explorer.hpp"
#include "explore/tests/go_footprint_check.hpp"

namespace papaya::explore {
namespace {

Result gscs_chat_run(int messages, int bound, std::size_t max_states) {
  chat::Scenario s;
  s.clients = 1;
  s.messages = messages;
  s.server.design = chat::Design::goroutine;
  s.server.variant = chat::Variant::correct;
  chat::use_exploration_scenario(s);
  Program p = chat_program(s);
  p.header.gomaxprocs = 1;
  p.header.path_pids = true;
  Config c;
  c.strategy = StrategyName::dfs;
  c.bound = bound;
  c.state_cache = true;
  c.max_states = max_states;
  c.max_executions = 100'000;
  c.data_options = 1;
  return explore(p, c);
}

TEST(GoStatefulDfsSlow, ReachesExactlyTheFinalStatesOfBoundedDfsOnTheGoroutineChat) {
  Result plain = gscs_chat_run(0, 0, 0);
  Result stateful = gscs_chat_run(0, 0, 20'000'000);
  ASSERT_TRUE(plain.exhausted);
  ASSERT_TRUE(stateful.exhausted);
  EXPECT_EQ(plain.executions, 7'614u);  // docs/explore.md, "Within a preemption bound"
  EXPECT_FALSE(plain.violation);
  EXPECT_FALSE(stateful.violation);
  EXPECT_GT(stateful.abandoned, 0u);
  EXPECT_LT(stateful.executions + stateful.abandoned, plain.executions);
  EXPECT_EQ(stateful.final_states, plain.final_states);
}

// Generated programs (go_footprint_check.hpp: 2 goroutines of 1 or 2 operations) at GOMAXPROCS
// 1 and 2 and bounds none, 0 and 1, every one whose plain dfs space is within 3,000 executions:
// the sound key reaches plain dfs's final states on every one; the key without the bytes a
// finished call received (wave 9's) misses some on some (47 triples, all with two Ps and a bound:
// docs/explore.md). The keys without the run queues or the resumptions lose none here (their
// final states are keyed without them too, so the comparison is weaker; the run queues' loss was
// shown only with four goroutines returning from the kernel: docs/explore.md): they are counted,
// not asserted. Both are caught by go_state_cache_test.cpp, on programs of their own.
TEST(GoStatefulDfsSlow, ASweepOfGeneratedProgramsLosesFinalStatesOnlyWithAWrongKey) {
  sim::DfsStrategy::CacheRule sound;
  sim::DfsStrategy::CacheRule no_queues;
  no_queues.go_run_queues = false;
  sim::DfsStrategy::CacheRule no_resumes;
  no_resumes.go_resumes = false;
  sim::DfsStrategy::CacheRule no_received;
  no_received.go_received = false;
  int compared = 0;
  int lost[4] = {0, 0, 0, 0};
  int lost_two_ps_bounded = 0;  // the key without the received bytes: with two Ps and a bound
  // plain dfs; sound, no queues, no resumes, no received bytes (runs + cut)
  std::uint64_t runs[5] = {0, 0, 0, 0, 0};
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const std::vector<gofp::GoGenThread> ts = gofp::go_gen_random(seed);
    for (int procs : {1, 2}) {
      Program p;
      p.init = gofp::go_gen_program(2, seed % 2, ts);
      p.header.gomaxprocs = procs;
      p.check_reads_order = false;
      p.check = [](const sim::Simulation&, const sim::RunReport&) { return std::string(); };
      for (int bound : {-1, 0, 1}) {
        int i = 0;
        for (const sim::DfsStrategy::CacheRule& rule :
             {sound, no_queues, no_resumes, no_received}) {
          Config c;
          c.strategy = StrategyName::dfs;
          c.bound = bound;
          c.state_cache = true;
          c.max_states = 0;
          c.cache_rule = rule;
          c.max_executions = 3000;
          c.data_options = 1;
          c.stop_at_violation = false;
          Result plain = explore(p, c);
          if (!plain.exhausted) break;
          c.max_states = 1'000'000;
          Result cached = explore(p, c);
          ASSERT_TRUE(cached.exhausted);
          if (i == 0) {
            ++compared;
            runs[0] += plain.executions;
          }
          runs[i + 1] += cached.executions + cached.abandoned;
          if (cached.final_states != plain.final_states) ++lost[i];
          if (i == 3 && cached.final_states != plain.final_states && procs == 2 && bound >= 0)
            ++lost_two_ps_bounded;
          if (i == 0) {
            EXPECT_EQ(cached.final_states, plain.final_states)
                << "seed " << seed << ", " << procs << " Ps, bound " << bound << ": "
                << gofp::go_gen_describe(ts);
          }
          ++i;
        }
      }
    }
  }
  std::printf(
      "%d (program, GOMAXPROCS, bound) triples compared; final states lost: sound key %d, "
      "without run queues %d, without resumptions %d, without the received bytes %d (%d of them "
      "with two Ps and a bound); runs: plain dfs %llu, sound %llu, without run queues %llu, "
      "without resumptions %llu, without the received bytes %llu\n",
      compared, lost[0], lost[1], lost[2], lost[3], lost_two_ps_bounded,
      static_cast<unsigned long long>(runs[0]), static_cast<unsigned long long>(runs[1]),
      static_cast<unsigned long long>(runs[2]), static_cast<unsigned long long>(runs[3]),
      static_cast<unsigned long long>(runs[4]));
  EXPECT_EQ(lost[0], 0);
  EXPECT_GT(lost[3], 0);
}

}  // namespace
}  // namespace papaya::explore
