// The foreground supervisor (docs/design.md, "Process groups"). `papaya serve --foreground`
// stays in the caller's process group, so a terminal's Ctrl-C or a test's kill reaches it; the
// server it forks leads a group of its own, because the process design signals its whole group
// (kill(-pgid, SIGUSR1)) and must not signal its caller.
//
//   caller's group:  supervisor --fork--> server (setpgid: leads group S) --fork--> clients (in S)
//   SIGINT/SIGTERM to the supervisor -> the same signal to group S; SIGHUP -> SIGTERM to S;
//   no exit within `grace` -> SIGKILL to group S.
// The server asks for SIGTERM when the supervisor dies (prctl(2) PR_SET_PDEATHSIG), so a
// supervisor killed -9 still stops the server cleanly instead of leaving it to init.
// When the server exits, anything left in its group gets SIGTERM, then SIGKILL, and the
// supervisor returns the server's exit status.
#pragma once

#include <chrono>
#include <functional>

#include "os/os.hpp"

namespace papaya::real {

struct SupervisorOptions {
  Duration grace = std::chrono::seconds(5);         // from the first forwarded signal to SIGKILL
  Duration sweep = std::chrono::milliseconds(100);  // leftovers: SIGTERM, this long, SIGKILL
};

// Runs `server` in a forked child that leads a new process group, with the signal dispositions
// and mask the supervisor was called with. Returns the server's exit code, 128 + the signal's
// number if a signal ended it (as shells report), or 1 if it could not be started.
// REQUIRES: the caller does not rely on SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGALRM dispositions
// while this runs (they are taken over and restored before returning).
int supervise(Os& os, const std::function<int(Os&)>& server, SupervisorOptions options = {});

}  // namespace papaya::real
