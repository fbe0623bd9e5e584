// Random strategy: every decision uniform over its options, from a seeded Prng. One execution
// per seed.
#pragma once

#include "sim/prng.hpp"
#include "sim/strategy.hpp"

namespace papaya::sim {

class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(std::uint64_t seed) : prng_(seed) {}
  std::string_view name() const override { return "random"; }
  bool begin_execution() override { return !started_ && (started_ = true); }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind, std::uint64_t) override {
    return prng_.uniform(n);
  }
  // Its generator: every answer above is prng().uniform(n) (the Chooser asks it directly).
  Prng& prng() { return prng_; }

 private:
  Prng prng_;
  bool started_ = false;
};

}  // namespace papaya::sim
