#include "properties/shrink.hpp"

#include <algorithm>
#include <tuple>

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
    bool progress = true;
    while (progress && spent_ < budget_) {
      progress = false;
      progress |= truncate();
      progress |= reset_chunks();
    }
    return {best_.taken, best_.steps, spent_, accepted_};
  }

 private:
  // Smaller = fewer steps, then fewer non-default decisions, then a shorter list.
  static auto size(const ShrinkRun& r) {
    return std::tuple(r.steps, non_default_count(r.taken), r.taken.size());
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

  // Reset chunks of non-default decisions to the default, halving the chunk size.
  bool reset_chunks() {
    bool any = false;
    for (std::size_t chunk = std::max<std::size_t>(1, best_.taken.size() / 2); chunk >= 1;
         chunk /= 2) {
      for (std::size_t at = 0; at < best_.taken.size() && spent_ < budget_; at += chunk) {
        Decisions candidate = best_.taken;
        std::size_t end = std::min(candidate.size(), at + chunk);
        bool changed = false;
        for (std::size_t i = at; i < end; ++i) {
          changed |= candidate[i] != 0;
          candidate[i] = 0;
        }
        if (changed && try_prefix(candidate)) any = true;
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
