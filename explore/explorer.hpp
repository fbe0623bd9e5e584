// The explorer: runs a program again and again under one exploring strategy (dfs, dpor, pct,
// random), each execution a fresh Simulation, until the strategy is exhausted, a bound is hit or
// an execution violates the program's check. It counts executions, distinct Mazurkiewicz traces
// and steps; the clock and the progress line are the caller's (cli/: the tidy test keeps clocks
// out of here).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "explore/state_graph.hpp"
#include "model/state_hash.hpp"
#include "os/os.hpp"
#include "sim/dfs_strategy.hpp"
#include "sim/dpor_snapshot.hpp"
#include "sim/dpor_strategy.hpp"
#include "sim/optimal_dpor_strategy.hpp"
#include "sim/race_census.hpp"
#include "sim/simulation.hpp"
#include "traces/trace.hpp"

namespace papaya::explore {

enum class StrategyName { dfs, dpor, optimal, pct, random };
std::optional<StrategyName> parse_strategy(std::string_view s);
std::string_view strategy_name(StrategyName s);

struct Program {
  std::function<void(Os&)> init;  // pid 1's body, run once per execution
  traces::Header header{};
  // "" when the run is fine; else what went wrong (a property, a deadlock).
  std::function<std::string(const sim::Simulation&, const sim::RunReport&)> check;
  // Whether `check` may read the order of the run's steps (the chat's property checkers read the
  // log's events in step order); false when it reads only the verdict and the final state. Stateful
  // dfs keys the order of the steps that touch regular files only when true (sim/state_cache.hpp).
  bool check_reads_order = true;
};

// Where a long exploration is, for the progress line.
struct Progress {
  std::uint64_t executions = 0;  // complete runs
  std::uint64_t abandoned = 0;   // sleep-set-blocked runs; stateful dfs: runs cut
  std::uint64_t traces = 0;
  std::uint64_t states = 0;  // stateful dfs: states stored
  int pass = -1;             // --bound: the bound of the pass running
};

// An optimal DPOR, source-DPOR (unbounded) or dfs search saved between two executions
// (Config::save, Config::resume): the strategy's state and the counts so far. Resumed, the search
// runs exactly the executions it would have run (docs/explore.md "Checkpoints").
struct Checkpoint {
  StrategyName strategy = StrategyName::optimal;
  sim::DporSnapshot optimal;  // strategy optimal, or dpor (source-DPOR, unbounded)
  sim::DfsSnapshot dfs;       // strategy dfs (its bound is the pass's, under iterative bounding)
  // dfs with a bound: Result::per_bound so far (the saved pass's count last), and whether a
  // finished pass's bound refused something.
  std::vector<std::uint64_t> per_bound;
  bool preemption_bounded = false;
  std::uint64_t executions = 0;
  std::uint64_t abandoned = 0;
  std::uint64_t steps = 0;
  std::uint64_t max_run_steps = 0;
  int max_processes = 0;
  bool step_bound_hit = false;
  // Whether the search named its traces (Config::name_traces); when it did, the distinct traces
  // so far, ascending.
  bool names_kept = true;
  std::vector<std::uint64_t> trace_names;
};

struct Config {
  StrategyName strategy = StrategyName::dpor;
  int bound = -1;  // dfs, dpor: preemption bound, explored iteratively 0..bound (-1: none)
  // dfs: what `bound` counts: preemptions, or delays of a round-robin scheduler
  // (sim/dfs_strategy.hpp). Delays do not combine with the state cache.
  sim::BoundKind bound_kind = sim::BoundKind::preemption;
  // dfs: instead of the search, this many random walks down its tree (with `bound`), to estimate
  // its size (Result::estimate); 0: search.
  std::uint64_t estimate_walks = 0;
  // dfs: kill -9 of any server process before any step, at most this many per execution
  // (sim::Options::explore_kills); 0: none.
  int kills = 0;
  // dpor --bound: BPOR as published by default; the other settings (sim/dpor_strategy.hpp) are
  // unsound, there only for the tests that show what each loses.
  sim::BporSettings bpor;
  // dfs: state caching (sim/state_cache.hpp): a run that reaches a state whose subtree is explored
  // is cut there; with a bound, only with at most the preemptions left it was explored with
  // (sim/dfs_strategy.hpp). At most `max_states` states are stored (0: none, every run goes to its
  // end: plain dfs that keys its final states, for comparison).
  bool state_cache = false;
  std::size_t max_states = 20'000'000;
  // dfs with state caching: the cut rule under a bound, and which parts of a Go program's state
  // the key holds; the default is the sound one, the others are there only for the tests that
  // show what each part of it is for.
  sim::DfsStrategy::CacheRule cache_rule;
  std::uint64_t max_executions = 1'000'000;
  std::uint64_t max_steps = 100'000;  // per execution
  std::uint64_t seed = 1;             // pct, random: the first execution's seed
  int pct_depth = 3;
  // dfs, dpor: options explored per non-scheduling decision (segments, arrivals, faults, signal
  // races); 1 = the kernel's default only.
  std::uint32_t data_options = 0xffffffffu;
  // Offer short sends as fault decisions (sim::Options::faults), explored like the other
  // non-scheduling decisions (within data_options). kill -9 from outside is not explored.
  bool faults = false;
  // A Go program's steps with per-object footprints (sim::Options::go_fine_footprints).
  bool go_fine_footprints = true;
  // Order every step after a move of virtual time after every step before it
  // (sim::Options::time_orders_steps); off only in the tests that show what it saves.
  bool time_orders_steps = true;
  // A read or recv at end of file follows the close (exit, exec, shutdown) that enabled it, not
  // a race (sim/event_log.hpp Event::eof); off only in the tests that show what it saves.
  bool eof_joins_drop = true;
  // A read or recv that returned bytes follows the write or send that put them into the empty
  // channel, not a race (sim/event_log.hpp Event::fills); off only in the tests of the edge.
  bool fill_joins_read = true;
  bool stop_at_violation = true;
  // Asked between executions: true stops the exploration (the caller's time limit).
  std::function<bool()> stop;
  // optimal, dpor without a bound, dfs without the state cache: where a saved search goes on from
  // (null: the start; the same strategy, bound and kind of bound); and where to save it, asked
  // between executions whenever `checkpoint_due` says so and when the search stops short of its
  // end (the execution bound or `stop`). No checkpoint once a violation is found (the search
  // stops there).
  const Checkpoint* resume = nullptr;
  std::function<bool()> checkpoint_due;
  std::function<void(const Checkpoint&)> save;
  // Called every `progress_every` runs (complete or abandoned).
  std::function<void(const Progress&)> progress;
  std::uint64_t progress_every = 1000;
  StateGraph* graph = nullptr;    // when set, every execution is added to it
  bool keep_trace_names = false;  // fill Result::trace_names (tests comparing strategies)
  // dpor, optimal: name every complete execution's trace and count the distinct names (a set of
  // 64-bit names: about 50 bytes a trace in memory, 8 in a checkpoint). False: count each
  // complete execution as a trace. Either DPOR's complete executions are pairwise
  // inequivalent (sleep sets; Abdulla et al., JACM 2017), which the names check whenever they
  // are kept; without them a search of 10^8 traces fits in kilobytes.
  bool name_traces = true;
  // optimal: every race found, and whether it was reversed, by kind (docs/explore.md "Race
  // census"); null: not counted.
  sim::RaceCensus* census = nullptr;
};

struct Violation {
  std::uint64_t execution = 0;  // 1-based
  std::string detail;
  traces::Trace trace;  // the violating run as recorded
};

// Knuth's estimate of a dfs tree's size from random walks (sim::DfsStrategy::walk), per pass of
// iterative bounding (pass k: the schedules with at most k preemptions or delays; one pass
// without a bound), each from its own walks.
struct TreeEstimate {
  std::uint64_t walks = 0;                           // per pass
  std::vector<long double> schedules;                // per pass: the mean walk weight
  std::vector<long double> relative_standard_error;  // of that mean, from the weights' spread
  // What iterative bounding (passes 0..bound, each re-running the smaller bounds' schedules)
  // would run in all: the sum of the passes.
  long double iterative_executions = 0;
};

struct Result {
  std::uint64_t executions = 0;  // runs completed (abandoned ones excluded)
  std::uint64_t abandoned = 0;   // dpor, optimal: sleep-set-blocked runs, stopped early;
                                 // stateful dfs: runs cut at a visited state
  std::uint64_t traces = 0;      // distinct Mazurkiewicz traces among the executions
  bool traces_named = true;      // false: Config::name_traces was off, traces = executions
  std::uint64_t steps = 0;       // steps executed, abandoned runs included
  std::uint64_t max_run_steps = 0;
  int max_processes = 0;
  std::uint64_t races = 0;               // dpor, optimal: races analysed
  std::uint64_t wakeup_divergences = 0;  // optimal: wakeup-tree branches that could not be followed
  // optimal: wakeup-tree branches dropped where their process was asleep (covered elsewhere)
  std::uint64_t wakeup_asleep = 0;
  sim::DporFootprint kept;          // optimal: what its tree kept when it stopped
  sim::DporFootprint kept_peak;     // optimal: the largest of that, sampled
  std::uint64_t states = 0;         // stateful dfs: distinct states stored
  bool states_full = false;         // stateful dfs: the table filled (later states not stored)
  bool exhausted = false;           // dfs/dpor: the whole space (within the bound) was explored
  bool preemption_bounded = false;  // dfs, dpor --bound: some schedule was cut by the bound
  bool hit_max_executions = false;
  bool stopped = false;         // Config::stop said so
  bool step_bound_hit = false;  // some execution ran into max_steps
  // --bound: the executions of pass k (bound k) with exactly k preemptions (delays): without the
  // state cache the schedules with exactly k preemptions; with it, those of pass k's complete runs
  // (its cut runs stand for runs explored before, in this pass or an earlier one).
  std::vector<std::uint64_t> per_bound;
  // --bound with the state cache, per pass k: complete runs, runs cut at a visited state, states
  // stored at its end (one table for every pass), and states explored again in all passes because
  // they were met with more preemptions left than their subtree had been explored with.
  std::vector<std::uint64_t> pass_runs;
  std::vector<std::uint64_t> pass_cut;
  std::vector<std::uint64_t> pass_states;
  std::uint64_t reexplored = 0;
  std::optional<TreeEstimate> estimate;  // Config::estimate_walks
  std::optional<Violation> violation;
  std::set<std::uint64_t> trace_names;  // when Config::keep_trace_names: every trace's name
  // State caching: the key of every complete run's final state (a cut run's final states are
  // among those of the runs explored from the state it was cut at).
  std::set<model::StateDigest> final_states;
};

Result explore(const Program& program, const Config& config);

}  // namespace papaya::explore
