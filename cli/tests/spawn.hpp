// Starting the papaya binary from tests: fork + execv, each in a process group of its own, with
// stdin/stdout as pipes or files and stderr to a file (a file never fills up and blocks the
// server the way an undrained pipe would).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace papaya::cli::testing {

// build/.../papaya, from the compile definition PAPAYA_BINARY.
std::string papaya_binary();

struct SpawnOptions {
  bool pipe_stdin = false;   // else /dev/null
  bool pipe_stdout = false;  // else stdout_path, or /dev/null
  std::string stdout_path;
  std::string stderr_path;  // empty: /dev/null
  bool new_group = true;    // setpgid(0, 0) before exec, so teardown can kill the whole group
};

struct Spawned {
  pid_t pid = -1;
  int in = -1;   // write end of the child's stdin, when piped
  int out = -1;  // read end of the child's stdout, when piped
};

// The server design the serve tests run (PAPAYA_SERVE_DESIGN, default "process"); spawn() adds
// `--design` to every `papaya serve` it starts when the variable is set.
std::string serve_design();

// Runs `args` (args[0] is the program path). Aborts the test process if fork fails.
Spawned spawn(const std::vector<std::string>& args, const SpawnOptions& options);

struct RunResult {
  bool exited = false;
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `papaya <args>` to completion (stdin /dev/null), at most `deadline`.
RunResult run_papaya(const std::vector<std::string>& args, const std::string& scratch_dir,
                     std::chrono::milliseconds deadline = std::chrono::seconds(10));

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& contents, unsigned mode);
// Reads everything from `fd` until end of file or the deadline.
std::string read_all(int fd, std::chrono::milliseconds deadline);
// Appends what `fd` delivers to `buffer` until it contains `needle`, end of file, or the
// deadline; returns whether it contains `needle`.
bool read_until_contains(int fd, std::string& buffer, const std::string& needle,
                         std::chrono::milliseconds deadline);

}  // namespace papaya::cli::testing
