// The supervisor: the first process of a conformance world, the same Os program in both worlds.
// It blocks every signal it can (so kill(0, ...) from the scenario never ends it), resets every
// disposition to SIG_DFL (so nothing leaks in from the test runner), forks the scenario's root
// process (which unblocks everything and runs the body), reaps it and records how it ended as
// the outcome's last line: "root: exited 0", "root: killed by SIGTERM".
#pragma once

#include "conformance/kernel/scenario.hpp"

namespace papaya::conformance {

void supervise(Os& os, const Scenario& s, const Ctx& c);

}  // namespace papaya::conformance
