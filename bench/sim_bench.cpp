// The simulator's costs, measured in one run (docs/performance.md):
//   (a) a bare Boost.Context fiber round trip: resume a fiber, it yields back;
//   (b) one simulated Os call: a scheduling point (two fiber switches), the chooser, the model
//       step and the trace event in memory -- getpid or lseek in a loop, in one process (no
//       decision) and in two (a schedule decision every step);
//   (c) a complete simulated run of the chat scenario (--clients 3 --messages 5), as runs per
//       second, compared with steps x (b).
// Targets: (b) <= 10 x (a); (c) <= 2 x steps x (b).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <boost/context/fiber.hpp>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "chat/design.hpp"
#include "chat/scenario/scenario.hpp"
#include "model/limits.hpp"
#include "sim/simulation.hpp"
#include "sim/stack_pool.hpp"

namespace {

using papaya::Os;
namespace sim = papaya::sim;
namespace ctx = boost::context;

std::map<std::string, double> ns_per_op;  // filled by each benchmark, read by main
double chat_steps = 0;
double go_chat_steps = 0;

void record(benchmark::State& state, const std::string& name, double ops) {
  state.counters["ns_per_op"] =
      benchmark::Counter(ops, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  (void)name;
}

// (a)
void BM_FiberRoundTrip(benchmark::State& state) {
  ctx::fiber f(std::allocator_arg, sim::PooledStack(sim::StackPool::local()),
               [](ctx::fiber&& back) {
                 for (;;) back = std::move(back).resume();
                 return std::move(back);
               });
  for (auto _ : state) f = std::move(f).resume();
  record(state, "fiber", static_cast<double>(state.iterations()));
}
BENCHMARK(BM_FiberRoundTrip);

constexpr int calls_per_run = 20000;

// (b): `procs` processes each making calls_per_run / procs calls of `kind` (0 getpid, 1 lseek).
void simulated_calls(benchmark::State& state, int procs, int kind) {
  auto body = [kind](Os& os, int n) {
    papaya::Fd fd =
        kind == 1 ? *os.open("/f", papaya::OpenFlags::rdwr | papaya::OpenFlags::creat) : -1;
    for (int i = 0; i < n; ++i) {
      if (kind == 0)
        benchmark::DoNotOptimize(os.getpid());
      else
        benchmark::DoNotOptimize(os.lseek(fd, 0, papaya::Whence::set));
    }
  };
  std::uint64_t steps = 0;
  for (auto _ : state) {
    sim::Simulation s(sim::Options{});
    sim::RunReport r = s.run([&](Os& os) {
      for (int p = 1; p < procs; ++p) (void)os.fork([&](Os& k) { body(k, calls_per_run / procs); });
      body(os, calls_per_run / procs);
    });
    steps += r.steps;
  }
  state.counters["steps_per_run"] =
      static_cast<double>(steps) / static_cast<double>(state.iterations());
  state.counters["ns_per_op"] = benchmark::Counter(
      static_cast<double>(steps), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
void BM_SimGetpid_1proc(benchmark::State& s) { simulated_calls(s, 1, 0); }
void BM_SimLseek_1proc(benchmark::State& s) { simulated_calls(s, 1, 1); }
void BM_SimGetpid_2procs(benchmark::State& s) { simulated_calls(s, 2, 0); }
BENCHMARK(BM_SimGetpid_1proc);
BENCHMARK(BM_SimLseek_1proc);
BENCHMARK(BM_SimGetpid_2procs);
// As many processes as the chat run 3x5 has (11): every step scans them all and takes a schedule
// decision among them, as a chat step does. The second, fairer yardstick for (c).
void BM_SimGetpid_11procs(benchmark::State& s) { simulated_calls(s, 11, 0); }
BENCHMARK(BM_SimGetpid_11procs);

// The fixed cost of a run: a Simulation whose init makes one call.
void BM_EmptyRun(benchmark::State& state) {
  for (auto _ : state) {
    sim::Simulation s(sim::Options{});
    benchmark::DoNotOptimize(s.run([](Os& os) { (void)os.getpid(); }));
  }
}
BENCHMARK(BM_EmptyRun);

// (c), for a design; a goroutine program's steps are its kernel steps plus its Go runtime's.
void chat_run_3x5(benchmark::State& state, papaya::chat::Design design) {
  std::uint64_t steps = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    papaya::chat::Scenario sc;
    sc.server.design = design;
    sim::Options o;
    o.seed = seed++;
    sim::Simulation s(o);
    sim::RunReport r = s.run([&](Os& os) { (void)papaya::chat::run_scenario(os, sc); });
    steps += r.steps + r.go_steps;
  }
  state.counters["steps_per_run"] =
      static_cast<double>(steps) / static_cast<double>(state.iterations());
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["ns_per_step"] = benchmark::Counter(
      static_cast<double>(steps), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
void BM_ChatRun_3x5(benchmark::State& s) { chat_run_3x5(s, papaya::chat::Design::process); }
void BM_GoChatRun_3x5(benchmark::State& s) { chat_run_3x5(s, papaya::chat::Design::goroutine); }
BENCHMARK(BM_ChatRun_3x5);
BENCHMARK(BM_GoChatRun_3x5);

// Collects ns_per_op / ns_per_step / steps_per_run per benchmark, to print the ratios.
class Collector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      std::string name = r.benchmark_name();
      auto get = [&](const char* k) {
        auto it = r.counters.find(k);
        return it == r.counters.end() ? 0.0 : static_cast<double>(it->second);
      };
      if (get("ns_per_op") > 0) ns_per_op[name] = get("ns_per_op") * 1e9;
      if (get("ns_per_step") > 0) ns_per_op[name] = get("ns_per_step") * 1e9;
      if (name == "BM_ChatRun_3x5") chat_steps = get("steps_per_run");
      if (name == "BM_GoChatRun_3x5") go_chat_steps = get("steps_per_run");
    }
  }
};

// The deepest any simulated process of a chat run reached into its fiber stack: paint the pool's
// stacks, run, and find the lowest byte that changed (stacks grow down from sp).
std::size_t peak_stack_use() {
  auto& pool = sim::StackPool::local();
  constexpr int n = 32;
  std::vector<ctx::stack_context> stacks;
  for (int i = 0; i < n; ++i) stacks.push_back(pool.allocate());
  const std::size_t guard =
      ctx::stack_traits::page_size();  // protected_fixedsize_stack's guard page
  for (auto& sc : stacks)
    std::memset(static_cast<char*>(sc.sp) - sc.size + guard, 0xAA, sc.size - guard);
  for (auto it = stacks.rbegin(); it != stacks.rend(); ++it) pool.deallocate(*it);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    sim::Options o;
    o.seed = seed;
    sim::Simulation s(o);
    papaya::chat::Scenario sc;
    s.run([&](Os& os) { (void)papaya::chat::run_scenario(os, sc); });
  }
  std::size_t peak = 0;
  stacks.clear();
  for (int i = 0; i < n; ++i) stacks.push_back(pool.allocate());
  for (auto& sc : stacks) {
    auto* bottom = static_cast<unsigned char*>(sc.sp) - sc.size + guard;
    std::size_t usable = sc.size - guard;
    std::size_t untouched = 0;
    while (untouched < usable && bottom[untouched] == 0xAA) ++untouched;
    peak = std::max(peak, usable - untouched);
  }
  for (auto& sc : stacks) pool.deallocate(sc);
  return peak;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  Collector reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  double a = ns_per_op["BM_FiberRoundTrip"];
  double b = ns_per_op["BM_SimGetpid_1proc"];
  double c = ns_per_op["BM_ChatRun_3x5"];
  if (a > 0 && b > 0) {
    std::printf("\n(a) fiber round trip        %8.1f ns\n", a);
    for (const char* k :
         {"BM_SimGetpid_1proc", "BM_SimLseek_1proc", "BM_SimGetpid_2procs", "BM_SimGetpid_11procs"})
      if (ns_per_op[k] > 0)
        std::printf("(b) %-24s %8.1f ns = %5.2f x (a)   (target <= 10)\n", k + 3, ns_per_op[k],
                    ns_per_op[k] / a);
  }
  if (b > 0 && c > 0 && chat_steps > 0)
    std::printf(
        "(c) chat run 3x5: %.0f steps, %.1f ns/step = %5.2f x (b) getpid; %.0f runs/s; "
        "%.1f us/run vs steps x (b) = %.1f us   (target <= 2)\n",
        chat_steps, c, c / b, 1e9 / (c * chat_steps), c * chat_steps / 1e3, chat_steps * b / 1e3);
  if (double g = ns_per_op["BM_GoChatRun_3x5"]; b > 0 && g > 0 && go_chat_steps > 0)
    std::printf(
        "(c) goroutine chat run 3x5: %.0f steps (kernel + Go runtime), %.1f ns/step = %5.2f x (b) "
        "getpid; %.0f runs/s; %.1f us/run vs steps x (b) = %.1f us   (target <= 2)\n",
        go_chat_steps, g, g / b, 1e9 / (g * go_chat_steps), g * go_chat_steps / 1e3,
        go_chat_steps * b / 1e3);
  // Issue 11's target is the ratio to (b) getpid in one process, above. Beside it: the same
  // runs against getpid among 11 processes (the chat run's count), which pays the per-step scan
  // and schedule decision a chat step pays too.
  if (double b11 = ns_per_op["BM_SimGetpid_11procs"]; b11 > 0) {
    if (c > 0)
      std::printf(
          "(c') chat run 3x5: %.1f ns/step = %5.2f x (b) getpid among 11 processes (%.1f ns)\n", c,
          c / b11, b11);
    if (double g = ns_per_op["BM_GoChatRun_3x5"]; g > 0)
      std::printf(
          "(c') goroutine chat run 3x5: %.1f ns/step = %5.2f x (b) getpid among 11 processes\n", g,
          g / b11);
  }
  std::printf("peak fiber stack use over 20 chat runs: %.1f KiB of %zu KiB\n",
              static_cast<double>(peak_stack_use()) / 1024.0,
              papaya::model::limits::fiber_stack / 1024);
  benchmark::Shutdown();
  return 0;
}
