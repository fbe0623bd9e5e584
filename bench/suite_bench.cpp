// What `papaya check` spends, scenario by scenario (docs/performance.md, "papaya check"): for each
// design's correct variant and each built-in scenario (check/suite.cpp), one iteration is one
// run as `papaya check` makes it -- the same options (kills, disk-full), a new seed each time --
// measured twice: `sim/...` the simulated run alone, `check/...` the run plus its history and
// every property checker (properties::run_and_check). Counters: runs/s, steps per run, simulated
// steps/s (kernel steps).
//
//   build/release/bench/papaya_suite_bench --benchmark_min_time=2
//
// The allocator is set as `papaya check` sets it (cli/allocator.cpp); --glibc-defaults leaves
// glibc's defaults, to show what that setting is worth.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstring>
#include <string>

#include "chat/design.hpp"
#include "check/chat_run.hpp"
#include "check/suite.hpp"

namespace {

namespace sim = papaya::sim;
namespace properties = papaya::properties;
namespace chat = papaya::chat;

sim::Options options_for(const properties::SuiteScenario& sc, std::uint64_t seed) {
  sim::Options so;
  so.seed = seed;
  so.max_steps = 200000;  // papaya check's default --max-steps
  so.kills = properties::suite_kills(sc, so);
  if (sc.disk_full) so.disk_full = sc.scenario.server.log_path;
  return so;
}

void count(benchmark::State& state, std::uint64_t steps) {
  const auto runs = static_cast<double>(state.iterations());
  state.counters["steps_per_run"] = static_cast<double>(steps) / runs;
  state.counters["runs_per_s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
}

void sim_only(benchmark::State& state, const properties::SuiteScenario& sc) {
  std::uint64_t seed = 1;
  std::uint64_t steps = 0;
  for (auto _ : state) {
    sim::Options so = options_for(sc, seed++);
    so.header = properties::chat_trace_header(sc.scenario);
    sim::Simulation s(so);
    steps += s.run(properties::chat_init(sc.scenario)).steps;
  }
  count(state, steps);
}

void checked(benchmark::State& state, const properties::SuiteScenario& sc) {
  std::uint64_t seed = 1;
  std::uint64_t steps = 0;
  for (auto _ : state) {
    properties::CheckedRun run = properties::run_and_check(sc.scenario, options_for(sc, seed++));
    steps += run.report.steps;
    benchmark::DoNotOptimize(run.findings.data());
  }
  count(state, steps);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--glibc-defaults") == 0) {
    argv[1] = argv[0];
    ++argv;
    --argc;
  } else {
    (void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
    (void)mallopt(M_TRIM_THRESHOLD, 64 << 20);
  }
  for (chat::Design d : {chat::Design::process, chat::Design::goroutine}) {
    const std::string design(chat::design_name(d));
    for (const properties::SuiteScenario& sc :
         properties::builtin_suite({d, chat::Variant::correct})) {
      benchmark::RegisterBenchmark(("sim/" + design + "/" + sc.name).c_str(),
                                   [sc](benchmark::State& s) { sim_only(s, sc); })
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("check/" + design + "/" + sc.name).c_str(),
                                   [sc](benchmark::State& s) { checked(s, sc); })
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
