// A subcommand of the papaya binary. Each cli/cmd_<name>.cpp defines
//   void papaya::cli::add_<name>_command(CLI::App& app, int& exit_code);
// which adds its CLI11 subcommand and sets `exit_code` from the subcommand's callback.
// Exit codes (design.md): 0 success, 1 a property failed or a replay diverged, 2 bad usage/input,
// with a one-line error naming the problem on stderr.
#pragma once

#include <CLI/CLI.hpp>

namespace papaya::cli {

enum ExitCode : int { exit_ok = 0, exit_failure = 1, exit_usage = 2 };

}  // namespace papaya::cli
