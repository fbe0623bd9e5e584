// Goroutine conformance scenarios: small programs written only against Os (its goroutine calls
// and sockets), each checking one rule of Go 1.19's runtime or sync package. They run on RealOs's
// fibers (real/fiber/, with 1 and 2 threads) and, when the simulator has goroutines, on SimOs;
// the outcomes must equal the expected one and each other (docs/fiber.md).
//
// A scenario's body is the main goroutine. It returns its observations, one line each; the
// harness adds how main ended ("main: returned", or "main: aborted: <Go's message>").
// Observations never name ids, descriptors or ports. Where an order depends on a goroutine being
// parked (no Os call can tell), the scenario leaves a 100 ms margin and is marked `timed`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "os/os.hpp"

namespace papaya::conformance::goroutines {

struct GoScenario {
  std::string name;  // sentence-like: the gtest name
  std::string rule;  // the Go source (go1.19) and the sentence the scenario checks
  std::function<std::string(Os&)> body;
  std::string expected;  // observations, then the "main: ..." line
  bool timed = false;
};

const std::vector<GoScenario>& scenarios();

// Observations shared by a scenario's goroutines, appended under a Go mutex.
class Observations {
 public:
  explicit Observations(Os& os) : m_(os.new_mutex()) {}
  void add(Os& os, const std::string& line);
  std::string text(Os& os);

 private:
  GoMutex m_;
  std::string text_;
};

}  // namespace papaya::conformance::goroutines
