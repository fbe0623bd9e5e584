// Stateful dfs on the goroutine chat (docs/explore.md "Stateful dfs for goroutine programs"): on
// the smallest configuration it reaches exactly the final states bounded dfs reaches, with far
// fewer runs. Slow (bounded dfs's 7,614 runs of 1 x 0 within 0 preemptions): built, run by hand.
#include <gtest/gtest.h>

#include "chat/variant.hpp"
#include "explore/chat_program.hpp"
#include "explore/explorer.hpp"

namespace papaya::explore {
namespace {

Result gscs_chat_run(int messages, int bound, std::size_t max_states) {
  chat::Scenario s;
  s.clients = 1;
  s.messages = messages;
  s.server.design = chat::Design::goroutine;
  s.server.variant = chat::Variant::correct;
  s.idle_shutdown = true;
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

}  // namespace
}  // namespace papaya::explore
