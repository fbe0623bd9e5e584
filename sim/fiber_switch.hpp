// The switches between the scheduler and a process's (or goroutine's) fiber. Every fiber switches
// only to the scheduler and back, so there are four: the scheduler enters a fiber (enter), a
// fiber leaves for the scheduler (leave), a fiber's first run starts (inside make_fiber) and its
// last one ends (the same).
//
// In a sanitizer build each switch is announced to ASan (__sanitizer_start_switch_fiber before it,
// __sanitizer_finish_switch_fiber after it), so ASan knows which stack runs: an exception thrown
// on a fiber (ProcessExit, ProcessExec) unpoisons the right stack, and no report mistakes one
// stack for the other. Boost.Context's ucontext back end does the same with BOOST_USE_ASAN, but
// swapcontext makes a system call (rt_sigprocmask) per switch: a quarter of the sanitizer suite's
// time went there (docs/performance.md, "CI cost"). So every build uses the fcontext back end,
// and this file announces the switches itself. Without ASan the functions are the bare switches.
#pragma once

#include <boost/context/fiber.hpp>
#include <boost/context/preallocated.hpp>
#include <cstddef>
#include <memory>
#include <utility>

#include "sim/stack_pool.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace papaya::sim {

// A fiber's stack, as ASan is told of it: its lowest address and its size.
struct FiberStack {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

namespace fiber_switch_detail {

// The scheduler's stack (the thread's own), learnt from ASan when a fiber first runs.
inline thread_local FiberStack scheduler;

inline void first_run_starts() {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(nullptr, &scheduler.bottom, &scheduler.size);
#endif
}

// The fiber ends: its stack (and any fake frames on it) will not run again.
inline void last_run_ends() {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(nullptr, scheduler.bottom, scheduler.size);
#endif
}

}  // namespace fiber_switch_detail

// A fiber on a stack of the thread's pool that runs `fn(scheduler)` and returns the scheduler's
// fiber to switch to when it ends; `stack` receives the stack's bounds (for enter).
template <class Fn>
boost::context::fiber make_fiber(FiberStack& stack, Fn fn) {
  StackPool& pool = StackPool::local();
  boost::context::stack_context sctx = pool.allocate();
  stack = {static_cast<char*>(sctx.sp) - sctx.size, sctx.size};
  return boost::context::fiber(
      std::allocator_arg, boost::context::preallocated(sctx.sp, sctx.size, sctx), PooledStack(pool),
      [fn = std::move(fn)](boost::context::fiber&& sched) mutable {
        fiber_switch_detail::first_run_starts();
        try {
          boost::context::fiber back = fn(std::move(sched));
          fiber_switch_detail::last_run_ends();
          return back;
        } catch (const boost::context::detail::forced_unwind&) {
          fiber_switch_detail::last_run_ends();  // Boost switches from the unwound stack
          throw;
        }
      });
}

// From the scheduler into the fiber `f` (its stack `stack`); back when it leaves or ends (then the
// fiber returned is empty).
inline boost::context::fiber enter(boost::context::fiber&& f, const FiberStack& stack) {
#if defined(__SANITIZE_ADDRESS__)
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, stack.bottom, stack.size);
  boost::context::fiber back = std::move(f).resume();
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
  return back;
#else
  (void)stack;
  return std::move(f).resume();
#endif
}

// From a fiber to the scheduler `sched`; back when the scheduler enters the fiber again.
inline boost::context::fiber leave(boost::context::fiber&& sched) {
#if defined(__SANITIZE_ADDRESS__)
  FiberStack& s = fiber_switch_detail::scheduler;
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, s.bottom, s.size);
  boost::context::fiber back = std::move(sched).resume();
  __sanitizer_finish_switch_fiber(fake, &s.bottom, &s.size);
  return back;
#else
  return std::move(sched).resume();
#endif
}

}  // namespace papaya::sim
