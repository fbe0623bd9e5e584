// Effect pool: one copy of each distinct step effect a DPOR strategy keeps between executions
// (sleep-set entries, explored branches, wakeup-tree nodes). The same step's effect is kept at
// many nodes and in many wakeup sequences; each held a copy of its access list before (with two
// clients, most of optimal DPOR's memory: docs/explore.md "Two clients"). Effects are interned
// once and never freed while the strategy lives: their number is the number of distinct effects
// the exploration met (counted, `size`), far below the number of places that name them.
// Looked up only, never iterated: the table's order cannot leak anywhere.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/independence.hpp"

namespace papaya::sim {

class EffectPool {
 public:
  // The pool's copy of `e` (equal pid, globality and accesses in order), made on first sight.
  const Effect* intern(const Effect& e) {
    std::vector<const Effect*>& bucket = by_hash_[hash(e)];
    for (const Effect* x : bucket)
      if (same(*x, e)) return x;
    all_.push_back(std::make_unique<const Effect>(e));
    bucket.push_back(all_.back().get());
    bytes_ += sizeof(Effect) + e.access.size() * sizeof(Access);
    accesses_ += e.access.size();
    return bucket.back();
  }
  std::size_t size() const { return all_.size(); }
  std::uint64_t accesses() const { return accesses_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  static bool same(const Effect& a, const Effect& b) {
    return a.pid == b.pid && a.global == b.global && a.access == b.access;
  }
  static std::uint64_t hash(const Effect& e) {
    std::uint64_t h = 1469598103934665603ull ^ static_cast<std::uint64_t>(e.pid);
    h = (h ^ (e.global ? 1u : 0u)) * 1099511628211ull;
    for (const Access& a : e.access) {
      const std::uint64_t v = (static_cast<std::uint64_t>(a.sigs) << 48) |
                              (static_cast<std::uint64_t>(a.obj) << 40) |
                              (static_cast<std::uint64_t>(a.write) << 32) | a.id;
      h = (h ^ v) * 1099511628211ull;
    }
    return h;
  }

  std::vector<std::unique_ptr<const Effect>> all_;
  std::unordered_map<std::uint64_t, std::vector<const Effect*>> by_hash_;
  std::uint64_t bytes_ = 0;
  std::uint64_t accesses_ = 0;
};

}  // namespace papaya::sim
