// An ended process's fiber unwinds its stack (sim/process_exit.hpp): every destructor on it runs,
// through a catch (...) that rethrows, and inside a catch block too (where a throw is used).
#include <gtest/gtest.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

using testing::run;

int exit_test_destroyed = 0;

struct ExitTestGuard {
  std::string bytes = std::string(100, 'x');  // heap memory: a leak if never destroyed
  ~ExitTestGuard() { ++exit_test_destroyed; }
};

void exit_from_depth(Os& os, int depth) {
  ExitTestGuard g;
  std::vector<int> v(32, depth);
  if (depth > 0)
    exit_from_depth(os, depth - 1);
  else
    os.exit(3);
}

void exit_through_rethrowing_catch(Os& os, int depth) {
  try {
    exit_from_depth(os, depth);
  } catch (...) {
    throw;  // what chat/ promises: a catch (...) lets the end pass
  }
}

TEST(ProcessExit, AnExitDeepInTheStackRunsEveryDestructorOnTheWay) {
  exit_test_destroyed = 0;
  Result<WaitStatus> ws = Errno::other;
  RunReport r = run([&](Os& os) {
    const Result<Pid> child = os.fork([](Os& c) { exit_from_depth(c, 9); });
    ws = os.waitpid(*child, false);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ(ws->exit_code, 3);
  EXPECT_EQ(exit_test_destroyed, 10);
}

TEST(ProcessExit, EndsThroughARethrowingCatchLeaveNoUncaughtExceptionBehind) {
  exit_test_destroyed = 0;
  int uncaught_in_last = -1;
  RunReport r = run([&](Os& os) {
    for (int i = 0; i < 3; ++i) {
      const Result<Pid> child = os.fork([](Os& c) { exit_through_rethrowing_catch(c, 4); });
      (void)os.waitpid(*child, false);
    }
    uncaught_in_last = std::uncaught_exceptions();
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_EQ(exit_test_destroyed, 15);
  EXPECT_EQ(uncaught_in_last, 0);
  EXPECT_EQ(std::uncaught_exceptions(), 0);
}

TEST(ProcessExit, AnExitInsideACatchBlockEndsTheProcessToo) {
  exit_test_destroyed = 0;
  Result<WaitStatus> ws = Errno::other;
  RunReport r = run([&](Os& os) {
    const Result<Pid> child = os.fork([](Os& c) {
      ExitTestGuard g;
      try {
        throw std::runtime_error("handled");
      } catch (const std::exception&) {
        exit_from_depth(c, 2);
      }
    });
    ws = os.waitpid(*child, false);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ(ws->exit_code, 3);
  EXPECT_EQ(exit_test_destroyed, 4);
  EXPECT_FALSE(std::current_exception());
}

#if defined(__SANITIZE_ADDRESS__)
// ASan knows which stack runs (sim/fiber_switch.hpp announces every switch): a process that ends
// throws on its fiber, and ASan unpoisons that stack from the throw down. Told nothing, it takes
// the fiber's frames for the thread's stack's, declines ("ASan is ignoring requested
// __asan_handle_no_return") and warns that false reports may follow. Forty processes end deep in
// their stacks, one after the other, each on a pooled stack its predecessor used.
TEST(ProcessExit, AsanKnowsTheFiberStackAnEndingProcessThrowsOn) {
  ::testing::internal::CaptureStderr();
  exit_test_destroyed = 0;
  RunReport r = run([&](Os& os) {
    for (int i = 0; i < 40; ++i) {
      const Result<Pid> child = os.fork([](Os& c) { exit_through_rethrowing_catch(c, 6); });
      (void)os.waitpid(*child, false);
    }
  });
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_EQ(exit_test_destroyed, 40 * 7);
  EXPECT_EQ(err.find("__asan_handle_no_return"), std::string::npos) << err;
  EXPECT_EQ(err.find("AddressSanitizer"), std::string::npos) << err;
}
#endif

}  // namespace
}  // namespace papaya::sim
