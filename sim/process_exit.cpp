#include "sim/process_exit.hpp"

#include <unwind.h>

#include <cstdlib>
#include <exception>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

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
  if (std::uncaught_exceptions() != 0 || std::current_exception()) throw ProcessExit{};
#if defined(__SANITIZE_ADDRESS__)
  __asan_handle_no_return();  // as ASan's __cxa_throw interceptor does before unwinding
#endif
  unwind_exception = _Unwind_Exception{};
  unwind_exception.exception_class = 0x5041504159455849;  // "PAPAYEXI": not a C++ exception
  unwind_exception.exception_cleanup = cleanup;
  unwinding = true;
  _Unwind_ForcedUnwind(&unwind_exception, stop, nullptr);
  std::abort();  // returns only if it could not start
}

bool take_process_stack_end() {
  const bool was = unwinding;
  unwinding = false;
  return was;
}

}  // namespace papaya::sim
