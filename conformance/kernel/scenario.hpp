// A conformance scenario: one kernel rule, written once as a small Os program, run on the real
// kernel (RealOs) and on the simulated one (SimOs); the two outcomes must be equal, and the real
// one must equal the outcome the scenario expects.
//
// The outcome of a run is the scenario's observations file: lines appended with
// Ctx::observe(), one O_APPEND write each (atomic for a short line), followed by the line the
// supervisor adds when the scenario's root process ends ("root: exited 0").
//
// Determinism by construction: every step whose order matters is ordered through a pipe (one
// process blocks reading a Channel until another posts a byte), so any legal schedule yields the
// same observations. The exceptions are the few rules about interrupting a *blocked* call (EINTR,
// SA_RESTART, sleep): no Os call can tell a process that another one is blocked, so those
// scenarios leave a margin of time (100 ms or more, virtual in the sim), say so in a comment and
// are marked `timed`.
//
// Scenario bodies use Os only (no libc), never print pids or descriptor numbers (they differ
// between worlds), and leave no process running when the root returns.
#pragma once

#include <functional>
#include <source_location>
#include <string>
#include <string_view>

#include "os/os.hpp"

namespace papaya::conformance {

// A scenario's view of its world: the scratch directory and the observations file.
class Ctx {
 public:
  explicit Ctx(std::string dir) : dir_(std::move(dir)) {}

  // The scratch directory (to hand to an exec'd program, which rebuilds its Ctx from it).
  const std::string& dir() const { return dir_; }

  // A file path in the world's scratch directory.
  std::string path(std::string_view name) const;
  // The observations file: the scenario's outcome.
  std::string observations_path() const { return path("observations"); }

  // Appends `line` and a newline to the observations file with one O_APPEND write, opening and
  // closing the file on every call (so no descriptor of it is ever inherited by fork or counted
  // by a scenario). A failure here is recorded as best it can and ends the process with 99.
  void observe(Os& os, std::string_view line) const;

  // open(2) of `name` in the scratch directory (mode 0644), a step the scenario relies on.
  Fd open(Os& os, std::string_view name, OpenFlags flags) const;

  // A step the scenario relies on (not the rule under test) failed: record it and _exit(99).
  [[noreturn]] void fail(Os& os, std::string_view what) const;
  template <class T>
  T need(Os& os, Result<T> r, std::string_view what) const {
    if (!r) fail_with(os, what, r.error());
    return std::move(r).value();
  }
  void need(Os& os, Status s, std::string_view what) const {
    if (!s) fail_with(os, what, s.error());
  }

 private:
  [[noreturn]] void fail_with(Os& os, std::string_view what, Errno e) const;
  std::string dir_;
};

// A pipe used only to order steps between processes. post() writes one byte; await() blocks
// until one can be read (retrying EINTR, so a caught signal never breaks the ordering).
struct Channel {
  Fd r = -1;
  Fd w = -1;
};
Channel channel(Os& os, const Ctx& c);
// fork(2) of `body`, a step the scenario relies on: the child's pid.
Pid spawn(Os& os, const Ctx& c, std::function<void(Os&)> body);
void post(Os& os, const Ctx& c, const Channel& ch);
void await(Os& os, const Ctx& c, const Channel& ch);

struct Scenario {
  std::string name;  // sentence-like: the gtest name is Conformance.<name>
  std::string rule;  // man page and the quoted sentence the scenario checks
  std::function<void(Os&, const Ctx&)> body;  // runs as the scenario's root process
  std::string expected;                       // the observations, one per line
  // True when the real run relies on a margin of time (a signal must find a process blocked,
  // or one sleep must end before another): see the header comment. The sim's virtual time
  // makes these exact; on Linux the margins are 100 ms or more.
  bool timed = false;
  std::string root_end = "exited 0";  // how the root process ends (waitpid, shown)
  // True when the body starts threads of its process (Os::go, each goroutine a thread of its
  // own on Linux): the real world then runs the root on real::fiber's FiberOs with two
  // scheduler threads (threads.cpp), the sim runs it as a goroutine program.
  bool threads = false;
  std::source_location where = std::source_location::current();

  // The whole expected outcome: the observations and the supervisor's last line.
  std::string expected_outcome() const { return expected + "root: " + root_end + "\n"; }
};

// How values read in an outcome: "ok", "EAGAIN", "3", "exited 7", "killed by SIGTERM", ...
std::string show(Status s);
std::string show(const Result<size_t>& r);
std::string show(const Result<Offset>& r);
std::string show(const WaitStatus& w);
std::string show(const Result<WaitStatus>& r);
std::string show(const Result<Duration>& r);
std::string show(SigAction a);
std::string show(SigSet s);
std::string show(const Result<SigAction>& r);
std::string show(const Result<SigSet>& r);
std::string show(const Result<std::string>& r);  // the bytes in double quotes, or the errno
inline std::string yes_no(bool b) { return b ? "yes" : "no"; }
// "ok" for any value (a descriptor, a pid: numbers that differ between worlds), or the errno.
template <class T>
std::string ok_or_errno(const Result<T>& r) {
  return r ? std::string("ok") : std::string(errno_name(r.error()));
}

// One read(2) / recv(2) of at most `max` bytes.
Result<std::string> read_some(Os& os, Fd fd, size_t max);
Result<std::string> recv_some(Os& os, Fd fd, size_t max);
// One pread(2) of at most `max` bytes at `off`.
Result<std::string> pread_some(Os& os, Fd fd, size_t max, Offset off);
// The whole content of the scratch file `name`, read through a fresh descriptor, shown quoted.
std::string file_text(Os& os, const Ctx& c, std::string_view name);
// read(2) (files, pipes) or recv(2) (sockets) until end of file / end of stream, retrying EINTR;
// however the bytes were split across calls. An error ends the string early, its name appended.
std::string read_to_eof(Os& os, Fd fd);
std::string recv_to_eof(Os& os, Fd fd);
// `n` bytes of a fixed pattern (byte i is 'a' + i % 23), to check long streams arrive whole.
std::string pattern(size_t n);
// recv(2) until exactly `n` bytes arrived (or end of stream), however they were split.
std::string recv_n(Os& os, Fd fd, size_t n);

inline constexpr std::string_view kLocalhost = "127.0.0.1";

}  // namespace papaya::conformance
