// papaya explore: model checking by systematic exploration (docs/explore.md).
//   papaya explore --design process --variant V --clients N --messages M
//                  --strategy dfs|dpor|optimal|pct|random [--bound K (dfs, dpor)]
//                  [--max-executions X] [--time-limit S] [--json] [--state-graph G] [--trace F]
//   papaya explore --benchmark readers:N|lastzero:N --strategy ...   (the DPOR benchmarks)
//   papaya explore --design goroutine [--gomaxprocs P] [--go-preempt] ...   (goroutines)
// The wall clock (time limit, executions per second, the progress line) lives here: sim/ and
// explore/ have none.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "chat/design.hpp"
#include "check/chat_run.hpp"
#include "check/minimise.hpp"
#include "cli/allocator.hpp"
#include "cli/command.hpp"
#include "cli/design_options.hpp"
#include "cli/explore_checkpoint.hpp"
#include "cli/explore_verdict.hpp"
#include "explore/chat_program.hpp"
#include "explore/commute.hpp"
#include "explore/explorer.hpp"
#include "explore/program_trace.hpp"
#include "explore/programs.hpp"
#include "explore/state_graph.hpp"
#include "traces/jsonl.hpp"

namespace papaya::cli {

namespace {

struct ExploreArgs {
  DesignArgs design;
  int clients = 1;
  int messages = 1;
  std::size_t line_length = 24;
  std::string strategy = "dpor";
  int bound = -1;
  int delay_bound = -1;        // dfs: a delay bound instead of a preemption bound
  std::uint64_t estimate = 0;  // dfs: random walks estimating the tree's size instead of a search
  int kills = 0;  // dfs: kill -9 of a server process before any step, at most this many
  std::uint64_t max_executions = 1'000'000;
  std::uint64_t max_steps = 100'000;
  double time_limit = 0;  // seconds; 0 = none
  std::uint64_t seed = 1;
  int pct_depth = 3;
  bool json = false;
  bool race_census = false;
  int check_commutation = 0;
  std::string state_graph;
  std::string trace;
  std::string benchmark;  // "readers:N" or "lastzero:N"
  int minimise_budget = 300;
  std::uint32_t data_options = 1;
  bool faults = false;
  bool loaded_shutdown = false;  // the normal scenario's shutdown instead of the idle one
  bool state_cache = false;      // dfs: cut runs at visited states (docs/explore.md)
  std::size_t max_states = 20'000'000;
  int gomaxprocs = 2;                  // a goroutine program's Ps
  bool go_preempt = false;             // offer sysmon's preemption before each goroutine operation
  std::string go_footprints = "fine";  // a Go program's step footprints: fine or coarse
  CheckpointOptions checkpoint;  // --checkpoint, --checkpoint-every, --resume, --no-trace-names
  // How fork names its child: "path" (by fork path), "sequential" (in order), "" (path for dfs,
  // dpor and optimal, sequential for pct and random).
  std::string pids;
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

bool write_trace(const traces::Trace& t, const std::string& path) {
  std::ofstream f(path);
  if (!f) return false;
  traces::write_jsonl(t, f);
  return static_cast<bool>(f);
}

// `program_traces` collects each execution's program-level trace (explore/program_trace.hpp).
std::optional<explore::Program> benchmark_program(
    const std::string& spec, std::string& error,
    const std::shared_ptr<std::set<std::uint64_t>>& program_traces) {
  const auto colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  int n = -1;
  try {
    if (colon != std::string::npos) n = std::stoi(spec.substr(colon + 1));
  } catch (...) {
    n = -1;
  }
  const bool known =
      name == "readers" || name == "lastzero" || name == "go-readers" || name == "go-lastzero";
  if (!known || n < 1 || n > 40) {
    error = "--benchmark \"" + spec +
            "\": expected readers:N, lastzero:N, go-readers:N or go-lastzero:N with N in 1..40";
    return std::nullopt;
  }
  explore::Program p;
  if (name == "readers") p.init = explore::readers_program(n);
  if (name == "lastzero") p.init = explore::lastzero_program(n);
  if (name == "go-readers") p.init = explore::go_readers_program(n);
  if (name == "go-lastzero") p.init = explore::go_lastzero_program(n);
  p.header.scenario_json = nlohmann::json{{"benchmark", name}, {"n", n}}.dump();
  p.check = [program_traces](const sim::Simulation& s, const sim::RunReport& r) {
    program_traces->insert(explore::program_trace_name(s.trace()));
    return r.verdict == Verdict::ok ? std::string()
                                    : std::string(verdict_name(r.verdict)) + ": " + r.detail;
  };
  p.check_reads_order = false;  // the verdict only
  return p;
}

// The counterexample: the violating run replayed, minimised with the existing minimiser, saved.
struct Saved {
  std::string path;
  std::string detail;
  std::uint64_t steps = 0;
  std::uint64_t original_steps = 0;
};

std::optional<Saved> save_counterexample(const ExploreArgs& a, const chat::Scenario* scenario,
                                         const explore::Violation& v) {
  Saved s;
  s.path = a.trace.empty()
               ? fmt::format("papaya-explore-{}-{}.trace.jsonl",
                             scenario ? std::string(chat::variant_name(scenario->server.variant))
                                      : std::string("benchmark"),
                             a.strategy)
               : a.trace;
  s.detail = v.detail;
  s.original_steps = v.trace.steps.size();
  traces::Trace t = v.trace;
  if (scenario) {
    sim::Options o;
    o.strategy = sim::StrategyKind::replay;
    o.replay = v.trace.decisions;
    o.max_steps = a.max_steps;
    o.gomaxprocs = a.gomaxprocs;
    o.go_preempt = a.go_preempt;
    o.path_pids = v.trace.header.path_pids;
    o.kills = v.trace.header.kills;  // --kills: the kills the run took, at their steps
    properties::CheckedRun run = properties::run_and_check(*scenario, o);
    for (const properties::Finding& f : run.findings) {
      if (f.holds) continue;
      properties::Counterexample cx =
          properties::minimise(*scenario, run, f.property, a.minimise_budget, a.max_steps);
      t = std::move(cx.trace);
      s.detail = std::string(properties::property_name(f.property)) + ": " + cx.detail;
      break;
    }
  }
  t.header.papaya_version = PAPAYA_VERSION;
  s.steps = t.steps.size();
  if (!write_trace(t, s.path)) return std::nullopt;
  return s;
}

// --check-commutation N (docs/explore.md "Testing the relation"): N random schedules, a few states
// on each, every pair of ready processes run both ways; the pairs the relation calls independent
// must commute; the dependent ones are tallied by kind (commuted after all, or not).
int run_commutation_check(const ExploreArgs& a, const explore::Program& program,
                          const std::string& what) {
  explore::CommuteConfig c;
  c.runs = a.check_commutation;
  c.states_per_run = 8;
  c.pairs_per_state = 12;
  c.seed = a.seed;
  c.max_steps = a.max_steps;
  c.probe_dependent = true;
  const Clock::time_point t0 = Clock::now();
  const explore::CommuteReport r = explore::check_commutation(program, c);
  std::printf("papaya explore: commutation check of %s\n", what.c_str());
  std::printf(
      "  %llu states, %llu independent pairs run both ways (%llu of them with fresh ids: "
      "states not compared; %llu equal only after their next steps), %llu dependent, %llu skipped "
      "(a first step only blocked); "
      "%llu wakeups checked; %llu executions, %.1f s\n",
      static_cast<unsigned long long>(r.states), static_cast<unsigned long long>(r.independent),
      static_cast<unsigned long long>(r.fresh_ids),
      static_cast<unsigned long long>(r.settled_later),
      static_cast<unsigned long long>(r.dependent),
      static_cast<unsigned long long>(r.skipped_blocked),
      static_cast<unsigned long long>(r.wakeups), static_cast<unsigned long long>(r.executions),
      seconds_since(t0));
  std::printf("  dependent pairs by kind (commuted after all / differed):\n");
  for (const auto& [kind, t] : r.dependent_kinds)
    std::printf("  %8llu %8llu  %s\n", static_cast<unsigned long long>(t.commuted),
                static_cast<unsigned long long>(t.differed), kind.c_str());
  for (const std::string& f : r.failures) std::printf("  DOES NOT COMMUTE: %s\n", f.c_str());
  std::printf("  verdict: %s\n", r.failures.empty() ? "every independent pair commuted"
                                                    : "some independent pair does not commute");
  return r.failures.empty() ? exit_ok : exit_failure;
}

// Knuth's estimate of the dfs tree (--estimate N): per pass, its schedules, and what the
// iterative search would run, at the walks' own rate.
void print_estimate(const explore::TreeEstimate& e, int bound, std::string_view unit,
                    double runs_per_s, std::uint64_t seed) {
  std::printf(
      "  estimate (Knuth 1975: %llu random walks down the dfs tree per pass, seeds %llu..):\n",
      static_cast<unsigned long long>(e.walks), static_cast<unsigned long long>(seed + 1));
  for (std::size_t k = 0; k < e.schedules.size(); ++k) {
    const std::string which =
        bound < 0 ? std::string("every schedule")
                  : fmt::format("pass {}, schedules with at most {} {}", k, k, unit);
    std::printf("    %s: about %.4Lg (relative standard error %.1Lf %%)\n", which.c_str(),
                e.schedules[k], 100 * e.relative_standard_error[k]);
  }
  const long double secs = runs_per_s > 0 ? e.iterative_executions / runs_per_s : 0;
  std::printf(
      "  the search would run about %.4Lg executions: about %.3Lg s (%.3Lg days) at these "
      "walks' %.0f executions/s\n",
      e.iterative_executions, secs, secs / 86400, runs_per_s);
}

int run_explore(const ExploreArgs& a) {
  keep_freed_memory();
  auto fail = [](const std::string& what) {
    std::fprintf(stderr, "papaya explore: %s\n", what.c_str());
    return exit_usage;
  };
  std::optional<explore::StrategyName> strategy = explore::parse_strategy(a.strategy);
  if (!strategy)
    return fail("unknown strategy \"" + a.strategy + "\" (dfs, dpor, optimal, pct, random)");
  if (a.bound >= 0 && *strategy == explore::StrategyName::optimal)
    return fail(
        "--bound does not combine with --strategy optimal (its wakeup trees and sleep sets "
        "assume every reordering of independent steps can be explored; use --strategy dpor, "
        "bounded partial-order reduction)");
  if (a.bound >= 0 && *strategy != explore::StrategyName::dfs &&
      *strategy != explore::StrategyName::dpor)
    return fail("--bound (preemption bounding) applies to --strategy dfs and dpor only");
  if (a.delay_bound >= 0 && a.bound >= 0)
    return fail("--delay-bound and --bound exclude each other (one bound counts per execution)");
  if (a.delay_bound >= 0 && *strategy != explore::StrategyName::dfs)
    return fail(
        "--delay-bound applies to --strategy dfs only (bounded partial-order reduction counts "
        "preemptions)");
  if (a.delay_bound >= 0 && a.state_cache)
    return fail(
        "--delay-bound does not combine with --state-cache (the table keys a decision with the "
        "process that may go on for free, not with where the round robin stands)");
  if (a.estimate > 0 && *strategy != explore::StrategyName::dfs)
    return fail(
        "--estimate applies to --strategy dfs only (the other searches' trees are not known "
        "before they are explored)");
  if (a.kills < 0) return fail("--kills must be at least 0");
  if (a.kills > 0 && *strategy != explore::StrategyName::dfs)
    return fail(
        "--kills applies to --strategy dfs only (the partial-order reductions do not see a kill "
        "as an event; pct and random would kill at nearly every step)");
  if (a.kills > 0 && a.state_cache) return fail("--kills does not combine with --state-cache");
  if (a.estimate > 0 && a.state_cache)
    return fail("--estimate does not combine with --state-cache (a walk keys no state)");
  // From here on `bound` is the one given, and `unit` what it counts.
  const bool delays = a.delay_bound >= 0;
  const int bound = delays ? a.delay_bound : a.bound;
  const std::string_view unit = delays ? "delays" : "preemptions";
  if (a.go_preempt && a.bound >= 0 && *strategy != explore::StrategyName::dfs)
    return fail(
        "--go-preempt with --bound applies to --strategy dfs only (it counts sysmon's "
        "preemptions against the bound; bounded dpor does not)");
  if (a.state_cache && *strategy != explore::StrategyName::dfs)
    return fail("--state-cache applies to --strategy dfs only");
  const bool checkpoints = !a.checkpoint.save.empty() || !a.checkpoint.resume.empty();
  if (std::string e = checkpoint_refusal(a.checkpoint, *strategy, a.bound, a.estimate > 0,
                                         a.state_cache, a.race_census || !a.state_graph.empty());
      !e.empty())
    return fail(e);
  if (a.time_limit < 0) return fail("--time-limit must be at least 0");
  if (a.max_executions < 1) return fail("--max-executions must be at least 1");
  if (a.pct_depth < 1) return fail("--pct-depth must be at least 1");
  if (a.data_options < 1) return fail("--data-options must be at least 1");
  if (!a.pids.empty() && a.pids != "path" && a.pids != "sequential")
    return fail("--pids \"" + a.pids + "\": expected path or sequential");
  const bool exhaustive = *strategy == explore::StrategyName::dfs ||
                          *strategy == explore::StrategyName::dpor ||
                          *strategy == explore::StrategyName::optimal;
  const bool path_pids = a.pids.empty() ? exhaustive : a.pids == "path";
  std::optional<chat::Scenario> scenario;
  explore::Program program;
  std::string what;
  auto program_traces = std::make_shared<std::set<std::uint64_t>>();
  if (!a.benchmark.empty()) {
    std::string error;
    std::optional<explore::Program> p = benchmark_program(a.benchmark, error, program_traces);
    if (!p) return fail(error);
    program = std::move(*p);
    what = "benchmark " + a.benchmark;
  } else {
    const DesignChoice choice = resolve_designs(a.design, World::sim, /*many=*/false);
    if (!choice.ok()) return fail(choice.error);
    const chat::DesignVariant dv = choice.rows.front();
    if (a.clients < 1 || a.messages < 0)
      return fail("--clients must be at least 1 and --messages at least 0");
    scenario.emplace();
    scenario->clients = a.clients;
    scenario->messages = a.messages;
    scenario->line_length = a.line_length;
    scenario->server.design = dv.design;
    scenario->server.variant = dv.variant;
    if (!a.loaded_shutdown) chat::use_exploration_scenario(*scenario);
    program = explore::chat_program(*scenario);
    what = fmt::format("design {}, variant {}, {} client{} x {} line{}, {} shutdown",
                       chat::design_name(dv.design), chat::variant_name(dv.variant), a.clients,
                       a.clients == 1 ? "" : "s", a.messages, a.messages == 1 ? "" : "s",
                       a.loaded_shutdown ? "loaded" : "idle");
    if (dv.design == chat::Design::goroutine)
      what += fmt::format(", GOMAXPROCS {}{}", a.gomaxprocs,
                          a.go_preempt ? ", preemption offered" : "");
  }
  if (a.gomaxprocs < 1 || a.gomaxprocs > 64) return fail("--gomaxprocs must be in 1..64");
  if (a.go_footprints != "coarse" && a.go_footprints != "fine")
    return fail("--go-footprints \"" + a.go_footprints + "\": expected coarse or fine");
  const bool go_target = (scenario && scenario->server.design == chat::Design::goroutine) ||
                         a.benchmark.rfind("go-", 0) == 0;
  if (go_target && a.go_footprints == "coarse") what += ", coarse Go footprints";
  program.header.gomaxprocs = a.gomaxprocs;
  program.header.go_preempt = a.go_preempt;
  program.header.path_pids = path_pids;
  if (!a.benchmark.empty() && a.benchmark.rfind("go-", 0) == 0)
    what +=
        fmt::format(", GOMAXPROCS {}{}", a.gomaxprocs, a.go_preempt ? ", preemption offered" : "");
  if (a.check_commutation > 0)
    return run_commutation_check(a, program,
                                 what + (path_pids ? ", pids by fork path" : ", pids in order"));
  explore::Config c;
  c.strategy = *strategy;
  c.bound = bound;
  c.bound_kind = delays ? sim::BoundKind::delay : sim::BoundKind::preemption;
  c.estimate_walks = a.estimate;
  c.kills = a.kills;
  c.max_executions = a.max_executions;
  c.max_steps = a.max_steps;
  c.seed = a.seed;
  c.pct_depth = a.pct_depth;
  c.data_options = a.data_options;
  c.faults = a.faults;
  c.state_cache = a.state_cache;
  c.max_states = a.max_states;
  c.go_fine_footprints = a.go_footprints == "fine";
  c.name_traces = !a.checkpoint.no_trace_names;
  // A checkpoint belongs to one search: what is explored and every option that shapes its tree.
  ExploreCheckpoints saves;
  if (checkpoints) {
    const std::string target = fmt::format(
        "{}; strategy {}{}; kills {}; data options {}; max steps {}; faults {}; pids {}; go "
        "footprints {}; go preemption {}; papaya {}",
        what, a.strategy,
        bound >= 0 ? fmt::format(", {} bound {}", delays ? "delay" : "preemption", bound) : "",
        a.kills, a.data_options, a.max_steps, a.faults ? "offered" : "no",
        path_pids ? "by path" : "in order", a.go_footprints, a.go_preempt ? "offered" : "no",
        PAPAYA_VERSION);
    if (std::string e = saves.attach(a.checkpoint, target, c); !e.empty()) return fail(e);
  }
  const Clock::time_point t0 = Clock::now();
  if (a.time_limit > 0) c.stop = [&] { return seconds_since(t0) >= a.time_limit; };
  Clock::time_point last_progress = t0;
  c.progress_every = 100;
  c.progress = [&](const explore::Progress& p) {
    if (std::chrono::duration<double>(Clock::now() - last_progress).count() < 2) return;
    last_progress = Clock::now();
    const double s = seconds_since(t0);
    std::string more;
    if (a.state_cache)
      more = fmt::format(", {} cut, {} states{}", p.abandoned, p.states,
                         p.pass >= 0 ? fmt::format(", pass {}", p.pass) : std::string());
    else if (p.pass >= 0)
      more = fmt::format(", pass {} (at most {} {})", p.pass, p.pass, unit);
    std::fprintf(stderr, "papaya explore: %llu executions, %llu traces, %.1f s, %.0f/s%s\n",
                 static_cast<unsigned long long>(p.executions),
                 static_cast<unsigned long long>(p.traces), s,
                 static_cast<double>(p.executions - saves.resumed_at()) / s, more.c_str());
  };
  std::unique_ptr<explore::StateGraph> graph;
  if (!a.state_graph.empty()) {
    graph = std::make_unique<explore::StateGraph>();
    c.graph = graph.get();
  }
  sim::RaceCensus census;
  if (a.race_census) c.census = &census;
  explore::Result r = explore::explore(program, c);
  const double secs = seconds_since(t0);
  // Rates are this sitting's (a resumed search's counts are totals since it began).
  const double per_s =
      secs > 0 ? static_cast<double>(r.executions + r.abandoned - saves.resumed_runs()) / secs : 0;
  const double steps_per_s =
      secs > 0 ? static_cast<double>(r.steps - saves.resumed_steps()) / secs : 0;
  std::string bounds = fmt::format(
      "max {} executions, {} steps per execution, time limit {}; non-scheduling decisions "
      "(segments, arrivals, signal races{}): {}; {}{}",
      a.max_executions, a.max_steps, a.time_limit > 0 ? fmt::format("{} s", a.time_limit) : "none",
      a.faults ? ", short sends" : "",
      *strategy == explore::StrategyName::dfs || *strategy == explore::StrategyName::dpor ||
              *strategy == explore::StrategyName::optimal
          ? (a.data_options == 1 ? std::string("the default option only (--data-options 1)")
                                 : fmt::format("the first {} options of each", a.data_options))
          : std::string("uniform random"),
      a.faults ? "" : "short sends (faults): not offered (--faults); ",
      a.kills > 0 ? fmt::format("kill -9 of any server process before any step, at most {} per "
                                "execution (distinct traces do not tell kills apart)",
                                a.kills)
                  : std::string("kill -9: not explored (--kills)"));
  bounds += path_pids ? "; pids by fork path" : "; pids in order";
  if (bound >= 0) bounds += fmt::format("; {} bound {}", delays ? "delay" : "preemption", bound);
  if (a.state_cache)
    bounds += a.max_states > 0 ? fmt::format("; state cache of at most {} states", a.max_states)
                               : std::string(
                                     "; state cache of no states (every run to its end, final "
                                     "states keyed)");
  if (*strategy == explore::StrategyName::pct) bounds += fmt::format("; pct depth {}", a.pct_depth);
  const std::string status = explore_verdict(r, {.strategy = *strategy,
                                                 .bound = bound,
                                                 .delays = delays,
                                                 .state_cache = a.state_cache,
                                                 .states_kept = a.max_states > 0,
                                                 .go_target = go_target,
                                                 .fine_go_footprints = a.go_footprints == "fine",
                                                 .gomaxprocs = a.gomaxprocs});
  std::optional<Saved> saved;
  if (r.violation) {
    saved = save_counterexample(a, scenario ? &*scenario : nullptr, *r.violation);
    if (!saved) return fail("cannot write the counterexample trace");
  }
  if (graph) {
    std::ofstream f(a.state_graph);
    if (!f) return fail("cannot write the state graph to " + a.state_graph);
    f << graph->to_dot();
  }
  // PCT's guarantee (Burckhardt et al., ASPLOS 2010): one run finds a bug of depth d with
  // probability at least 1 / (n k^(d-1)), n processes, k steps.
  double pct_p = 0;
  if (*strategy == explore::StrategyName::pct && r.max_run_steps > 0)
    pct_p = 1.0 / (std::max(1, r.max_processes) *
                   std::pow(static_cast<double>(r.max_run_steps), a.pct_depth - 1));
  if (a.json) {
    nlohmann::json j{{"target", what},
                     {"strategy", a.strategy},
                     {"bound", bound},
                     {"bound_counts", unit},
                     {"executions", r.executions},
                     {"abandoned", r.abandoned},
                     {"traces", r.traces},
                     {"traces_named", r.traces_named},
                     {"steps", r.steps},
                     {"seconds", secs},
                     {"executions_per_second", per_s},
                     {"steps_per_second", steps_per_s},
                     {"exhausted", r.exhausted},
                     {"bounds", bounds},
                     {"status", status},
                     {"per_bound", r.per_bound},
                     {"races", r.races},
                     {"wakeup_divergences", r.wakeup_divergences},
                     {"wakeup_asleep", r.wakeup_asleep},
                     {"pids", path_pids ? "path" : "sequential"}};
    if (*strategy == explore::StrategyName::optimal) {
      auto kept = [](const sim::DporFootprint& f) {
        return nlohmann::json{{"nodes", f.nodes},     {"slept", f.slept},
                              {"wakeups", f.wakeups}, {"accesses", f.accesses},
                              {"effects", f.effects}, {"bytes", f.bytes}};
      };
      j["kept_at_end"] = kept(r.kept);
      j["kept_peak"] = kept(r.kept_peak);
    }
    if (a.state_cache) {
      j["states"] = r.states;
      j["states_full"] = r.states_full;
      j["final_states"] = r.final_states.size();
      if (a.bound >= 0) {
        j["reexplored"] = r.reexplored;
        j["passes"] = nlohmann::json::array();
        for (std::size_t k = 0; k < r.pass_runs.size(); ++k)
          j["passes"].push_back({{"bound", k},
                                 {"executions", r.pass_runs[k]},
                                 {"with_exactly_k_preemptions", r.per_bound[k]},
                                 {"cut", r.pass_cut[k]},
                                 {"states", r.pass_states[k]}});
      }
    }
    if (checkpoints) j["checkpoint"] = saves.json(a.checkpoint);
    if (r.estimate) {
      const explore::TreeEstimate& e = *r.estimate;
      nlohmann::json passes = nlohmann::json::array();
      for (std::size_t k = 0; k < e.schedules.size(); ++k)
        passes.push_back(
            {{"schedules", static_cast<double>(e.schedules[k])},
             {"relative_standard_error", static_cast<double>(e.relative_standard_error[k])}});
      j["estimate"] = {{"walks_per_pass", e.walks},
                       {"passes", passes},
                       {"iterative_executions", static_cast<double>(e.iterative_executions)},
                       {"iterative_seconds_at_this_rate",
                        per_s > 0 ? static_cast<double>(e.iterative_executions) / per_s : 0.0}};
    }
    if (pct_p > 0) j["pct_probability_bound"] = pct_p;
    if (!a.benchmark.empty()) j["program_traces"] = program_traces->size();
    if (a.race_census) {
      j["race_census"] = nlohmann::json::array();
      for (const auto& [k, n] : census.ranked())
        j["race_census"].push_back({{"first", k.first_text()},
                                    {"second", k.second_text()},
                                    {"on", sim::RaceCensus::objects_text(k)},
                                    {"found", n.found},
                                    {"reversed", n.reversed}});
    }
    if (saved) {
      j["counterexample"] = {{"execution", r.violation->execution},
                             {"detail", saved->detail},
                             {"trace", saved->path},
                             {"steps", saved->steps},
                             {"steps_before_minimising", saved->original_steps}};
    }
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("papaya explore: %s, strategy %s\n", what.c_str(), a.strategy.c_str());
    std::printf("  bounds: %s\n", bounds.c_str());
    std::printf("  executions %llu (%llu more %s), distinct traces %llu%s\n",
                static_cast<unsigned long long>(r.executions),
                static_cast<unsigned long long>(r.abandoned),
                a.state_cache ? "cut at a visited state" : "abandoned: sleep-set blocked",
                static_cast<unsigned long long>(r.traces),
                r.traces_named ? "" : " (not named: each execution of the DPORs is a new trace)");
    if (a.state_cache)
      std::printf("  states stored %llu%s, distinct final states %zu\n",
                  static_cast<unsigned long long>(r.states),
                  r.states_full ? " (the table is full: later states were not stored)" : "",
                  r.final_states.size());
    if (a.state_cache && a.bound >= 0)
      std::printf("  decisions explored again with more preemptions left: %llu\n",
                  static_cast<unsigned long long>(r.reexplored));
    if (!a.benchmark.empty())
      std::printf("  program-level traces (file accesses alone) %zu\n", program_traces->size());
    std::printf("  steps %llu, time %.2f s, %.0f executions/s, %.0f steps/s\n",
                static_cast<unsigned long long>(r.steps), secs, per_s, steps_per_s);
    if (*strategy == explore::StrategyName::optimal)
      std::printf("  wakeup-tree branches not followable: %llu (dropped asleep, covered: %llu)\n",
                  static_cast<unsigned long long>(r.wakeup_divergences),
                  static_cast<unsigned long long>(r.wakeup_asleep));
    if (a.state_cache && a.bound >= 0)  // one table for every pass: per pass, not per schedule
      for (std::size_t k = 0; k < r.pass_runs.size(); ++k)
        std::printf(
            "  pass %zu (bound %zu): %llu executions (%llu with exactly %zu preemptions), %llu cut "
            "at a visited state, %llu states stored after it\n",
            k, k, static_cast<unsigned long long>(r.pass_runs[k]),
            static_cast<unsigned long long>(r.per_bound[k]), k,
            static_cast<unsigned long long>(r.pass_cut[k]),
            static_cast<unsigned long long>(r.pass_states[k]));
    else
      for (std::size_t k = 0; k < r.per_bound.size(); ++k)
        std::printf("  %s %zu: %llu executions\n", std::string(unit).c_str(), k,
                    static_cast<unsigned long long>(r.per_bound[k]));
    if (r.estimate) print_estimate(*r.estimate, bound, unit, per_s, a.seed);
    if (pct_p > 0)
      std::printf(
          "  pct: each run finds a depth-%d bug with probability >= 1/(n k^(d-1)) = %.3g "
          "(n %d processes, k %llu steps)\n",
          a.pct_depth, pct_p, r.max_processes, static_cast<unsigned long long>(r.max_run_steps));
    if (saved) {
      std::printf("  verdict: counterexample at execution %llu: %s\n",
                  static_cast<unsigned long long>(r.violation->execution), saved->detail.c_str());
      std::printf("  trace: %s (%llu steps, minimised from %llu; replay: papaya replay %s)\n",
                  saved->path.c_str(), static_cast<unsigned long long>(saved->steps),
                  static_cast<unsigned long long>(saved->original_steps), saved->path.c_str());
    } else {
      std::printf("  verdict: %s\n", status.c_str());
    }
    saves.print(
        a.checkpoint, r.exhausted,
        /*could_save=*/
        (*strategy == explore::StrategyName::optimal || *strategy == explore::StrategyName::dfs ||
         (*strategy == explore::StrategyName::dpor && bound < 0)) &&
            !r.violation && a.estimate == 0 && !a.state_cache && !a.race_census &&
            a.state_graph.empty());
    if (graph)
      std::printf("  state graph: %s (%zu states)\n", a.state_graph.c_str(), graph->states());
    if (a.race_census) {
      std::printf("  race census (processes by fork path: 1 init, 1.k its k-th child, ...):\n");
      std::printf("  %10s %10s  %s\n", "reversed", "found", "first x second on objects");
      for (const auto& [k, n] : census.ranked())
        std::printf("  %10llu %10llu  %s x %s on %s\n", static_cast<unsigned long long>(n.reversed),
                    static_cast<unsigned long long>(n.found), k.first_text().c_str(),
                    k.second_text().c_str(), sim::RaceCensus::objects_text(k).c_str());
    }
  }
  return r.violation ? exit_failure : exit_ok;
}

}  // namespace

void add_explore_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ExploreArgs>();
  CLI::App* cmd = app.add_subcommand(
      "explore",
      "Model checking: explore the chat's executions systematically (dfs, dpor, optimal) or by "
      "sampling (pct, random)");
  add_design_options(cmd, args->design, World::sim, /*many=*/false);
  cmd->add_option("--clients", args->clients, "clients")->capture_default_str();
  cmd->add_option("--messages", args->messages, "lines per client")->capture_default_str();
  cmd->add_option("--line-length", args->line_length, "bytes per line")->capture_default_str();
  cmd->add_option("--strategy", args->strategy,
                  "dfs, dpor (source-DPOR), optimal (optimal DPOR), pct or random")
      ->capture_default_str();
  cmd->add_option("--bound", args->bound,
                  "dfs, dpor: preemption bound K, explored iteratively 0..K (CHESS; dpor: "
                  "bounded partial-order reduction)");
  cmd->add_option("--delay-bound", args->delay_bound,
                  "dfs: delay bound K instead, explored iteratively 0..K (a round-robin scheduler "
                  "that may skip a ready process at most K times per execution; Emmi et al., POPL "
                  "2011): bound 0 is one execution, and every schedule has at most K preemptions");
  cmd->add_option("--estimate", args->estimate,
                  "dfs: instead of exploring, N random walks down the search's tree (with its "
                  "bound) estimate how many schedules it holds and how long the search would take "
                  "(Knuth's estimator)");
  cmd->add_option("--kills", args->kills,
                  "dfs: explore kill -9 from outside: before any step, any live server process may "
                  "die, at most K times per execution (a counterexample replays its kills)");
  cmd->add_option("--max-executions", args->max_executions, "execution bound")
      ->capture_default_str();
  cmd->add_option("--max-steps", args->max_steps, "step bound per execution")
      ->capture_default_str();
  cmd->add_option("--time-limit", args->time_limit, "seconds (0: none)")->capture_default_str();
  cmd->add_option("--seed", args->seed, "pct, random: the first execution's seed")
      ->capture_default_str();
  cmd->add_option("--pct-depth", args->pct_depth, "pct: the bug depth d")->capture_default_str();
  cmd->add_option(
         "--data-options", args->data_options,
         "dfs, dpor, optimal: options explored per non-scheduling decision (segments, arrivals, "
         "signal races); 1 = the kernel's default")
      ->capture_default_str();
  cmd->add_flag("--faults", args->faults,
                "offer short sends as decisions, explored like the other non-scheduling ones");
  cmd->add_flag("--loaded-shutdown", args->loaded_shutdown,
                "the normal scenario's shutdown (SIGTERM to the server's group as soon as the "
                "clients are done, waitpid(-1)) instead of the exploration scenario's idle one");
  cmd->add_flag("--state-cache", args->state_cache,
                "dfs: stateful search, a run that reaches a state explored before is cut there "
                "(docs/explore.md, Stateful dfs)");
  cmd->add_option("--max-states", args->max_states,
                  "--state-cache: most states stored (beyond, states are not stored: sound, "
                  "fewer cuts; 0: none, every run to its end with its final state keyed)")
      ->capture_default_str();
  cmd->add_option("--gomaxprocs", args->gomaxprocs,
                  "the goroutine design and the go-* benchmarks: the Go runtime's Ps")
      ->capture_default_str();
  cmd->add_flag("--go-preempt", args->go_preempt,
                "the goroutine design: offer sysmon's preemption before each goroutine operation "
                "(a non-scheduling decision, explored within --data-options; with dfs --bound K, a "
                "preemption counted against K)");
  cmd->add_option("--go-footprints", args->go_footprints,
                  "the goroutine design and the go-* benchmarks: coarse (every step of a Go "
                  "program writes its scheduler) or fine (per runtime object; docs/explore.md, "
                  "Goroutine operations)")
      ->capture_default_str();
  cmd->add_option("--pids", args->pids,
                  "how fork names its child: path (by fork path, so forks of different parents "
                  "commute; the default of dfs, dpor and optimal) or sequential (in order, as "
                  "papaya sim does; the default of pct and random)");
  cmd->add_option(
      "--checkpoint", args->checkpoint.save,
      "optimal, dpor (unbounded), dfs: save the search to FILE when it stops short of its "
      "end (time or execution limit) and every --checkpoint-every seconds");
  cmd->add_option("--checkpoint-every", args->checkpoint.every, "seconds between checkpoints")
      ->capture_default_str();
  cmd->add_option(
      "--resume", args->checkpoint.resume,
      "optimal, dpor, dfs: go on with the search saved in FILE (the same target and options; "
      "--max-executions counts from the start)");
  cmd->add_flag("--no-trace-names", args->checkpoint.no_trace_names,
                "dpor (unbounded), optimal: count each execution as a new trace without naming "
                "it (small memory and checkpoints for very long searches)");
  cmd->add_flag("--json", args->json, "one JSON object instead of the text account");
  cmd->add_option("--check-commutation", args->check_commutation,
                  "instead of exploring: test the independence relation on N random schedules "
                  "(independent pairs must commute; dependent ones are tallied by kind)");
  cmd->add_flag("--race-census", args->race_census,
                "optimal: count the races found and reversed, by kind (operations, processes, "
                "objects); a debugging aid (docs/explore.md, Race census)");
  cmd->add_option("--state-graph", args->state_graph,
                  "write the explored states as Graphviz DOT (tiny configurations)");
  cmd->add_option("--trace", args->trace, "where to save the counterexample");
  cmd->add_option("--benchmark", args->benchmark,
                  "explore a DPOR benchmark instead of the chat: readers:N, lastzero:N, or their "
                  "goroutine versions go-readers:N and go-lastzero:N");
  cmd->callback([args, &exit_code] { exit_code = run_explore(*args); });
}

}  // namespace papaya::cli
