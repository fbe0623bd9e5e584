// Borrowed strategy: forwards every call to a strategy owned elsewhere (an explorer's, which lives
// across the many Simulations of one exploration). Options::external names it.
#pragma once

#include "sim/strategy.hpp"

namespace papaya::sim {

class BorrowedStrategy final : public Strategy {
 public:
  explicit BorrowedStrategy(Strategy& s) : s_(s) {}
  std::string_view name() const override { return s_.name(); }
  bool begin_execution() override { return s_.begin_execution(); }
  std::uint32_t choose(std::uint32_t n, model::DecisionKind kind, std::uint64_t step) override {
    return s_.choose(n, kind, step);
  }
  std::string divergence() const override { return s_.divergence(); }
  bool observes() const override { return s_.observes(); }
  void ready(const model::Kernel& k, std::span<const Pid> r) override { s_.ready(k, r); }
  void stepping(const model::Kernel& k, Pid pid) override { s_.stepping(k, pid); }
  void observed(Pid pid, model::OpKind kind, const model::OpArgs& args, const model::Outcome& out,
                std::span<const char> received) override {
    s_.observed(pid, kind, args, out, received);
  }
  void step_effect(const Effect& e) override { s_.step_effect(e); }
  void stepped(Pid pid, model::StepStatus st) override { s_.stepped(pid, st); }
  bool attach(const RunView* v) override { return s_.attach(v); }
  void go_resumed(Pid pid, const model::StateDigest& d) override { s_.go_resumed(pid, d); }
  void time_moved() override { s_.time_moved(); }
  void run_ending(const model::Kernel& k) override { s_.run_ending(k); }
  bool abandon() const override { return s_.abandon(); }

 private:
  Strategy& s_;
};

}  // namespace papaya::sim
