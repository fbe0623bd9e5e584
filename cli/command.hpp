// A subcommand of the papaya binary. Each cmd_<name>.cpp defines one add_<name>_command(), which
// adds its CLI11 subcommand to the app and sets `exit_code` when it runs.
// Exit codes (design.md): 0 success, 1 a property failed or a replay diverged, 2 bad usage/input.
#pragma once

#include <CLI/CLI.hpp>

namespace papaya::cli {

enum ExitCode : int { exit_ok = 0, exit_failure = 1, exit_usage = 2 };

void add_serve_command(CLI::App& app, int& exit_code);
void add_chat_command(CLI::App& app, int& exit_code);
void add_sim_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);
void add_check_command(CLI::App& app, int& exit_code);

}  // namespace papaya::cli
