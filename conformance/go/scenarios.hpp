// The Go conformance scenarios' model twins: for each program in programs/<name>.go, the same
// goroutines as a Script (model/go/script.hpp), so go_conformance_test can compare what Go 1.19
// prints, how it ends and its exit code with what the runtime model predicts.
#pragma once

#include <string>
#include <vector>

#include "model/go/script.hpp"

namespace papaya::conformance::go {

struct Scenario {
  std::string name;           // programs/<name>.go
  model::go::Program model;   // its twin
  std::vector<int> go_procs;  // GOMAXPROCS values real Go runs it under (all must agree)
  bool any_procs = false;     // the outcome holds for any schedule: the model is also run
                              // on 4 Ps under many seeds, each run must agree
};

std::vector<Scenario> scenarios();
const Scenario& scenario(const std::string& name);

// select_fairness's twin: `trials` selects over two ready channels, the chooser seeded; returns
// how often case 0 won.
int model_select_first_wins(int trials, std::uint64_t seed);

}  // namespace papaya::conformance::go
