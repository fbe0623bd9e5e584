// The chat under exploration's kills (papaya explore --kills, sim::Options::explore_kills), for
// explore/tests/explore_kills_test.cpp and its slow sibling.
#pragma once

#include <string>

#include "chat/variant.hpp"
#include "explore/chat_program.hpp"
#include "explore/explorer.hpp"
#include "sim/simulation.hpp"

namespace papaya::explore {

inline Program kills_chat(chat::Variant v, int clients, int messages) {
  chat::Scenario s;
  s.clients = clients;
  s.messages = messages;
  s.server.variant = v;
  chat::use_exploration_scenario(s);
  Program p = chat_program(s);
  p.header.path_pids = true;
  return p;
}

inline Result kills_explore(const Program& p, int delays, int kills) {
  Config c;
  c.strategy = StrategyName::dfs;
  c.bound = delays;
  c.bound_kind = sim::BoundKind::delay;
  c.data_options = 1;
  c.kills = kills;
  c.max_executions = 1'000'000;
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
