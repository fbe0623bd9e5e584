// Assertions of the model and the simulator. A broken invariant is a programmer error, never a
// modelled one: it prints what broke, where, and the run's context (seed, replay command), then
// aborts. TigerBeetle's habit: assert on write *and* on read back.
#pragma once

#include <string>

namespace papaya::model {

[[noreturn]] void assertion_failed(const char* condition, const char* what, const char* file,
                                   int line);

// What to print with a failed assertion so the run can be reproduced ("seed 7; replay with ...").
// Set by the simulator for the run in progress; empty otherwise.
void set_failure_context(std::string context);

}  // namespace papaya::model

#define PAPAYA_ASSERT(cond, what)                                                    \
  do {                                                                               \
    if (!(cond)) ::papaya::model::assertion_failed(#cond, what, __FILE__, __LINE__); \
  } while (false)
