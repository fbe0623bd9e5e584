#include "cli/design_options.hpp"

#include <algorithm>
#include <optional>

namespace papaya::cli {

namespace {

std::optional<chat::Design> parse_world_design(const std::string& name, World world) {
  if (world == World::real) {
    if (name == "process") return chat::Design::process;
    if (name == "fiber") return chat::Design::goroutine;
    return std::nullopt;
  }
  for (chat::Design d : chat::all_designs())
    if (chat::design_name(d) == name) return d;
  return std::nullopt;
}

std::string world_design_names(World world) {
  if (world == World::real) return "process, fiber";
  return chat::design_names();
}

}  // namespace

std::string world_design_name(chat::Design d, World world) {
  if (world == World::real && d == chat::Design::goroutine) return "fiber";
  return std::string(chat::design_name(d));
}

void add_design_options(CLI::App* cmd, DesignArgs& args, World world, bool many) {
  const std::string designs = world_design_names(world);
  if (many) {
    cmd->add_option("--design", args.designs,
                    "only these designs (repeatable: " + designs + "); default: all");
    cmd->add_option("--variant", args.variants,
                    "only these variants (repeatable); default: every variant of each design");
    return;
  }
  std::string variants;
  for (chat::Design d : chat::all_designs())
    variants += (variants.empty() ? "" : "; ") + world_design_name(d, world) + ": " +
                chat::variant_names(d);
  cmd->add_option_function<std::string>(
         "--design", [&args](const std::string& v) { args.designs = {v}; },
         designs + " (default: process)")
      ->type_name("DESIGN");
  cmd->add_option_function<std::string>(
         "--variant", [&args](const std::string& v) { args.variants = {v}; },
         variants + " (default: correct)")
      ->type_name("VARIANT");
}

DesignChoice resolve_designs(const DesignArgs& args, World world, bool many) {
  DesignChoice out;
  std::vector<chat::Design> designs;
  for (const std::string& name : args.designs) {
    std::optional<chat::Design> d = parse_world_design(name, world);
    if (!d) {
      out.error =
          "--design: unknown design '" + name + "' (one of " + world_design_names(world) + ")";
      return out;
    }
    if (std::find(designs.begin(), designs.end(), *d) == designs.end()) designs.push_back(*d);
  }
  // No --design: every design has its say (a variant names its own design; `correct` names each).
  if (designs.empty()) designs.assign(chat::all_designs().begin(), chat::all_designs().end());
  for (const std::string& name : args.variants) {
    std::optional<chat::Variant> v = chat::parse_variant(name);
    bool found = false;
    for (chat::Design d : designs) {
      if (!v || !chat::design_has(d, *v)) continue;
      found = true;
      chat::DesignVariant row{d, *v};
      if (std::find(out.rows.begin(), out.rows.end(), row) == out.rows.end())
        out.rows.push_back(row);
    }
    if (!found) {
      std::string choices;
      for (chat::Design d : designs)
        choices += (choices.empty() ? "" : "; ") + world_design_name(d, world) + ": " +
                   chat::variant_names(d);
      out.error = "--variant: unknown variant '" + name + "' (" + choices + ")";
      out.rows.clear();
      return out;
    }
  }
  if (args.variants.empty() && many)
    for (chat::Design d : designs)
      for (chat::Variant v : chat::variants_of(d)) out.rows.push_back({d, v});
  else if (args.variants.empty())
    out.rows.push_back({designs.front(), chat::Variant::correct});
  // One run: the first design that has the variant (process before goroutine for `correct`).
  if (!many && out.rows.size() > 1) out.rows.resize(1);
  return out;
}

}  // namespace papaya::cli
