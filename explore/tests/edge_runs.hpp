// What the tests of the event log's enabling edges share (time_order_test.cpp, eof_join_test.cpp):
// an exploration of a small program that collects, per run, what its steps of some kinds
// returned, and the chat's exploration scenario explored twice, with an edge on and off.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "chat/scenario/scenario.hpp"
#include "explore/chat_program.hpp"
#include "explore/explorer.hpp"
#include "sim/simulation.hpp"
#include "traces/trace.hpp"

namespace papaya::explore::edge_runs {

// One run's completed steps of the watched kinds: (pid, kind, return value, errno, virtual time),
// sorted (equivalent runs list independent steps in other orders); the set of them.
using Step = std::tuple<Pid, int, std::int64_t, int, std::int64_t>;
using Outcomes = std::set<std::vector<Step>>;

// `c` with the program, a check that records into `out`, at most 100,000 executions, and trace
// names kept.
inline Result explore_watching(std::function<void(Os&)> init, Config c,
                               std::initializer_list<model::OpKind> watch, Outcomes& out) {
  Program p;
  p.init = std::move(init);
  p.check_reads_order = false;
  std::vector<model::OpKind> kinds(watch);
  p.check = [&out, kinds](const sim::Simulation& sim, const sim::RunReport& r) {
    std::vector<Step> run;
    for (const traces::Step& st : sim.trace().steps)
      if (st.status == model::StepStatus::done &&
          std::find(kinds.begin(), kinds.end(), st.op) != kinds.end())
        run.emplace_back(st.pid, static_cast<int>(st.op), st.ret, static_cast<int>(st.err),
                         st.time_ns);
    std::sort(run.begin(), run.end());
    out.insert(run);
    return r.verdict == Verdict::ok ? std::string()
                                    : std::string(verdict_name(r.verdict)) + r.detail;
  };
  c.max_executions = 100'000;
  c.keep_trace_names = true;
  return explore(p, c);
}

// The chat's exploration scenario (idle shutdown, correct design, no line), optimal DPOR with the
// kernel's default data options, run with `off` applied to the config and without.
inline std::pair<Result, Result> chat_with_and_without(int clients, std::uint64_t max_executions,
                                                       const std::function<void(Config&)>& off) {
  chat::Scenario sc;
  sc.clients = clients;
  sc.messages = 0;
  chat::use_exploration_scenario(sc);
  Config c;
  c.strategy = StrategyName::optimal;
  c.data_options = 1;
  c.max_executions = max_executions;
  Result with = explore(chat_program(sc), c);
  off(c);
  Result without = explore(chat_program(sc), c);
  return {with, without};
}

}  // namespace papaya::explore::edge_runs
