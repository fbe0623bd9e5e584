#include "check/scenario_shrink.hpp"

#include <utility>

namespace papaya::properties {

namespace {

chat::Scenario explicit_plans(const chat::Scenario& s) {
  chat::Scenario out = s;
  out.plans = chat::effective_plans(s);
  out.clients = static_cast<int>(out.plans.size());
  return out;
}

}  // namespace

std::vector<chat::Scenario> simpler_scenarios(const chat::Scenario& s) {
  const chat::Scenario base = explicit_plans(s);
  std::vector<chat::Scenario> out;
  auto with = [&](auto change) {
    chat::Scenario c = base;
    change(c);
    c.clients = static_cast<int>(c.plans.size());
    if (!(c == base)) out.push_back(std::move(c));
  };
  const std::size_t n = base.plans.size();
  // Biggest cuts first: a whole client, then a line, then the extras, then line lengths.
  for (std::size_t i = 0; i < n && n > 1; ++i)
    with([i](chat::Scenario& c) { c.plans.erase(c.plans.begin() + static_cast<long>(i)); });
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t lines = base.plans[i].line_lengths.size();
    for (std::size_t m = 0; m < lines; ++m)
      with([i, m](chat::Scenario& c) {
        auto& l = c.plans[i].line_lengths;
        l.erase(l.begin() + static_cast<long>(m));
      });
  }
  for (std::size_t i = 0; i < n; ++i) {
    with([i](chat::Scenario& c) { c.plans[i].late = false; });
    with([i](chat::Scenario& c) { c.plans[i].vanish_mid_line = false; });
    with([i](chat::Scenario& c) { c.plans[i].join_delay = Duration::zero(); });
    with([i](chat::Scenario& c) { c.plans[i].gap = Duration::zero(); });
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t m = 0; m < base.plans[i].line_lengths.size(); ++m)
      with([i, m](chat::Scenario& c) {
        std::size_t& len = c.plans[i].line_lengths[m];
        len = len / 2;  // scenario_line raises it to the shortest identifiable line
        if (len < chat::scenario_line_min_length(static_cast<int>(i) + 1, static_cast<int>(m) + 1))
          len = 0;
      });
  // The join line's length (line_length) is every client's too.
  if (base.line_length > 1) with([](chat::Scenario& c) { c.line_length = c.line_length / 2; });
  return out;
}

ShrunkScenario shrink_scenario(const chat::Scenario& s, const CheckedRun& failing, Property p,
                               const ScenarioShrinkOptions& opts) {
  ShrunkScenario best{s, std::nullopt, 0, 0};
  auto current = [&]() -> const CheckedRun& { return best.run ? *best.run : failing; };
  auto run = [&](const chat::Scenario& c, std::uint64_t seed) {
    sim::Options o;
    o.seed = seed;
    o.max_steps = opts.max_steps;
    o.kills = opts.faults ? opts.faults(c, o) : failing.sim->options().kills;
    if (!failing.sim->options().disk_full.empty()) o.disk_full = c.server.log_path;
    ++best.runs;
    return run_and_check(c, o);
  };
  bool progress = true;
  while (progress && best.runs < opts.budget) {
    progress = false;
    const std::uint64_t seed = current().sim->options().seed;
    for (const chat::Scenario& c : simpler_scenarios(best.scenario)) {
      for (int k = 0; k <= opts.seeds_per_candidate && best.runs < opts.budget; ++k) {
        const std::uint64_t try_seed = k == 0 ? seed : static_cast<std::uint64_t>(k);
        if (k > 0 && try_seed == seed) continue;
        CheckedRun r = run(c, try_seed);
        if (r.finding(p).holds || r.report.steps >= current().report.steps) continue;
        best.scenario = c;
        best.run = std::move(r);
        ++best.accepted;
        progress = true;
        break;
      }
      if (progress || best.runs >= opts.budget) break;
    }
  }
  return best;
}

}  // namespace papaya::properties
