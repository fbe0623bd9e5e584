// The chat under exploration's kills (papaya explore --kills, sim::Options::explore_kills), for
// explore/tests/explore_kills_test.cpp and its slow sibling.
#pragma once

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

}  // namespace papaya::explore
