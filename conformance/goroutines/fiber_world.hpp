// The Linux world of the goroutine scenarios: RealOs's fibers (real/fiber/).
#pragma once

#include <chrono>
#include <string>

#include "conformance/goroutines/scenarios.hpp"

namespace papaya::conformance::goroutines {

// Forks a child that runs `s` as its main goroutine on `threads` scheduler threads and exits
// when main returns; waits at most `deadline` (then SIGKILLs it). The outcome is main's
// observations and "main: returned", or "main: aborted: " and the first line the child wrote to
// stderr when it aborted (Go's message); anything else is a "HARNESS: ..." line.
std::string run_on_fibers(const GoScenario& s, unsigned threads,
                          std::chrono::milliseconds deadline = std::chrono::seconds(10));

}  // namespace papaya::conformance::goroutines
