// The one signal handler RealOs installs (design.md, "Signal handlers are data"): it sets the
// caught flag of the signal it received and does nothing else.
//
// The flags are static storage, one std::atomic<int> per signal number. That is right here and
// only here: each real process has its own copy of this memory (fork(2) copies the address
// space), which is exactly "per-process state lives in the process". The sim keeps its flags in
// its modelled processes instead.
#pragma once

namespace papaya::real {

// The trampoline, with the signature sigaction(2)'s sa_handler wants. Async-signal-safe: one
// lock-free atomic store.
extern "C" void papaya_real_on_signal(int signo);

// Reads and clears the flag of `signo` at once. False for numbers out of range.
bool take_caught_flag(int signo);
// Sets nothing, reads without clearing (tests and diagnostics).
bool peek_caught_flag(int signo);

}  // namespace papaya::real
