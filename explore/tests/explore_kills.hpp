// The chat under exploration's kills (papaya explore --kills, sim::Options::explore_kills), for
// explore/tests/explore_kills_test.cpp and its slow sibling.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "explore/tests/exploration_chat.hpp"
#include "sim/simulation.hpp"

namespace papaya::explore {

inline Result kills_explore(const Program& p, int delays, int kills) {
  Config c = delay_dfs(delays, 1'000'000);
  c.kills = kills;
  return explore(p, c);
}

// The violating run replayed from its trace alone (decisions, and the kills in its header): what
// the program's check says of it.
inline std::string kills_replayed_check(const Program& p, const traces::Trace& t) {
  sim::Options o;
  o.strategy = sim::StrategyKind::replay;
  o.replay = t.decisions;
  o.kills = t.header.kills;
  o.path_pids = t.header.path_pids;
  o.header = p.header;
  sim::Simulation sim(o);
  const sim::RunReport r = sim.run(p.init);
  return p.check(sim, r);
}

// The bug is found within `delays` delays and one kill: the counterexample's trace holds that one
// kill (of a server process, not init), and replayed alone it fails the same way.
inline void expect_found_with_one_kill(const Program& p, int delays) {
  const Result r = kills_explore(p, delays, 1);
  ASSERT_TRUE(r.violation);
  ASSERT_EQ(r.violation->trace.header.kills.size(), 1u);
  EXPECT_GT(r.violation->trace.header.kills[0].pid, 1);
  EXPECT_EQ(kills_replayed_check(p, r.violation->trace), r.violation->detail);
}

}  // namespace papaya::explore
