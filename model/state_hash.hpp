// A 128-bit digest of values, for the stateful exploration's visited-state table
// (sim/state_cache.hpp). Two 64-bit lanes with different constants, each a splitmix64-style
// finaliser over the running value: two states collide only if both lanes do (a false "visited"
// would cut a run that is not covered; with n states the chance is about n^2 / 2^129).
//
// Kernel::hash_state (model/state_hash.cpp) feeds every field of every kernel object into one.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace papaya::model {

struct StateDigest {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  friend bool operator==(const StateDigest&, const StateDigest&) = default;
  friend auto operator<=>(const StateDigest&, const StateDigest&) = default;
};

class StateHasher {
 public:
  void add(std::uint64_t v) {
    lo_ = mix(lo_ ^ (v + 0x9e3779b97f4a7c15ull));
    hi_ = mix(hi_ + (v ^ 0xc2b2ae3d27d4eb4full) * 0x165667b19e3779f9ull + 0x27d4eb2f165667c5ull);
  }
  void add_signed(std::int64_t v) { add(static_cast<std::uint64_t>(v)); }
  void add_bool(bool b) { add(b ? 1 : 0); }
  // Length first, so "ab" + "c" and "a" + "bc" differ.
  void add_bytes(std::string_view s) {
    add(s.size());
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, s.data() + i, 8);
      add(w);
    }
    std::uint64_t w = 0;
    if (i < s.size()) std::memcpy(&w, s.data() + i, s.size() - i);
    add(w);
  }
  void add(const StateDigest& d) {
    add(d.lo);
    add(d.hi);
  }
  StateDigest digest() const {
    return {mix(lo_ ^ 0x5851f42d4c957f2dull), mix(hi_ + 0x14057b7ef767814full)};
  }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t lo_ = 0x243f6a8885a308d3ull;
  std::uint64_t hi_ = 0x13198a2e03707344ull;
};

}  // namespace papaya::model
