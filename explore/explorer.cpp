#include "explore/explorer.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <type_traits>

#include "model/check.hpp"
#include "sim/dfs_strategy.hpp"
#include "sim/dpor_strategy.hpp"
#include "sim/optimal_dpor_strategy.hpp"
#include "sim/pct_strategy.hpp"
#include "sim/random_strategy.hpp"
#include "sim/step_recorder.hpp"

namespace papaya::explore {

std::optional<StrategyName> parse_strategy(std::string_view s) {
  if (s == "dfs") return StrategyName::dfs;
  if (s == "dpor") return StrategyName::dpor;
  if (s == "optimal") return StrategyName::optimal;
  if (s == "pct") return StrategyName::pct;
  if (s == "random") return StrategyName::random;
  return std::nullopt;
}

std::string_view strategy_name(StrategyName s) {
  switch (s) {
    case StrategyName::dfs: return "dfs";
    case StrategyName::dpor: return "dpor";
    case StrategyName::optimal: return "optimal";
    case StrategyName::pct: return "pct";
    case StrategyName::random: return "random";
  }
  return "?";
}

namespace {

// Random exploration with the trace naming of the others: a RandomStrategy that also records the
// run's events (sim/step_recorder.hpp).
class RecordingRandom final : public sim::Strategy {
 public:
  explicit RecordingRandom(std::uint64_t seed) : r_(seed) {}
  std::string_view name() const override { return "random"; }
  bool begin_execution() override {
    rec_.clear();
    return true;
  }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t s) override {
    std::uint32_t c = r_.choose(n, kind, s);
    if (kind != model::DecisionKind::schedule) rec_.decision(c);
    return c;
  }
  bool observes() const override { return true; }
  void stepping(const model::Kernel& k, Pid pid) override { rec_.stepping(k, pid); }
  void step_effect(const sim::Effect& e) override { rec_.step_effect(e); }
  void stepped(Pid, model::StepStatus st) override { rec_.stepped(st, -1, false); }
  std::uint64_t trace_hash() const { return rec_.log().trace_hash(); }
  const sim::EventLog& log() const { return rec_.log(); }

