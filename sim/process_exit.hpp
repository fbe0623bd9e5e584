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

#include <unwind.h>

#include <cstdlib>
#include <exception>

namespace papaya::sim {

// Thrown instead when a forced unwind cannot be used (see end_process_stack).
struct ProcessExit {};

namespace unwind_detail {
// One unwind at a time per thread: the fibers of one simulation take turns on its thread, and an
// unwind runs to the bottom of its fiber without switching (a dying process's calls return at
// once, Executor::call).
inline thread_local _Unwind_Exception exception;
inline thread_local bool unwinding = false;
// Nothing to free: the exception object is the thread's, above.
void cleanup(_Unwind_Reason_Code, _Unwind_Exception*);
// Called at every frame before its personality routine: go on, down to the catch (...) at the
// fiber's bottom. Reaching the end of the stack means there was none: a broken fiber.
_Unwind_Reason_Code stop(int, _Unwind_Action actions, _Unwind_Exception_Class, _Unwind_Exception*,
                         _Unwind_Context*, void*);
}  // namespace unwind_detail

// Unwinds the calling fiber's stack to the catch (...) at its bottom. Throws ProcessExit instead
// while an exception is being handled on this thread (a foreign exception cannot be caught on top
// of another: __cxa_begin_catch would terminate), and always in an ASan build (ASan cleans an
// unwound stack's shadow only for a throw; see below).
//
// Inline, always: the unwinder walks every frame from here to the fiber's bottom, looking up its
// FDE and running its CFA program (about 2,500 instructions a frame, docs/performance.md, "Wave
// 9"); a function of its own would be one frame more at every process's end.
[[noreturn, gnu::always_inline]] inline void end_process_stack() {
#if defined(__SANITIZE_ADDRESS__)
  // ASan cleans the shadow of the frames an exception unwinds from its __cxa_throw and
  // _Unwind_RaiseException interceptors; it has none for _Unwind_ForcedUnwind, and a forced
  // unwind on a fiber stack left poisoned shadow that a later frame tripped on (a
  // stack-use-after-scope report inside __asan_handle_no_return). Sanitizer builds keep the throw.
  throw ProcessExit{};
#else
  if (std::uncaught_exceptions() != 0 || std::current_exception()) throw ProcessExit{};
  unwind_detail::exception = _Unwind_Exception{};
  unwind_detail::exception.exception_class = 0x5041504159455849;  // "PAPAYEXI": not a C++ one
  unwind_detail::exception.exception_cleanup = unwind_detail::cleanup;
  unwind_detail::unwinding = true;
  _Unwind_ForcedUnwind(&unwind_detail::exception, unwind_detail::stop, nullptr);
  std::abort();  // returns only if it could not start
#endif
}

// In the catch (...) at a fiber's bottom: whether what was caught is end_process_stack's unwind
// (then true, once: the flag is cleared).
bool take_process_stack_end();

}  // namespace papaya::sim
