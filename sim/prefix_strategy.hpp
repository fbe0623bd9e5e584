// Prefix strategy: follows a list of decisions leniently, then takes the default. Decision i is
// the recorded index, clamped into range (the run may have changed shape under it); every
// decision past the list takes 0, the default (for scheduling: keep running the process that ran
// last, when it can). It never diverges: the schedule shrinker (properties/shrink.hpp) replays
// candidate prefixes with it, and each candidate is a real run whose own decisions are recorded.
#pragma once

#include <algorithm>
#include <vector>

#include "sim/strategy.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

class PrefixStrategy final : public Strategy {
 public:
  explicit PrefixStrategy(std::vector<traces::Decision> prefix) : prefix_(std::move(prefix)) {}
  std::string_view name() const override { return "prefix"; }
  bool begin_execution() override { return !started_ && (started_ = true); }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind, std::uint64_t) override {
    if (next_ >= prefix_.size()) return 0;
    return std::min(prefix_[next_++].chosen, n - 1);
  }

 private:
  std::vector<traces::Decision> prefix_;
  std::size_t next_ = 0;
  bool started_ = false;
};

}  // namespace papaya::sim
