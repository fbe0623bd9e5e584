// The races an EventLog finds in a sequence of events, sorted: what the tests of an access
// encoding (family_access_test.cpp, signal_set_access_test.cpp) compare between two encodings.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "sim/event_log.hpp"

namespace papaya::sim::log_races {

using Races = std::vector<std::pair<std::size_t, std::size_t>>;

inline Races of(const std::vector<Event>& events) {
  EventLog log;
  Races r;
  for (const Event& e : events) log.add(e, &r);
  std::sort(r.begin(), r.end());  // the log finds an event's races latest first
  return r;
}

}  // namespace papaya::sim::log_races
