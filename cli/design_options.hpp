// --design and --variant, parsed once for every subcommand that runs a chat design: `papaya sim`,
// `check`, `explore` (the simulated world: process, goroutine) and `serve` (Linux: process, and
// fiber, the goroutine design on Boost.Fiber). Each error is one line naming the option, the
// value and the choices.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "chat/design.hpp"

namespace papaya::cli {

enum class World { sim, real };

struct DesignArgs {
  std::vector<std::string> designs;   // as given; empty: all (check), process (one run)
  std::vector<std::string> variants;  // as given; empty: all of each design (check), correct
};

// Adds --design and --variant to `cmd`. With `many` (papaya check) both are repeatable and default
// to all; otherwise each takes one value, defaulting to process and correct.
void add_design_options(CLI::App* cmd, DesignArgs& args, World world, bool many);

struct DesignChoice {
  std::vector<chat::DesignVariant> rows;  // design by design, each in its own variant order
  std::string error;                      // "--variant: ..." when the options name no row
  bool ok() const { return error.empty(); }
};
// The design/variant pairs the options select. No --design: every design (a goroutine variant
// picks the goroutine design; for one run, `correct` picks process). A variant belongs to every
// chosen design that has it; a variant that none of them has is an error, as is an unknown design.
// Without `many` there is exactly one row on success.
DesignChoice resolve_designs(const DesignArgs& args, World world, bool many);

// The design's name in `world` ("fiber" for the goroutine design on Linux).
std::string world_design_name(chat::Design d, World world);

}  // namespace papaya::cli