 private:
  sim::RandomStrategy r_;
  sim::StepRecorder rec_;
};

struct Run {
  sim::RunReport report;
  std::unique_ptr<sim::Simulation> sim;
};

Run run_once(const Program& p, const Config& c, sim::Strategy& s) {
  sim::Options o;
  o.strategy = sim::StrategyKind::external;
  o.external = &s;
  o.max_steps = c.max_steps;
  o.faults = c.faults;
  o.seed = c.seed;
  o.header = p.header;
  o.gomaxprocs = p.header.gomaxprocs;  // a goroutine program's runtime, as its header says
  o.go_preempt = p.header.go_preempt;
  o.path_pids = p.header.path_pids;  // how the program's pids are named, as its header says
  o.go_fine_footprints = c.go_fine_footprints;
  o.time_orders_steps = c.time_orders_steps;
  o.explore_kills = c.kills;
  Run r;
  r.sim = std::make_unique<sim::Simulation>(o);
  r.report = r.sim->run(p.init);
  return r;
}

// A search saved between two executions: its strategy's snapshot and the counts so far.
template <class S>
Checkpoint checkpoint_of(const S& s, const Config& c, const Result& out,
                         const std::set<std::uint64_t>& seen) {
  Checkpoint k;
  if constexpr (std::is_same_v<S, sim::DfsStrategy>) {
    k.strategy = StrategyName::dfs;
    k.dfs = s.snapshot();
  } else {
    k.strategy = std::is_same_v<S, sim::DporStrategy> ? StrategyName::dpor : StrategyName::optimal;
    k.optimal = s.snapshot();
  }
  k.per_bound = out.per_bound;
  k.preemption_bounded = out.preemption_bounded;
  k.executions = out.executions;
  k.abandoned = out.abandoned;
  k.steps = out.steps;
  k.max_run_steps = out.max_run_steps;
  k.max_processes = out.max_processes;
  k.step_bound_hit = out.step_bound_hit;
  k.names_kept = c.name_traces;
  if (k.names_kept) k.trace_names.assign(seen.begin(), seen.end());
  return k;
}

// The counts of a resumed search, as they were when it was saved. A search saved with names may go
// on without them (it drops them); the other way round the names so far are not known.
void resume_counts(const Checkpoint& k, const Config& c, Result& out,
                   std::set<std::uint64_t>& seen) {
  PAPAYA_ASSERT(k.names_kept || !c.name_traces, "explore: a checkpoint without trace names");
  out.executions = k.executions;
  out.abandoned = k.abandoned;
  out.steps = k.steps;
  out.max_run_steps = k.max_run_steps;
  out.max_processes = k.max_processes;
  out.step_bound_hit = k.step_bound_hit;
  if (c.name_traces) seen.insert(k.trace_names.begin(), k.trace_names.end());
  out.traces = c.name_traces ? seen.size() : out.executions;
}

// A complete execution of a search: its trace, named or (Config::name_traces off) counted.
template <class S>
void count_trace(const S& s, const Config& c, Result& out, std::set<std::uint64_t>& seen) {
  if (!c.name_traces) {
    out.traces = out.executions;
    return;
  }
  seen.insert(s.trace_hash());
  out.traces = seen.size();
}

// One pass of a strategy that knows its next execution (dfs, dpor); `hash` names a run's trace.
template <class S>
bool pass(const Program& p, const Config& c, S& s, Result& out, std::set<std::uint64_t>& seen,
          int exactly_preemptions = -1) {
  while (s.next_execution()) {
    const bool over = out.executions >= c.max_executions;
    const bool stop = !over && c.stop && c.stop();
    // Between executions, the next one chosen: where a saved search goes on from.
    // (Not bounded dpor's passes, nor stateful dfs: their strategies have more than a snapshot.)
    if constexpr (requires { s.snapshot(); }) {
      const bool savable = c.save && !out.violation && !c.state_cache &&
                           !(c.strategy == StrategyName::dpor && c.bound >= 0);
      if (savable && (over || stop || (c.checkpoint_due && c.checkpoint_due())))
        c.save(checkpoint_of(s, c, out, seen));
    }
    if (over) {
      out.hit_max_executions = true;
      return false;
    }
    if (stop) {
      out.stopped = true;
      return false;
    }
    Run r = run_once(p, c, s);
    out.steps += r.report.steps;
    if (r.report.abandoned)
      ++out.abandoned;
    else
      ++out.executions;
    if (c.progress && (out.executions + out.abandoned) % c.progress_every == 0) {
      Progress now{out.executions, out.abandoned, out.traces, 0, exactly_preemptions};
      if constexpr (requires { s.states(); }) now.states = s.states();
      c.progress(now);
    }
    if (r.report.abandoned) continue;
    out.max_run_steps = std::max(out.max_run_steps, r.report.steps);
    out.max_processes = std::max(out.max_processes, r.report.processes);
    out.step_bound_hit |= r.report.verdict == Verdict::step_bound_exceeded;
    if constexpr (requires { s.preemptions(); }) {
      if (exactly_preemptions >= 0 && s.preemptions() == exactly_preemptions)
        ++out.per_bound.back();
    }
    count_trace(s, c, out, seen);
    // What optimal DPOR keeps between executions, sampled (a walk over the whole tree): the
    // largest sample, and the last.
    if constexpr (requires { s.footprint(); }) {
      if (out.executions % 20'000 == 0) {
        const sim::DporFootprint f = s.footprint();
        if (f.bytes > out.kept_peak.bytes) out.kept_peak = f;
      }
    }
    if constexpr (requires { s.current_key(); }) {
      if (c.state_cache) out.final_states.insert(s.current_key());
    }
    std::string bad = p.check ? p.check(*r.sim, r.report) : std::string();
    if (c.graph) c.graph->add_execution(s.log(), !bad.empty());
    if (!bad.empty() && !out.violation) {
      out.violation = Violation{out.executions, bad, r.sim->trace()};
      if (c.stop_at_violation) return false;
    }
  }
  return true;
}

// A complete run of a strategy that is not a search (a random walk, pct, random), counted and
// checked: false when its violation stops the exploration. `seen`: the trace names so far.
bool tally_run(const Program& p, const Config& c, const Run& r, Result& out,
               const std::set<std::uint64_t>& seen) {
  ++out.executions;
  out.steps += r.report.steps;
  out.max_run_steps = std::max(out.max_run_steps, r.report.steps);
  out.max_processes = std::max(out.max_processes, r.report.processes);
  out.step_bound_hit |= r.report.verdict == Verdict::step_bound_exceeded;
  out.traces = seen.size();
  if (c.progress && out.executions % c.progress_every == 0)
    c.progress(Progress{out.executions, 0, seen.size(), 0, -1});
  std::string bad = p.check ? p.check(*r.sim, r.report) : std::string();
  if (!bad.empty() && !out.violation) {
    out.violation = Violation{out.executions, bad, r.sim->trace()};
    if (c.stop_at_violation) return false;
  }
  return true;
}

// Knuth's estimator over `walks` random walks of a strategy set to walk (sim::DfsStrategy::walk):
// the mean weight and its relative standard error. Every walk is a complete run, checked like any
// other (a walk that finds a bug is a counterexample). False when stopped.
bool estimate_pass(const Program& p, const Config& c, sim::DfsStrategy& s, Result& out,
                   std::set<std::uint64_t>& seen, long double& mean, long double& rse) {
  long double sum = 0;
  long double sum_sq = 0;
  // First, uniform walks that only measure the runs' shape for the ones that count (under a
  // bound they go where the budget leaves room: sim/dfs_walk.cpp).
  const std::uint64_t pilot = c.bound >= 0 ? std::min<std::uint64_t>(100, c.estimate_walks) : 0;
  double decisions = 0;
  double options = 0;
  std::uint64_t n = 0;
  for (std::uint64_t i = 0; i < pilot + c.estimate_walks; ++i) {
    if (i == pilot && pilot > 0)
      s.walk_shape(decisions / static_cast<double>(pilot), options / std::max(decisions, 1.0));
    if (c.stop && c.stop()) {
      out.stopped = true;
      return false;
    }
    s.next_execution();
    Run r = run_once(p, c, s);
    if (i < pilot) {
      decisions += static_cast<double>(s.walk_decisions());
      options += static_cast<double>(s.walk_options());
    } else {
      const long double w = s.walk_weight();
      sum += w;
      sum_sq += w * w;
      ++n;
    }
    seen.insert(s.trace_hash());
    if (!tally_run(p, c, r, out, seen)) return false;
  }
  const auto walks = static_cast<long double>(n);
  mean = sum / walks;
  const long double var = n > 1 ? (sum_sq - walks * mean * mean) / (walks - 1) : 0;
  rse = mean > 0 ? std::sqrt(std::max<long double>(var, 0) / walks) / mean : 0;
  return true;
}

// The size of each pass of iterative bounding (or of the unbounded tree), from its own walks.
void estimate_tree(const Program& p, const Config& c, Result& out) {
  std::set<std::uint64_t> seen;
  TreeEstimate e;
  e.walks = c.estimate_walks;
  for (int k = c.bound >= 0 ? 0 : -1; k <= c.bound; ++k) {
    sim::DfsStrategy s(k, c.data_options, c.bound_kind);
    s.eof_joins_drop(c.eof_joins_drop);
    s.fill_joins_read(c.fill_joins_read);
    s.walk(c.seed + static_cast<std::uint64_t>(k + 1));
    long double mean = 0;
    long double rse = 0;
    if (!estimate_pass(p, c, s, out, seen, mean, rse)) return;
    e.schedules.push_back(mean);
    e.relative_standard_error.push_back(rse);
    e.iterative_executions += mean;
  }
  out.estimate = e;
}

}  // namespace

