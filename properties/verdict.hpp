// Property names (contract: design.md) and a checker's answer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "properties/history.hpp"

namespace papaya::properties {

enum class Property {
  no_interleaved_writes,
  no_read_during_write,
  unlimited_readers,
  delivery,
  no_deadlock,
  no_half_served,
  log_heals,
  slow_client
};
inline constexpr Property all_properties[] = {Property::no_interleaved_writes,
                                              Property::no_read_during_write,
                                              Property::unlimited_readers,
                                              Property::delivery,
                                              Property::no_deadlock,
                                              Property::no_half_served,
                                              Property::log_heals,
                                              Property::slow_client};

std::string_view property_name(Property p);  // "no-interleaved-writes", ...
std::optional<Property> parse_property(std::string_view name);

// A checker's answer. `holds` is the verdict; `detail` says what broke, in one sentence; `step` is
// the first step at which the violation is visible (0 when it is a property of the end state).
struct Finding {
  explicit Finding(Property p) : property(p) {}
  Property property;
  bool holds = true;
  std::string detail;
  Step step = 0;
};

}  // namespace papaya::properties
