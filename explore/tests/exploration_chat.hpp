// The chat as `papaya explore` runs it (the exploration scenario, pids by fork path), and dfs
// under a delay bound, for the tests of delay bounding, estimates and kills.
#pragma once

#include "chat/variant.hpp"
#include "explore/chat_program.hpp"
#include "explore/explorer.hpp"

namespace papaya::explore {

inline Program exploration_chat(chat::Variant v, int clients, int messages) {
  chat::Scenario s;
  s.clients = clients;
  s.messages = messages;
  s.server.variant = v;
  chat::use_exploration_scenario(s);
  Program p = chat_program(s);
  p.header.path_pids = true;
  return p;
}

// dfs within `delays` delays, one option per non-scheduling decision unless told otherwise.
inline Config delay_dfs(int delays, std::uint64_t max_executions, std::uint32_t data_options = 1) {
  Config c;
  c.strategy = StrategyName::dfs;
  c.bound = delays;
  c.bound_kind = sim::BoundKind::delay;
  c.data_options = data_options;
  c.max_executions = max_executions;
  return c;
}

}  // namespace papaya::explore
