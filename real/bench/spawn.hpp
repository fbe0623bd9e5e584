// Starting and stopping the programs `papaya bench` measures: each in its own session (its own
// process group, and its own scheduler autogroup: spawn.cpp says why),
// optionally pinned to one core, its output sent to a file or a pipe, and every wait bounded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace papaya::real::bench {

struct SpawnSpec {
  std::vector<std::string> argv;
  std::string stdout_path = "/dev/null";  // ignored when pipe_stdout
  std::string stderr_path = "/dev/null";
  bool pipe_stdout = false;  // Spawned::stdout_fd reads the child's standard output
  std::optional<int> core;   // sched_setaffinity to this one core before exec
  bool own_session = true;   // setsid (own autogroup); false: only its own process group
};

struct Spawned {
  pid_t pid = -1;  // also its process group id
  int stdout_fd = -1;
  std::string error;  // why it did not start (fork failed, exec failed: the child says so)
};

Spawned spawn(const SpawnSpec& spec);

// Reads one '\n'-terminated line from `fd` within `deadline`; nullopt on timeout or EOF.
std::optional<std::string> read_line(int fd, std::chrono::milliseconds deadline);

// Waits for `pid` to end within `deadline`; true when reaped.
bool wait_for(pid_t pid, std::chrono::milliseconds deadline);

// SIGTERM to the group, `grace` to end, then SIGKILL to the group and reap `pid`.
void stop_group(pid_t pid, std::chrono::milliseconds grace);

// Pins the calling process (and what it forks later) to `core`; false if the kernel refused.
bool pin_self(int core);
int online_cores();

// A free TCP port on 127.0.0.1 now (bind to port 0, read it back, close).
std::optional<int> free_port();
// True once a TCP connect to 127.0.0.1:port succeeds (retries every 20 ms until `deadline`);
// false at once when `server` (if > 0) has exited (it is then reaped).
bool wait_listening(int port, std::chrono::milliseconds deadline, pid_t server = 0);

// The running binary's path (/proc/self/exe).
std::string self_exe();

}  // namespace papaya::real::bench
