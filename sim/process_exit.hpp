// Ending a simulated process's (or goroutine's) fiber stack once its process has ended: every
// destructor on the stack runs, down to the catch (...) at the bottom of the fiber
// (Executor::run_image, Executor::goroutine_main), which then returns to the scheduler.
//
// `throw ProcessExit{}` does that in two passes over the stack (the Itanium C++ ABI's search
// phase, which looks for the handler, then the cleanup phase), and the search phase is about half
// of what a process's end costs (docs/performance.md). A forced unwind (_Unwind_ForcedUnwind, as
// glibc's thread cancellation uses) runs the cleanup phase only. Only catch (...) clauses see it
// (as abi::__forced_unwind); a catch of a type does not, just as none catches ProcessExit (which
// is not an std::exception). A catch (...) on the way must rethrow, as for ProcessExit.
#pragma once

namespace papaya::sim {

// Thrown instead when a forced unwind cannot be used (see end_process_stack).
struct ProcessExit {};

// Unwinds the calling fiber's stack to the catch (...) at its bottom. Throws ProcessExit instead
// while an exception is being handled on this thread (a foreign exception cannot be caught on top
// of another: __cxa_begin_catch would terminate), and always in an ASan build (ASan cleans an
// unwound stack's shadow only for a throw: sim/process_exit.cpp).
[[noreturn]] void end_process_stack();

// In the catch (...) at a fiber's bottom: whether what was caught is end_process_stack's unwind
// (then true, once: the flag is cleared).
bool take_process_stack_end();

}  // namespace papaya::sim
