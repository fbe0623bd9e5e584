// What one step of a pending operation did: completed (with a value or an errno), blocked (on a
// wait channel), made progress (a multi-step operation, still pending and ready), or ended the
// process (its _exit, or a fatal signal delivered at this scheduling point).
#pragma once

#include <cstdint>
#include <string_view>

#include "os/errno.hpp"
#include "os/types.hpp"

namespace papaya::model {

enum class StepStatus : std::uint8_t { done, blocked, progress, exited };
std::string_view step_status_name(StepStatus s);

struct Outcome {
  StepStatus status = StepStatus::done;
  Errno err = Errno::ok;
  // The value of a completed call: bytes, fd, pid, offset, nanoseconds, a flag, a SigSet's bits,
  // a SigAction's kind. `ret2`: pipe's write end, a SigAction's restart flag.
  std::int64_t ret = 0;
  std::int64_t ret2 = 0;
  WaitStatus wait;  // waitpid's answer; for `exited`, how the stepping process ended
  // For operations on a regular file: which inode, and for reads and writes where the bytes of
  // this step went ([pos, pos + moved)). Traces carry them for the history checkers.
  std::uint32_t inode = 0;
  std::int64_t pos = 0;
  std::int64_t moved = 0;

  static Outcome value(std::int64_t v, std::int64_t v2 = 0) {
    return {StepStatus::done, Errno::ok, v, v2, {}, 0, 0, 0};
  }
  static Outcome error(Errno e) { return {StepStatus::done, e, 0, 0, {}, 0, 0, 0}; }
  static Outcome blocked() { return {StepStatus::blocked, Errno::ok, 0, 0, {}, 0, 0, 0}; }
  static Outcome progress() { return {StepStatus::progress, Errno::ok, 0, 0, {}, 0, 0, 0}; }
  Outcome& on_file(std::uint32_t ino, std::int64_t at = 0, std::int64_t bytes = 0) {
    inode = ino;
    pos = at;
    moved = bytes;
    return *this;
  }
};

}  // namespace papaya::model
