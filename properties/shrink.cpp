#include "properties/shrink.hpp"

#include <algorithm>
#include <tuple>
#include <vector>

namespace papaya::properties {

std::size_t non_default_count(const Decisions& d) {
  return static_cast<std::size_t>(
      std::count_if(d.begin(), d.end(), [](std::uint32_t x) { return x != 0; }));
}

namespace {

class Shrinker {
 public:
  Shrinker(const ShrinkRun& start, const ShrinkOracle& oracle, int budget)
      : best_(start), oracle_(oracle), budget_(budget) {}

  ShrinkResult run() {
    few_departures();
    bool progress = true;
    while (progress && spent_ < budget_) {
      progress = false;
      progress |= truncate();
      progress |= reset_chunks();
    }
    return {best_.taken, best_.steps, spent_, accepted_};
  }

 private:
  // Smaller = fewer non-default decisions (departures from the default schedule: what a reader
  // of the counterexample must follow), then fewer steps, then a shorter list.
  static auto size(const ShrinkRun& r) {
    return std::tuple(non_default_count(r.taken), r.steps, r.taken.size());
  }

  // Most concurrency bugs need only a few departures from the default schedule (Musuvathi and
  // Qadeer, "Iterative Context Bounding for Systematic Testing of Multithreaded Programs", PLDI
  // 2007): before shrinking, try schedules that depart at k = 0, 1, 2, ... random places only, and
  // start from the first that fails. A third of the budget at most.
  void few_departures() {
    const int limit = spent_ + budget_ / 3;
    const std::size_t length = best_.taken.size();
    std::uint64_t state = 0x9e3779b97f4a7c15ull ^ length;  // SplitMix64: deterministic
    auto next = [&state] {
      std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      return z ^ (z >> 31);
    };
    const std::size_t have = non_default_count(best_.taken);
    for (std::size_t k = 0; k < have && length > 0 && spent_ < limit; ++k) {
      const int tries = k == 0 ? 1 : 24;
      for (int t = 0; t < tries && spent_ < limit; ++t) {
        Decisions prefix(length, 0);
        for (std::size_t j = 0; j < k; ++j)
          prefix[next() % length] = static_cast<std::uint32_t>(1 + next() % 3);
        if (try_prefix(prefix)) return;
      }
    }
  }

  bool try_prefix(const Decisions& prefix) {
    if (spent_ >= budget_) return false;
    ++spent_;
    ShrinkRun r = oracle_(prefix);
    if (!r.fails || !(size(r) < size(best_))) return false;
    best_ = std::move(r);
    ++accepted_;
    return true;
  }

  // Keep only a prefix of the decisions; the rest take the default.
  bool truncate() {
    bool any = false;
    for (std::size_t keep = 0; keep < best_.taken.size() && spent_ < budget_;) {
      Decisions prefix(best_.taken.begin(),
                       best_.taken.begin() + static_cast<std::ptrdiff_t>(keep));
      if (try_prefix(prefix)) {
        any = true;
        keep = 0;  // the run changed: start over on the new one
        continue;
      }
      keep = keep == 0 ? 1 : keep * 2;
    }
    return any;
  }

  // Reset chunks of the non-default decisions to the default, halving the chunk size: chunks of
  // the departures themselves, not of all decisions, so each replay can remove some.
  bool reset_chunks() {
    bool any = false;
    for (std::size_t chunk = std::max<std::size_t>(1, non_default_count(best_.taken) / 2);
         chunk >= 1; chunk /= 2) {
      std::vector<std::size_t> departures;
      for (std::size_t i = 0; i < best_.taken.size(); ++i)
        if (best_.taken[i] != 0) departures.push_back(i);
      for (std::size_t at = 0; at < departures.size() && spent_ < budget_; at += chunk) {
        Decisions candidate = best_.taken;
        for (std::size_t k = at; k < std::min(departures.size(), at + chunk); ++k)
          if (departures[k] < candidate.size()) candidate[departures[k]] = 0;
        if (try_prefix(candidate)) {
          any = true;
          // The run changed shape: recount its departures and go on from the same place.
          departures.clear();
          for (std::size_t i = 0; i < best_.taken.size(); ++i)
            if (best_.taken[i] != 0) departures.push_back(i);
          at = at >= chunk ? at - chunk : 0;
          if (at + chunk > departures.size() && departures.size() < chunk) break;
        }
      }
      if (chunk == 1) break;
    }
    return any;
  }

  ShrinkRun best_;
  const ShrinkOracle& oracle_;
  int budget_;
  int spent_ = 0;
  int accepted_ = 0;
};

}  // namespace

ShrinkResult shrink_decisions(const ShrinkRun& start, const ShrinkOracle& oracle, int budget) {
  return Shrinker(start, oracle, budget).run();
}

}  // namespace papaya::properties
