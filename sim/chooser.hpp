// Chooser: the one door every nondeterministic decision goes through (the kernel's Choices, and
// the executor's choice of who steps next). It asks the strategy, checks the answer, and records
// the decision in the trace. A single option is not a decision: it is answered 0 and not recorded.
#pragma once

#include "model/check.hpp"
#include "model/decision.hpp"
#include "sim/prng.hpp"
#include "sim/strategy.hpp"
#include "traces/trace.hpp"

namespace papaya::sim {

class Chooser final : public model::Choices {
 public:
  Chooser(Strategy& strategy, std::vector<traces::Decision>& record)
      : strategy_(strategy), record_(record) {}
  // `random`: the generator of the strategy when it is the random strategy, whose every answer is
  // random->uniform(n) (sim/random_strategy.hpp): then asked directly, without the virtual call.
  void ask_directly(Prng* random) { random_ = random; }

  // Inline: the executor's schedule decision, one at nearly every step, needs no call.
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind) override {
    return choose_inline(n, kind);
  }
  // The same, inlined even where the compiler would not (Executor::run, whose Go loop called
  // choose out of line: about 18 instructions a step of a goroutine chat run in the call).
  [[gnu::always_inline]] std::uint32_t choose_inline(std::uint32_t n, model::DecisionKind kind) {
    PAPAYA_ASSERT(n >= 1, "a decision with no options");
    if (n == 1) return 0;
    const std::uint32_t c = random_ ? random_->uniform(n) : strategy_.choose(n, kind, step_);
    PAPAYA_ASSERT(c < n, "the strategy chose outside its options");
    record_.push_back(traces::Decision{kind, n, c});
    return c;
  }
  // A decision the trace does not keep (DecisionKind::kill: the trace keeps what it did instead).
  std::uint32_t choose_unrecorded(std::uint32_t n, model::DecisionKind kind) {
    PAPAYA_ASSERT(n >= 2 && !random_, "an unrecorded decision of the exploring strategies only");
    const std::uint32_t c = strategy_.choose(n, kind, step_);
    PAPAYA_ASSERT(c < n, "the strategy chose outside its options");
    return c;
  }
  void at_step(std::uint64_t step) { step_ = step; }
  std::uint64_t decisions() const { return record_.size(); }
  Strategy& strategy() { return strategy_; }

 private:
  Strategy& strategy_;
  std::vector<traces::Decision>& record_;
  Prng* random_ = nullptr;
  std::uint64_t step_ = 0;
};

}  // namespace papaya::sim
