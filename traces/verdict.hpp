// Verdict: how a run ended, with a printable name. A closed enum (Relacy's habit): the simulator
// produces the run-level verdicts (deadlock, step bound, ...), the history checkers in properties/
// produce the property verdicts. Tests declare the verdict they expect.
#pragma once

#include <optional>
#include <string_view>

namespace papaya {

enum class Verdict {
  ok,                   // every process exited; nothing went wrong
  deadlock,             // every live process blocked and no timer pending
  step_bound_exceeded,  // Options::max_steps steps without the run ending
  uncaught_exception,   // a simulated process let a C++ exception escape its body
  replay_divergence,    // a replayed decision was out of range or of another kind
  go_fatal,  // a goroutine program's Go runtime failed: a fatal error or panic (Go's message)
  // Property verdicts (properties/): named here so a trace can carry them.
  interleaved_write,
  read_during_write,
  reader_blocked_by_reader,
  lost_delivery,
  duplicate_delivery,
  half_served,       // a client whose cluster was killed left connected, deaf or mute (issue 9)
  torn_log,          // an append began after a partial line, or a client received one (log-heals)
  delivery_delayed,  // a client that stopped reading held up another's delivery (slow-client)
};

// "deadlock", "step_bound_exceeded", ...: the names traces and the CLI print.
std::string_view verdict_name(Verdict v);
// True for the property verdicts (interleaved_write and after): properties/ decides them, not the
// simulator.
inline bool is_property_verdict(Verdict v) { return v >= Verdict::interleaved_write; }
std::optional<Verdict> parse_verdict(std::string_view name);

}  // namespace papaya
