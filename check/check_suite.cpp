#include "check/check_suite.hpp"

#include <fmt/format.h>

#include "check/chat_run.hpp"
#include "check/minimise.hpp"
#include "check/scenario_shrink.hpp"
#include "check/suite.hpp"

namespace papaya::properties {

bool Row::any_failed() const {
  for (const Cell& c : cells)
    if (!c.holds) return true;
  return false;
}

Verdict verdict_of(Property p) {
  switch (p) {
    case Property::no_interleaved_writes: return Verdict::interleaved_write;
    case Property::no_read_during_write: return Verdict::read_during_write;
    case Property::unlimited_readers: return Verdict::reader_blocked_by_reader;
    case Property::delivery: return Verdict::lost_delivery;
    case Property::no_deadlock: return Verdict::deadlock;
    case Property::no_half_served: return Verdict::half_served;
    case Property::log_heals: return Verdict::torn_log;
    case Property::slow_client: return Verdict::delivery_delayed;
  }
  return Verdict::ok;
}

namespace {

void record_failure(Cell& cell, const SuiteScenario& sc, std::uint64_t seed, const CheckedRun& run,
                    const CheckOptions& opts) {
  const Finding& f = run.finding(cell.property);
  ++cell.failing_runs;
  if (!cell.holds) return;  // the first failing run is the one we keep
  cell.holds = false;
  cell.scenario = sc.name;
  cell.seed = seed;
  cell.detail = f.detail;
  cell.steps = run.report.steps;
  // The scenario first (fewer clients and lines), then the schedule of its smallest failing run.
  ScenarioShrinkOptions so;
  so.budget = opts.shrink_budget;
  so.max_steps = opts.max_steps;
  so.faults = suite_faults(sc);
  ShrunkScenario small = opts.shrink_budget > 0
                             ? shrink_scenario(sc.scenario, run, cell.property, so)
                             : ShrunkScenario{sc.scenario, std::nullopt, 0, 0};
  cell.minimised_scenario = chat::describe(small.scenario);
  Counterexample cx = minimise(small.scenario, small.run ? *small.run : run, cell.property,
                               opts.shrink_budget, opts.max_steps, so.faults);
  cell.minimised_steps = cx.trace.steps.size();
  for (const traces::Decision& d : cx.trace.decisions) cell.minimised_preemptions += d.chosen != 0;
  cell.detail = cx.detail;
  cell.counterexample = std::move(cx.trace);
}

}  // namespace

Row check_variant(chat::DesignVariant v, const CheckOptions& opts, const Progress& progress) {
  Row row;
  row.design = v.design;
  row.variant = v.variant;
  for (Property p : all_properties) row.cells.emplace_back(p);
  std::vector<SuiteScenario> suite = builtin_suite(v);
  const int total = static_cast<int>(suite.size()) * opts.runs;
  for (const SuiteScenario& sc : suite) {
    for (int i = 0; i < opts.runs; ++i) {
      sim::Options so;
      so.seed = opts.seed + static_cast<std::uint64_t>(i);
      so.max_steps = opts.max_steps;
      so.kills = suite_kills(sc, so);
      if (sc.disk_full) so.disk_full = sc.scenario.server.log_path;
      CheckedRun run = run_and_check(sc.scenario, so);
      ++row.runs;
      row.steps += run.report.steps;
      row.max_readers = std::max(row.max_readers, max_simultaneous_readers(run.history));
      const std::vector<std::string> excused = excused_reader_waits(run.history);
      if (!excused.empty() && row.first_excused_reader_wait.empty())
        row.first_excused_reader_wait =
            fmt::format("scenario {}, seed {}: {}", sc.name, so.seed, excused.front());
      row.excused_reader_waits += static_cast<int>(excused.size());
      for (Cell& cell : row.cells)
        if (!run.finding(cell.property).holds) record_failure(cell, sc, so.seed, run, opts);
      if (progress) progress(row, row.runs, total);
    }
  }
  return row;
}

}  // namespace papaya::properties
