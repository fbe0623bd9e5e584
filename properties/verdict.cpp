#include "properties/verdict.hpp"

namespace papaya::properties {

std::string_view property_name(Property p) {
  switch (p) {
    case Property::no_interleaved_writes: return "no-interleaved-writes";
    case Property::no_read_during_write: return "no-read-during-write";
    case Property::unlimited_readers: return "unlimited-readers";
    case Property::delivery: return "delivery";
    case Property::no_deadlock: return "no-deadlock";
    case Property::no_half_served: return "no-half-served";
    case Property::log_heals: return "log-heals";
    case Property::slow_client: return "slow-client";
  }
  return "?";
}

std::optional<Property> parse_property(std::string_view name) {
  for (Property p : all_properties)
    if (property_name(p) == name) return p;
  return std::nullopt;
}

}  // namespace papaya::properties
