// A relation made wrong on purpose, for the tests that show a check catches it: sim::dependent
// without some kinds of object, so that steps which conflict only on them become independent.
#pragma once

#include <algorithm>
#include <functional>
#include <vector>

#include "sim/independence.hpp"

namespace papaya::explore {

inline std::function<bool(const sim::Effect&, const sim::Effect&)> relation_ignoring(
    std::vector<sim::Obj> ignored) {
  return [ignored](const sim::Effect& a, const sim::Effect& b) {
    auto drop = [&ignored](const sim::Access& t) {
      return std::find(ignored.begin(), ignored.end(), t.obj) != ignored.end();
    };
    sim::Effect x = a, y = b;
    std::erase_if(x.access, drop);
    std::erase_if(y.access, drop);
    return !sim::dependent(x, y);
  };
}

}  // namespace papaya::explore
