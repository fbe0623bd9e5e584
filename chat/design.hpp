// The design as a value: which server architecture a run, a check row or a daemon uses, and the
// named variants each design has. `process` is the paper's process-per-client server
// (chat/process/); `goroutine` is the goroutine-per-client server (chat/goroutine/), simulated on
// the Go runtime model and run on Linux by Boost.Fiber (`papaya serve --design fiber`). Variant
// names are unique across designs (every goroutine variant starts with "go-"), and `correct` is
// every design's own correct variant.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "chat/variant.hpp"

namespace papaya::chat {

enum class Design { process, goroutine };

// Every design `papaya check` and `papaya sim` know, in table order.
std::span<const Design> all_designs();

// "process", "goroutine" (contract names).
std::string_view design_name(Design d);
// The inverse of design_name; nullopt for an unknown name.
std::optional<Design> parse_design(std::string_view name);

// The variants of `d`, `correct` first.
std::span<const Variant> variants_of(Design d);
bool design_has(Design d, Variant v);

// One row of `papaya check`: a design and one of its variants.
struct DesignVariant {
  Design design = Design::process;
  Variant variant = Variant::correct;
  // "process/no-lock", "goroutine/go-no-rlock".
  std::string name() const;
  friend bool operator==(const DesignVariant&, const DesignVariant&) = default;
};

// "correct, shared-ofd, ..." for messages naming the choices.
std::string variant_names(Design d);
std::string design_names();

}  // namespace papaya::chat
