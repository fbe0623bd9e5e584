// The supervisor: the first process of a conformance world, the same Os program in both worlds.
// It blocks every signal it can (so kill(0, ...) from the scenario never ends it), resets every
// disposition to SIG_DFL (so nothing leaks in from the test runner), forks the scenario's root
// process (which unblocks everything and runs the body), reaps it and records how it ended as
// the outcome's last line: "root: exited 0", "root: killed by SIGTERM".
#pragma once

#include <functional>

#include "conformance/kernel/scenario.hpp"

namespace papaya::conformance {

// How the root process runs the scenario's body once it has unblocked its signals: on the Os it
// was forked with when empty. The real world runs a `threads` scenario's body on a FiberOs.
using RootRunner = std::function<void(Os&, const Scenario&, const Ctx&)>;

void supervise(Os& os, const Scenario& s, const Ctx& c, const RootRunner& run_root = {});

}  // namespace papaya::conformance
