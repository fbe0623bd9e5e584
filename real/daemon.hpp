// Daemonising, as daemon(7) describes a SysV daemon, with a readiness pipe so the command that
// started the daemon can say whether it started:
//
//   launcher --fork--> first child: setsid() --fork--> daemon: setpgid(0,0), chdir("/"),
//   (waits on the pipe)  (exits at once)                 stdin/out/err -> /dev/null, body(ready)
//
// The second fork makes sure the daemon, not being a session leader, can never acquire a
// controlling terminal (credentials(7)). setpgid(0, 0) then makes it lead a process group of its
// own inside that session, which the process design requires (it signals its whole group).
// The umask is left as the launcher had it.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace papaya::real {

// The daemon's end of the readiness pipe. Say exactly one of ready() or failed(); if the daemon
// dies first, the launcher reports that it exited before it was ready.
class Readiness {
 public:
  explicit Readiness(int fd) : fd_(fd) {}
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;
  ~Readiness();
  // The daemon is serving: the launcher exits 0. Closes the pipe.
  void ready();
  // The daemon cannot start: the launcher prints `why` and exits with `exit_code`. Closes the pipe.
  void failed(int exit_code, std::string_view why);

 private:
  void say(std::string_view message);
  int fd_;
};

struct LaunchOutcome {
  int exit_code = 0;  // what the launcher should exit with: 0 started, else failed
  std::string error;  // one line when exit_code != 0
};

// Forks the daemon; `body` runs in it and its return value is the daemon's exit status. Returns
// in the launcher only, after the daemon said ready/failed, died, or `ready_timeout` passed.
LaunchOutcome daemonise(const std::function<int(Readiness&)>& body,
                        std::chrono::milliseconds ready_timeout);

}  // namespace papaya::real