Result explore(const Program& p, const Config& c) {
  PAPAYA_ASSERT(!c.resume || c.resume->strategy == c.strategy,
                "explore: a checkpoint of another strategy");
  // Iterative bounding runs a trace again in each later pass, dfs many schedules per trace,
  // pct and random what they hit.
  PAPAYA_ASSERT(c.name_traces || (c.bound < 0 && (c.strategy == StrategyName::dpor ||
                                                  c.strategy == StrategyName::optimal)),
                "explore: only the unbounded DPORs count traces without naming them");
  Result out;
  out.traces_named = c.name_traces;
  std::set<std::uint64_t> seen;
  switch (c.strategy) {
    case StrategyName::dfs: {
      if (c.estimate_walks > 0) {
        estimate_tree(p, c, out);
        break;
      }
      if (c.bound < 0) {
        sim::DfsStrategy s(-1, c.data_options);
        s.eof_joins_drop(c.eof_joins_drop);
        s.fill_joins_read(c.fill_joins_read);
        if (c.state_cache)
          s.cache_states(c.max_states, c.max_steps, p.check_reads_order, c.cache_rule);
        if (c.resume) {
          s.restore(c.resume->dfs);
          resume_counts(*c.resume, c, out, seen);
        }
        out.exhausted = pass(p, c, s, out, seen);
        out.states = s.states();
        out.states_full = s.states_full();
        // A cut run whose explored continuation is longer than the step bound allows: not a
        // proof within that bound.
        out.step_bound_hit |= s.cut_may_pass_step_bound();
        break;
      }
      // Iterative preemption bounding (CHESS): bound 0, 1, ..., K; each pass re-runs the
      // schedules of the smaller bounds and counts as new those with exactly k preemptions (or
      // delays, c.bound_kind). Stateful: one table for all passes (sim/dfs_strategy.hpp); a pass's
      // complete runs are then those its cuts left, counted per pass with its cut runs and the
      // states stored.
      out.exhausted = true;
      sim::DfsStrategy s(0, c.data_options, c.bound_kind);
      s.eof_joins_drop(c.eof_joins_drop);
      s.fill_joins_read(c.fill_joins_read);
      if (c.state_cache)
        s.cache_states(c.max_states, c.max_steps, p.check_reads_order, c.cache_rule);
      // A resumed search goes on in the pass it was saved in, with the passes' counts so far.
      int first_pass = 0;
      if (c.resume) {
        s.restore(c.resume->dfs);
        resume_counts(*c.resume, c, out, seen);
        out.per_bound = c.resume->per_bound;
        out.preemption_bounded = c.resume->preemption_bounded;
        first_pass = c.resume->dfs.bound;
      }
      for (int k = first_pass; k <= c.bound; ++k) {
        if (k > first_pass) s.restart(k);
        if (k > first_pass || !c.resume) out.per_bound.push_back(0);
        const std::uint64_t runs = out.executions;
        const std::uint64_t cut = out.abandoned;
        const bool done = pass(p, c, s, out, seen, k);
        out.preemption_bounded = s.bounded();
        if (c.state_cache) {
          out.pass_runs.push_back(out.executions - runs);
          out.pass_cut.push_back(out.abandoned - cut);
          out.pass_states.push_back(s.states());
          out.reexplored += s.reexplored();
        }
        if (!done) {
          out.exhausted = false;
          break;
        }
      }
      out.states = s.states();
      out.states_full = s.states_full();
      out.step_bound_hit |= s.cut_may_pass_step_bound();
      break;
    }
    case StrategyName::dpor: {
      if (c.bound >= 0) {  // bounded partial-order reduction, iterative like dfs's
        out.exhausted = true;
        for (int k = 0; k <= c.bound; ++k) {
          sim::DporStrategy s(c.data_options, k, c.bpor);
          s.eof_joins_drop(c.eof_joins_drop);
          s.fill_joins_read(c.fill_joins_read);
          out.per_bound.push_back(0);
          const bool done = pass(p, c, s, out, seen, k);
          out.preemption_bounded = s.bounded();
          out.races += s.races();
          if (!done) {
            out.exhausted = false;
            break;
          }
        }
        break;
      }
      sim::DporStrategy s(c.data_options);
      s.eof_joins_drop(c.eof_joins_drop);
      s.fill_joins_read(c.fill_joins_read);
      if (c.resume) {
        s.restore(c.resume->optimal);
        resume_counts(*c.resume, c, out, seen);
      }
      out.exhausted = pass(p, c, s, out, seen);
      out.races = s.races();
      break;
    }
    case StrategyName::optimal: {
      sim::OptimalDporStrategy s(c.data_options);
      s.eof_joins_drop(c.eof_joins_drop);
      s.fill_joins_read(c.fill_joins_read);
      s.set_census(c.census);
      if (c.resume) {
        s.restore(c.resume->optimal);
        resume_counts(*c.resume, c, out, seen);
      }
      out.exhausted = pass(p, c, s, out, seen);
      out.races = s.races();
      out.wakeup_divergences = s.wakeup_divergences();
      out.wakeup_asleep = s.wakeup_asleep();
      out.kept = s.footprint();
      if (out.kept.bytes > out.kept_peak.bytes) out.kept_peak = out.kept;
      break;
    }
    case StrategyName::pct:
    case StrategyName::random: {
      // One execution per seed: seeds c.seed, c.seed + 1, ... (pct: k from the first run).
      std::uint64_t k_steps = 0;
      for (std::uint64_t i = 0; i < c.max_executions; ++i) {
        if (c.stop && c.stop()) {
          out.stopped = true;
          break;
        }
        std::unique_ptr<sim::Strategy> s;
        RecordingRandom* rr = nullptr;
        if (c.strategy == StrategyName::pct) {
          s = std::make_unique<sim::PctStrategy>(c.seed + i, c.pct_depth,
                                                 k_steps ? k_steps : c.max_steps / 100);
        } else {
          auto r = std::make_unique<RecordingRandom>(c.seed + i);
          rr = r.get();
          s = std::move(r);
        }
        Run r = run_once(p, c, *s);
        if (k_steps == 0) k_steps = r.report.steps;
        if (rr) seen.insert(rr->trace_hash());
        if (rr && c.graph) c.graph->add_execution(rr->log(), false);
        if (!tally_run(p, c, r, out, seen)) break;
      }
      out.hit_max_executions = out.executions >= c.max_executions;
      break;
    }
  }
  if (c.keep_trace_names) out.trace_names = std::move(seen);
  return out;
}

}  // namespace papaya::explore
