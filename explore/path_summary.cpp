#include "explore/path_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace papaya::explore {

namespace {

template <class V, class P>
bool holds(const V& v, P p) {
  return std::any_of(v.begin(), v.end(), [&](const auto& x) { return x.pid == p; });
}

// A DPOR decision's branches: finished (done), the one taken next, and not begun: source-DPOR's
// backtrack processes neither done, asleep, blocked nor taken; optimal DPOR's wakeup tree's first
// steps. A data decision's: its options before, at and after the one taken.
void dpor_node(const sim::DporSnapshot::Node& n, bool optimal, std::uint64_t& finished,
               std::uint64_t& not_begun) {
  if (!n.schedule) {
    finished = n.choice;
    not_begun = n.n > n.choice + 1 ? n.n - n.choice - 1 : 0;
    return;
  }
  finished = n.done.size();
  if (optimal) {
    not_begun = n.wut.size();
    return;
  }
  not_begun = 0;
  for (Pid p : n.backtrack) {
    const bool blocked = std::find(n.disabled.begin(), n.disabled.end(), p) != n.disabled.end();
    if (p != n.chosen && !blocked && !holds(n.done, p) && !holds(n.sleep, p)) ++not_begun;
  }
}

}  // namespace

PathSummary path_summary(const Checkpoint& k, std::size_t first) {
  PathSummary s;
  auto add = [&](std::uint64_t finished, std::uint64_t not_begun) {
    const std::uint64_t at = s.decisions++;
    if (not_begun == 0) return;
    ++s.open;
    s.not_begun += not_begun;
    if (s.shallowest.size() < first)
      s.shallowest.push_back({at, finished + 1, finished + 1 + not_begun});
  };
  if (k.strategy == StrategyName::dfs) {
    for (const auto& n : k.dfs.stack) add(n.chosen, n.limit - n.chosen - 1);
    return s;
  }
  const bool optimal = k.strategy == StrategyName::optimal;
  for (const auto& n : k.optimal.nodes) {
    std::uint64_t finished = 0;
    std::uint64_t not_begun = 0;
    dpor_node(n, optimal, finished, not_begun);
    add(finished, not_begun);
  }
  return s;
}

std::string describe(const PathSummary& s) {
  std::string out = fmt::format("{} decisions; {} branches not begun at {} of them", s.decisions,
                                s.not_begun, s.open);
  if (s.shallowest.empty()) return out;
  out += "; the shallowest:";
  for (std::size_t i = 0; i < s.shallowest.size(); ++i)
    out += fmt::format("{} {} ({} of {})", i ? "," : "", s.shallowest[i].at, s.shallowest[i].branch,
                       s.shallowest[i].of);
  return out;
}

}  // namespace papaya::explore
