// papaya: one binary, git-style subcommands (design.md's CLI contract).
#include <cstdio>

#include "cli/command.hpp"
#include "commands.inc"

int main(int argc, char** argv) {
  CLI::App app{"papaya: a simulation and model-checking test bed for concurrent servers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", PAPAYA_VERSION);
  int exit_code = papaya::cli::exit_ok;
  papaya::cli::add_all_commands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "papaya: %s\n", e.what());
    return papaya::cli::exit_usage;
  }
  return exit_code;
}
