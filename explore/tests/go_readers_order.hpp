// go-readers:2's program-level orders, by what each reader read (explore/tests/
// go_readers_order_test.cpp, go_footprint_slow_test.cpp; docs/explore.md, "Goroutine programs").
#pragma once

#include <memory>
#include <set>
#include <string>

#include "explore/explorer.hpp"
#include "explore/programs.hpp"

namespace papaya::explore::goreaders {

// What each reader of go-readers:2 read: "R1 0, R2 1" (0: its pread came before W's pwrite).
inline std::string readers_order_of(const traces::Trace& t) {
  std::size_t write = t.steps.size();
  std::size_t read[2] = {t.steps.size(), t.steps.size()};
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    const traces::Step& s = t.steps[i];
    if (s.inode == 0 || s.status != model::StepStatus::done) continue;
    if (s.op == model::OpKind::pwrite && s.g == 2) write = i;
    if (s.op == model::OpKind::pread && (s.g == 3 || s.g == 4)) read[s.g - 3] = i;
  }
  if (write == t.steps.size() || read[0] == t.steps.size() || read[1] == t.steps.size())
    return "incomplete";
  return std::string("R1 ") + (read[0] < write ? "0" : "1") + ", R2 " +
         (read[1] < write ? "0" : "1");
}

inline constexpr const char* readers_missing_order = "R1 0, R2 1";

struct ReadersOrders {
  Result result;
  std::set<std::string> orders;
};

// Explores go-readers:2; the check fails on the order `stop_at` ("" never), ending the exploration.
inline ReadersOrders explore_readers_orders(StrategyName s, int gomaxprocs, int bound,
                                            std::uint64_t max_executions,
                                            const std::string& stop_at) {
  auto orders = std::make_shared<std::set<std::string>>();
  Program p;
  p.init = go_readers_program(2);
  p.header.gomaxprocs = gomaxprocs;
  p.check = [orders, stop_at](const sim::Simulation& sim, const sim::RunReport& r) {
    const std::string o = readers_order_of(sim.trace());
    orders->insert(o);
    if (r.verdict != Verdict::ok) return std::string(verdict_name(r.verdict)) + ": " + r.detail;
    return o == stop_at ? "reached " + o : std::string();
  };
  Config c;
  c.strategy = s;
  c.bound = bound;
  c.max_executions = max_executions;
  c.data_options = 1;
  ReadersOrders out;
  out.result = explore(p, c);
  out.orders = *orders;
  return out;
}

}  // namespace papaya::explore::goreaders
