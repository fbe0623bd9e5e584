// Simulation: the public face of the simulator. Runs an Os program (the body of pid 1) on the
// simulated kernel (model/), every process on its own fiber, one at a time, every Os call a
// scheduling point whose next step the Chooser picks. Deterministic: the same Options (seed,
// strategy) give the same run, byte for byte (the determinism check compares serialised traces).
//
//   papaya::sim::Simulation sim({.seed = 7});
//   papaya::sim::RunReport r = sim.run([](papaya::Os& os) { ... });
//   if (r.verdict != papaya::Verdict::ok) ...   // r.detail says where; sim.trace() has the run
//
// The simulated world: a flat file name space (any string is a path; no directories), fds 0-2
// of pid 1 open on a null device, TCP over one host (the host argument is not modelled; ports are
// the address space), virtual time that moves only when every process is blocked (to the next
// alarm or sleep deadline). docs/simulator.md describes the rest.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "os/os.hpp"
#include "traces/trace.hpp"
#include "traces/verdict.hpp"

namespace papaya::sim {

enum class StrategyKind { random, replay, prefix, external };

class Strategy;

struct Options {
  std::uint64_t seed = 1;
  std::uint64_t max_steps = 1'000'000;
  StrategyKind strategy = StrategyKind::random;
  std::vector<traces::Decision>
      replay{};         // replay: the decisions to follow; prefix: to follow leniently
  bool faults = false;  // offer short sends as decisions (off: sends are whole)
  std::vector<traces::KillFault> kills{};  // kill -9 from outside, in step order (trace.hpp)
  // Exploration (papaya explore --kills K): before each step, while fewer than this many kills
  // have happened, a DecisionKind::kill decision: none, or kill -9 of one live process outside
  // init's group (the server's). A kill taken is appended to the trace header's kills at its
  // step, so the trace replays with `kills` alone. Not with `kills` set.
  int explore_kills = 0;
  std::string disk_full{};  // the file that lives alone on a file system that may fill: each write
                            // to it is a fault decision (model::KernelConfig); "": never full
  Strategy* external = nullptr;   // external: the strategy to ask (not owned; an explorer's)
  bool check_invariants = false;  // Kernel::check_invariants after every step (slow; tests)
  int gomaxprocs = 2;             // Ps of each goroutine program's Go runtime (GOMAXPROCS)
  bool go_preempt = false;        // offer sysmon's preemption before each goroutine step
  // The footprints of a Go program's steps for the exploring strategies (sim/go_footprint.cpp):
  // per runtime object when true; false: every step of the program also writes its scheduler.
  bool go_fine_footprints = true;
  // How fork names its child (model::KernelConfig::path_pids): false, the next pid in order (as
  // `papaya sim` always does); true, by its fork path (the exploring strategies' default, so that
  // forks of different parents commute). Recorded in the trace header ("pids": "path").
  bool path_pids = false;
  // Tell an observing strategy when virtual time moves (Strategy::time_moved), so that its event
  // log orders every later step after every earlier one. Off only for the tests that show what
  // the edge saves (explore/tests/time_order_test.cpp).
  bool time_orders_steps = true;
  traces::Header header{};  // design/variant/scenario for the trace header (seed, strategy,
                            // max_steps and faults are filled in from these Options)
};

struct RunReport {
  Verdict verdict = Verdict::ok;
  std::uint64_t steps = 0;
  std::uint64_t go_steps = 0;  // steps of Go runtimes' actors (not kernel steps, not in `steps`)
  std::uint64_t decisions = 0;
  Duration virtual_time{0};
  std::string detail;                 // for a failure: what and where (call site, pid)
  int processes = 0;                  // processes created, init included
  std::uint64_t bytes_sent = 0;       // bytes accepted by send/write on sockets
  std::uint64_t bytes_received = 0;   // bytes returned by recv/read on sockets
  std::vector<std::string> warnings;  // stricter than Linux (docs/simulator.md)
  bool abandoned = false;             // the strategy gave up on the run (Strategy::abandon)
  // Goroutines still alive when their process exited normally (goleak's verdict), one per line:
  // "pid 2: goroutine 3 [chan receive]".
  std::vector<std::string> goroutine_leaks;
};

class Executor;

class Simulation {
 public:
  explicit Simulation(Options opts);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Runs `init` as the body of the first process (pid 1, its own process group and session) until
  // every process has exited (or a verdict ends the run). The init's files, sockets etc. start
  // empty. Call once per Simulation.
  RunReport run(std::function<void(Os&)> init);
  // The bytes of a simulated regular file after the run; nullopt if it does not exist.
  std::optional<std::string> file_contents(std::string_view path) const;
  const traces::Trace& trace() const;  // the recorded run
  const Options& options() const { return opts_; }

 private:
  Options opts_;
  std::unique_ptr<Executor> exec_;
};

// Replaying a recorded trace: re-run `init` under the header's parameters following the recorded
// decisions (replay_options), then compare the new run with the recording step by step
// (replay_divergence: empty when every step, and the verdict, came out as recorded).
Options replay_options(const traces::LoadedTrace& recorded);
std::string replay_divergence(const traces::LoadedTrace& recorded, const Simulation& replayed,
                              const RunReport& r);

// Both at once.
struct ReplayReport {
  RunReport run;
  bool diverged = false;
  std::string divergence;  // "step 41: recorded ..., replayed ..."
};
ReplayReport replay(const traces::LoadedTrace& recorded, std::function<void(Os&)> init);

// The determinism check: runs `init` twice with the same options and compares the serialised
// traces byte for byte. Empty when identical, else the first differing line of each.
std::string check_determinism(const Options& opts, const std::function<void(Os&)>& init);

}  // namespace papaya::sim
