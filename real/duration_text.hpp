// Durations as people write them on a command line: "250ms", "1s", "1.5s", "2m", "500us".
// Pure (no clock, no kernel): used by `papaya serve --auth-timeout` and friends.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "os/types.hpp"

namespace papaya::real {

// A non-negative decimal number followed by one unit: ns, us, ms, s, m, h. No unit, a negative
// number, or anything else: nullopt. At most one hour's worth of days (24h) -- a bound, not a
// clock: a timeout longer than that is a typo.
std::optional<Duration> parse_duration(std::string_view text);

// The shortest exact spelling of `d` in the units above ("250ms", "1s", "1500us").
std::string format_duration(Duration d);

}  // namespace papaya::real
