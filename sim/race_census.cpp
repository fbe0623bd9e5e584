#include "sim/race_census.hpp"

#include <algorithm>
#include <string>

#include "sim/strategy.hpp"

namespace papaya::sim {

void RaceCensus::begin(const EventLog& log) {
  path_.assign(2, "");
  path_[1] = "1";  // init
  std::vector<int> kids(2, 0);
  for (std::size_t i = 0; i < log.size(); ++i) {
    const Event& e = log.event(i);
    if (e.forked <= 0 || is_go_actor(e.effect.pid)) continue;
    const auto parent = static_cast<std::size_t>(e.effect.pid);
    const auto child = static_cast<std::size_t>(e.forked);
    if (path_.size() <= std::max(parent, child)) {
      path_.resize(std::max(parent, child) + 1);
      kids.resize(path_.size(), 0);
    }
    path_[child] = (path_[parent].empty() ? std::string("?") : path_[parent]) + "." +
                   std::to_string(++kids[parent]);
  }
}

std::string RaceCensus::path_of(Pid pid) const {
  if (is_go_actor(pid)) return "go:" + std::to_string(static_cast<std::uint32_t>(pid));
  const auto p = static_cast<std::size_t>(pid);
  return p < path_.size() && !path_[p].empty() ? path_[p] : "pid" + std::to_string(pid);
}

void RaceCensus::add(const EventLog& log, std::size_t i, std::size_t j, bool reversed) {
  const Event& a = log.event(i);
  const Event& b = log.event(j);
  RaceKind k{.first_op = a.op,
             .second_op = b.op,
             .first_proc = path_of(a.effect.pid),
             .second_proc = path_of(b.effect.pid),
             .objects = 0,
             .global = a.effect.global || b.effect.global};
  k.objects = conflicting_objects(a.effect, b.effect);
  RaceCount& c = kinds_[k];
  ++c.found;
  if (reversed) ++c.reversed;
}

std::uint32_t conflicting_objects(const Effect& a, const Effect& b) {
  std::uint32_t m = 0;
  for (const Access& x : a.access)
    for (const Access& y : b.access)
      if (conflict(x, y)) m |= 1u << static_cast<unsigned>(x.obj);
  return m;
}

std::string objects_text(std::uint32_t objects, bool global) {
  std::string s = global ? "global" : "";
  for (unsigned o = 0; o < 32; ++o)
    if (objects & (1u << o)) {
      if (!s.empty()) s += "+";
      s += obj_name(static_cast<Obj>(o));
    }
  return s.empty() ? "?" : s;
}

std::vector<std::pair<RaceKind, RaceCount>> RaceCensus::ranked() const {
  std::vector<std::pair<RaceKind, RaceCount>> v(kinds_.begin(), kinds_.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& x, const auto& y) {
    return x.second.reversed != y.second.reversed ? x.second.reversed > y.second.reversed
                                                  : x.second.found > y.second.found;
  });
  return v;
}

}  // namespace papaya::sim
