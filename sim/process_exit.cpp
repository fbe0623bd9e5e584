#include "sim/process_exit.hpp"

#include <cxxabi.h>
#include <unwind.h>

#include <cstdlib>
#include <exception>

// The Itanium C++ ABI's per-thread exception globals (section 2.2.2, "Exception Handling Storage";
// <cxxabi.h> declares the type without its members).
namespace __cxxabiv1 {
struct __cxa_eh_globals {
  void* caughtExceptions;
  unsigned int uncaughtExceptions;
};
}  // namespace __cxxabiv1

namespace papaya::sim {

namespace {

// One unwind at a time per thread: the fibers of one simulation take turns on its thread, and an
// unwind runs to the bottom of its fiber without switching (a dying process's calls return at
// once, Executor::call).
thread_local _Unwind_Exception unwind_exception;
thread_local bool unwinding = false;

// Nothing to free: the exception object is the thread's, above.
void cleanup(_Unwind_Reason_Code, _Unwind_Exception*) {}

// Called at every frame before its personality routine: go on, down to the catch (...) at the
// fiber's bottom. Reaching the end of the stack means there was none: a broken fiber.
_Unwind_Reason_Code stop(int, _Unwind_Action actions, _Unwind_Exception_Class, _Unwind_Exception*,
                         _Unwind_Context*, void*) {
  if ((actions & _UA_END_OF_STACK) != 0) std::abort();
  return _URC_NO_REASON;
}

}  // namespace

void end_process_stack() {
#if defined(__SANITIZE_ADDRESS__)
  // ASan cleans the shadow of the frames an exception unwinds from its __cxa_throw and
  // _Unwind_RaiseException interceptors; it has none for _Unwind_ForcedUnwind, and a forced
  // unwind on a fiber stack left poisoned shadow that a later frame tripped on (a
  // stack-use-after-scope report inside __asan_handle_no_return). Sanitizer builds keep the throw.
  throw ProcessExit{};
#endif
  if (std::uncaught_exceptions() != 0 || std::current_exception()) throw ProcessExit{};
  unwind_exception = _Unwind_Exception{};
  unwind_exception.exception_class = 0x5041504159455849;  // "PAPAYEXI": not a C++ exception
  unwind_exception.exception_cleanup = cleanup;
  unwinding = true;
  _Unwind_ForcedUnwind(&unwind_exception, stop, nullptr);
  std::abort();  // returns only if it could not start
}

// A `catch (...) { throw; }` on the way counts the rethrown unwind as uncaught
// (__cxa_rethrow: "uncaughtExceptions += 1"), and only a C++ exception's catch counts it back:
// the count goes back to what it was when the unwind started (none: end_process_stack).
bool take_process_stack_end() {
  const bool was = unwinding;
  unwinding = false;
  if (was) abi::__cxa_get_globals()->uncaughtExceptions = 0;
  return was;
}

}  // namespace papaya::sim
