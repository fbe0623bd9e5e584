// Exploration's cost per executed step next to a plain simulated run's, side by side in one run
// (docs/explore.md): a plain `papaya sim`-like chat run (random strategy, no hooks), dpor, optimal
// and dfs exploring the same chat scenario (re-execution, hooks, effects, event log, race
// analysis, backtracking all included), and the lastzero(10) benchmark's executions per second.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

#include "chat/scenario/scenario.hpp"
#include "check/chat_run.hpp"
#include "explore/chat_program.hpp"
#include "explore/explorer.hpp"
#include "explore/programs.hpp"
#include "sim/simulation.hpp"

namespace sim = papaya::sim;
namespace ex = papaya::explore;

namespace {

papaya::chat::Scenario chat(int clients) {
  papaya::chat::Scenario s;
  s.clients = clients;
  s.messages = 1;
  // The exploration scenario `papaya explore` runs; the plain run too.
  papaya::chat::use_exploration_scenario(s);
  return s;
}

void per_step(benchmark::State& state, std::uint64_t steps, std::uint64_t runs) {
  state.counters["ns_per_step"] = benchmark::Counter(
      static_cast<double>(steps), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["executions_per_s"] =
      benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
}

// A plain run of the chat scenario, as `papaya sim` runs it (no property checks).
void BM_PlainChat(benchmark::State& state) {
  const papaya::chat::Scenario sc = chat(static_cast<int>(state.range(0)));
  std::uint64_t steps = 0, runs = 0, seed = 1;
  for (auto _ : state) {
    sim::Options o;
    o.seed = seed++;
    sim::Simulation s(o);
    steps += s.run(papaya::properties::chat_init(sc)).steps;
    ++runs;
  }
  per_step(state, steps, runs);
}
BENCHMARK(BM_PlainChat)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// 200 executions of an exploration of the chat scenario (no property checks: the same work as
// the plain run plus exploration's).
void explore_chat(benchmark::State& state, ex::StrategyName strategy) {
  ex::Program p = ex::chat_program(chat(static_cast<int>(state.range(0))));
  p.check = nullptr;
  ex::Config c;
  c.strategy = strategy;
  c.max_executions = 200;
  c.data_options = 1;
  std::uint64_t steps = 0, runs = 0;
  for (auto _ : state) {
    ex::Result r = ex::explore(p, c);
    steps += r.steps;
    runs += r.executions + r.abandoned;
  }
  per_step(state, steps, runs);
}
void BM_DporChat(benchmark::State& s) { explore_chat(s, ex::StrategyName::dpor); }
void BM_DfsChat(benchmark::State& s) { explore_chat(s, ex::StrategyName::dfs); }
void BM_OptimalChat(benchmark::State& s) { explore_chat(s, ex::StrategyName::optimal); }
BENCHMARK(BM_DporChat)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OptimalChat)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DfsChat)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// lastzero(10): the whole exploration (3328 executions), source-DPOR and optimal DPOR.
void lastzero10(benchmark::State& state, ex::StrategyName strategy) {
  ex::Program p;
  p.init = ex::lastzero_program(10);
  ex::Config c;
  c.strategy = strategy;
  std::uint64_t steps = 0, runs = 0;
  for (auto _ : state) {
    ex::Result r = ex::explore(p, c);
    steps += r.steps;
    runs += r.executions + r.abandoned;
    state.counters["executions"] = static_cast<double>(r.executions);
  }
  per_step(state, steps, runs);
}
void BM_DporLastzero10(benchmark::State& s) { lastzero10(s, ex::StrategyName::dpor); }
void BM_OptimalLastzero10(benchmark::State& s) { lastzero10(s, ex::StrategyName::optimal); }
BENCHMARK(BM_DporLastzero10)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_OptimalLastzero10)->Unit(benchmark::kSecond)->Iterations(1);

class Collector : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> ns;
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto it = r.counters.find("ns_per_step");
      if (it != r.counters.end()) ns[r.benchmark_name()] = static_cast<double>(it->second) * 1e9;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  Collector c;
  benchmark::RunSpecifiedBenchmarks(&c);
  for (const char* n : {"1", "2"}) {
    const double plain = c.ns[std::string("BM_PlainChat/") + n];
    for (const char* s : {"BM_DporChat/", "BM_OptimalChat/", "BM_DfsChat/"}) {
      const double e = c.ns[std::string(s) + n];
      if (plain > 0 && e > 0)
        std::printf("%s%s: %.1f ns/step = %.2f x plain chat run's %.1f ns/step (target <= 2)\n", s,
                    n, e, e / plain, plain);
    }
  }
  benchmark::Shutdown();
}
