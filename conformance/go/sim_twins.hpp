// The Go conformance programs' twins on the simulator: for each programs/<name>.go, the same
// goroutines written against the Os seam (go, gosched, Mutex, RWMutex, Cond, channels, select) and
// run as the main goroutine of a simulated process on SimOs (sim/), so the simulator's Go runtime,
// not only the model behind it (scenarios.cpp), is compared with what Go 1.19 prints and how it
// ends (go_sim_conformance_test.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace papaya::conformance::go {

// How one simulated run of a twin went, in the terms go_conformance_test reads off a Go run.
struct SimOutcome {
  std::vector<std::string> lines;    // what the twin printed (fmt.Println), in order
  int exit_code = 0;                 // 0 when main returned; 2 for a fatal error or panic
  std::string message;               // "fatal error: ..." / "panic: ..." (without "pid 1: ")
  std::vector<std::string> reasons;  // a deadlock's goroutine wait reasons, sorted
  std::string harness;               // any other verdict: what it was (a harness failure)
};

// The programs that have a twin on SimOs (select_fairness has its own, sim_select_first_wins).
std::vector<std::string> sim_twin_names();

// How the simulator's Chooser picks: uniformly at random (every actor as likely at every step, and
// a preemption offered before a step lands half the time); with preemption landing one time in 16
// (`sparse`: one or two preemptions per run, the shape a loaded machine gives, which the uniform
// chooser reaches about once in 250 runs); or by PCT priorities (sim/pct_strategy.hpp, depth 3),
// which let one P's M sit still for many steps as a thread the kernel has not woken yet does.
enum class Pick { random, sparse, pct };

// Runs the twin of programs/<name>.go under `seed` with `procs` Ps; `preempt` offers sysmon's
// preemption before every goroutine step (a loaded machine).
SimOutcome run_sim_twin(const std::string& name, std::uint64_t seed, int procs, bool preempt,
                        Pick pick = Pick::random);

// select_fairness's twin on SimOs: `trials` selects over two ready channels; how often case 0 won.
int sim_select_first_wins(int trials, std::uint64_t seed, int procs);

}  // namespace papaya::conformance::go
