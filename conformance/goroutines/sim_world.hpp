// The simulated world of the goroutine scenarios: SimOs on the Go 1.19 runtime model (sim/).
#pragma once

#include <cstdint>
#include <string>

#include "conformance/goroutines/scenarios.hpp"

namespace papaya::conformance::goroutines {

// One run of `s` as the main goroutine of the simulation's init process, under `seed`, with
// `procs` Ps (GOMAXPROCS). The outcome has the fiber world's shape: the observations, then
// "main: returned", or "main: aborted: <Go's message>" for a go_fatal verdict; any other verdict
// is a "HARNESS: ..." line.
std::string run_on_sim(const GoScenario& s, std::uint64_t seed, int procs);

}  // namespace papaya::conformance::goroutines
