// Value types of the seam: pids, descriptors, signals, flags, durations. Deliberately not the C
// library's types or constants: os/ and chat/ include no kernel header. RealOs translates.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace papaya {

using Pid = std::int32_t;
using Fd = std::int32_t;
using Offset = std::int64_t;
using Duration = std::chrono::nanoseconds;  // virtual in the sim, CLOCK_MONOTONIC on Linux

// Signals the chat system and the conformance scenarios use. Values are Linux x86-64's numbers,
// but RealOs maps them explicitly anyway.
enum class Sig : int {
  hup = 1,
  int_ = 2,
  kill = 9,
  usr1 = 10,
  usr2 = 12,
  pipe = 13,
  alrm = 14,
  term = 15,
  chld = 17
};
inline constexpr Sig all_signals[] = {Sig::hup,  Sig::int_, Sig::kill, Sig::usr1, Sig::usr2,
                                      Sig::pipe, Sig::alrm, Sig::term, Sig::chld};
std::string_view sig_name(Sig s);  // "SIGUSR1"

// A set of signals (sigset_t as a value).
class SigSet {
 public:
  constexpr SigSet() = default;
  constexpr SigSet(std::initializer_list<Sig> sigs) {
    for (Sig s : sigs) add(s);
  }
  constexpr SigSet& add(Sig s) {
    bits_ |= bit(s);
    return *this;
  }
  constexpr SigSet& remove(Sig s) {
    bits_ &= ~bit(s);
    return *this;
  }
  constexpr bool has(Sig s) const { return (bits_ & bit(s)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr std::uint64_t bits() const { return bits_; }
  static constexpr SigSet from_bits(std::uint64_t b) {
    SigSet s;
    s.bits_ = b;
    return s;
  }
  friend constexpr bool operator==(SigSet, SigSet) = default;

 private:
  static constexpr std::uint64_t bit(Sig s) { return std::uint64_t{1} << static_cast<int>(s); }
  std::uint64_t bits_ = 0;
};

enum class SigHow { block, unblock, setmask };

// What a process does with a signal. A caught signal's "handler" is data, not code: it sets the
// process's caught flag for that signal (a sig_atomic_t on Linux), which the process reads with
// Os::take_caught(). That is all a correct handler may do anyway, and it keeps simulated processes,
// which share one address space, from sharing handler state.
struct SigAction {
  enum class Kind { dfl, ign, catch_flag };
  Kind kind = Kind::dfl;
  bool restart = false;  // SA_RESTART: restart interrupted restartable calls instead of EINTR
  static SigAction dfl() { return {Kind::dfl, false}; }
  static SigAction ign() { return {Kind::ign, false}; }
  static SigAction catch_flag(bool restart = false) { return {Kind::catch_flag, restart}; }
  friend bool operator==(const SigAction&, const SigAction&) = default;
};

// open(2) flags, as a bit set.
enum class OpenFlags : unsigned {
  rdonly = 0,
  wronly = 1u << 0,
  rdwr = 1u << 1,
  creat = 1u << 2,
  append = 1u << 3,
  cloexec = 1u << 4,
  trunc = 1u << 5,
  excl = 1u << 6,
};
constexpr OpenFlags operator|(OpenFlags a, OpenFlags b) {
  return OpenFlags(unsigned(a) | unsigned(b));
}
constexpr bool has_flag(OpenFlags set, OpenFlags f) { return (unsigned(set) & unsigned(f)) != 0; }

enum class Whence { set, cur, end };

// flock(2) operations; `nonblocking` is LOCK_NB.
enum class LockOp { sh, ex, un };
struct FlockArgs {
  LockOp op;
  bool nonblocking = false;
};

enum class ShutHow { rd, wr, rdwr };

// waitpid(2)'s answer: which child changed state and how it ended.
struct WaitStatus {
  Pid pid = 0;               // 0 with WNOHANG when no child has exited yet
  bool exited = false;       // WIFEXITED
  int exit_code = 0;         // WEXITSTATUS
  bool signaled = false;     // WIFSIGNALED
  Sig term_sig = Sig::term;  // WTERMSIG, when signaled
  friend bool operator==(const WaitStatus&, const WaitStatus&) = default;
};

enum class LogLevel { debug, info, warning, error };

}  // namespace papaya
