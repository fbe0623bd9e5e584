#include "sim/process_exit.hpp"

#include <cxxabi.h>

// The Itanium C++ ABI's per-thread exception globals (section 2.2.2, "Exception Handling Storage";
// <cxxabi.h> declares the type without its members).
namespace __cxxabiv1 {
struct __cxa_eh_globals {
  void* caughtExceptions;
  unsigned int uncaughtExceptions;
};
}  // namespace __cxxabiv1

namespace papaya::sim {

namespace unwind_detail {

void cleanup(_Unwind_Reason_Code, _Unwind_Exception*) {}

_Unwind_Reason_Code stop(int, _Unwind_Action actions, _Unwind_Exception_Class, _Unwind_Exception*,
                         _Unwind_Context*, void*) {
  if ((actions & _UA_END_OF_STACK) != 0) std::abort();
  return _URC_NO_REASON;
}

}  // namespace unwind_detail

// A `catch (...) { throw; }` on the way counts the rethrown unwind as uncaught
// (__cxa_rethrow: "uncaughtExceptions += 1"), and only a C++ exception's catch counts it back:
// the count goes back to what it was when the unwind started (none: end_process_stack).
bool take_process_stack_end() {
  const bool was = unwind_detail::unwinding;
  unwind_detail::unwinding = false;
  if (was) abi::__cxa_get_globals()->uncaughtExceptions = 0;
  return was;
}

}  // namespace papaya::sim
