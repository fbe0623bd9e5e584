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
#include <vector>

#include "sim/independence.hpp"

namespace papaya::sim {

class EffectPool {
 public:
  // The pool's copy of `e` (equal pid, globality and accesses in order), made on first sight.
  const Effect* intern(const Effect& e) {
    const std::uint64_t h = hash(e);
    std::size_t i = slot_of(h);
    for (; table_[i].effect != nullptr; i = (i + 1) & (table_.size() - 1))
      if (table_[i].hash == h && same(*table_[i].effect, e)) return table_[i].effect;
    all_.push_back(std::make_unique<const Effect>(e));
    table_[i] = {h, all_.back().get()};
    if (2 * all_.size() > table_.size()) grow();  // keep the load under 1/2
    bytes_ += sizeof(Effect) + e.access.size() * sizeof(Access);
    accesses_ += e.access.size();
    return all_.back().get();
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

  // An open-addressing table (linear probing) of the effects with their hashes: a probe or two
  // in one array, where a hash map walked a node and a bucket vector (1.4 % of dpor's time).
  struct Entry {
    std::uint64_t hash = 0;
    const Effect* effect = nullptr;  // null: a free entry
  };
  std::size_t slot_of(std::uint64_t h) const {
    return static_cast<std::size_t>((h * 0x9e3779b97f4a7c15ull) >> 32) & (table_.size() - 1);
  }
  void grow() {
    std::vector<Entry> old(table_.size() * 2);
    old.swap(table_);
    for (const Entry& x : old)
      if (x.effect != nullptr) {
        std::size_t i = slot_of(x.hash);
        while (table_[i].effect != nullptr) i = (i + 1) & (table_.size() - 1);
        table_[i] = x;
      }
  }

  std::vector<std::unique_ptr<const Effect>> all_;
  std::vector<Entry> table_ = std::vector<Entry>(64);
  std::uint64_t bytes_ = 0;
  std::uint64_t accesses_ = 0;
};

}  // namespace papaya::sim
