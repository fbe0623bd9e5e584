// The kernel's only source of nondeterminism. Every choice the real kernel may make differently
// from one run to the next (which process runs, how a send is cut into segments, how much of a
// stream has arrived, whether an offered fault fires, whether a signal or a wakeup wins a race) is
// asked of one `Choices` object; sim/'s Chooser implements it and records the answer. The schedule
// *is* the list of decisions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace papaya::model {

enum class DecisionKind : std::uint8_t {
  schedule,     // which ready process takes the next step
  segment,      // whether (and where) a send is cut into one more segment
  arrival,      // how many queued segments have arrived when recv looks
  fault,        // whether an offered fault (a short write or send) fires, and how short
  signal_race,  // a blocked call both woken and interrupted: 0 = it completes, 1 = EINTR
  // The Go runtime model's open choices (model/go/runtime.hpp GoChoice):
  go_steal,    // stealWork's victim order (randomOrder's start and stride: fastrand)
  go_select,   // selectgo's poll order (fastrandn per case): which ready case wins
  go_preempt,  // whether an asynchronous preemption lands before the next operation
  go_race,     // runqput under -race: runnext or the tail (fastrandn(2))
  // papaya explore --kills: kill -9 from outside before this step, and of which server process
  // (0 = none). Asked only of an exploring strategy, never recorded as a decision: a kill taken is
  // written to the trace as a KillFault at its step, which replays it (sim/executor.cpp).
  kill,
};
inline constexpr int decision_kinds = 10;

std::string_view decision_kind_name(DecisionKind k);
std::optional<DecisionKind> parse_decision_kind(std::string_view name);

class Choices {
 public:
  virtual ~Choices() = default;
  // One of `n` options, in [0, n). REQUIRES: n >= 1 (n == 1 is answered 0 without a decision).
  virtual std::uint32_t choose(std::uint32_t n, DecisionKind kind) = 0;
};

}  // namespace papaya::model
