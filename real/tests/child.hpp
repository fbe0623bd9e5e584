// Test helpers for the real kernel: run a test body in a forked child, so signals, process
// groups and masks never touch the test runner, and every wait has a deadline.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>

namespace papaya::real::testing {

struct ChildOutcome {
  bool exited = false;
  int code = -1;
  bool signaled = false;
  int signo = 0;
  bool timed_out = false;  // the deadline passed; the child was SIGKILLed and reaped
  std::string describe() const;
};

// Forks; the child runs `body` and _exit()s with its return value (or 1 if CHILD_CHECK failed).
// The parent waits at most `deadline`, then SIGKILLs and reaps the child.
ChildOutcome run_in_child(const std::function<int()>& body,
                          std::chrono::milliseconds deadline = std::chrono::seconds(10));

// Waits for one specific child with a deadline; SIGKILLs and reaps it when the deadline passes.
ChildOutcome wait_child(pid_t pid, std::chrono::milliseconds deadline);

// A failed check inside a child: says where on stderr, then _exit(1).
[[noreturn]] void child_fail(const char* file, int line, const char* what);

// A fresh mkdtemp(3) directory, removed with its files (one level) when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace papaya::real::testing

#define CHILD_CHECK(cond)                                                        \
  do {                                                                           \
    if (!(cond)) ::papaya::real::testing::child_fail(__FILE__, __LINE__, #cond); \
  } while (0)

#define EXPECT_CHILD_OK(outcome) \
  EXPECT_TRUE((outcome).exited && (outcome).code == 0) << (outcome).describe()
