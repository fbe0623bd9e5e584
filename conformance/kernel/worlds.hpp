// The two worlds a scenario runs in. Each returns the scenario's outcome: its observations
// file, ending with the supervisor's "root: ..." line. A problem of the harness itself (a
// deadline passed, the supervisor died, the sim reported a verdict other than ok) is appended
// as a line starting with "HARNESS:", so it can never pass for an expected outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "conformance/kernel/scenario.hpp"

namespace papaya::conformance {

// Linux: forks a supervisor into a process group of its own, runs the scenario with RealOs in
// a fresh mkdtemp(3) directory, waits at most `deadline` (then SIGKILLs the whole group), kills
// any straggler of the group, reads the observations and removes the directory.
std::string run_on_real(const Scenario& s,
                        std::chrono::milliseconds deadline = std::chrono::seconds(10));

#if PAPAYA_CONFORMANCE_SIM
// The simulated kernel, one run under `seed`, scratch directory "/conf". `notes`, when given,
// receives the run's size and the sim's warnings (stricter-than-Linux findings, not compared).
std::string run_on_sim(const Scenario& s, std::uint64_t seed, std::string* notes = nullptr);
#endif

}  // namespace papaya::conformance
