// Value types of the goroutine part of the seam (Os::go and friends): handles to Go's sync
// objects and channels, and what a receive or a select answers. Handles are small ids that belong
// to the process that made them; id 0 is "none" (for a channel: Go's nil channel, which blocks
// forever). Semantics are Go 1.19's (docs/goroutines.md).
#pragma once

#include <cstdint>

namespace papaya {

struct GoMutex {  // sync.Mutex
  std::uint32_t id = 0;
  friend constexpr bool operator==(GoMutex, GoMutex) = default;
};
struct GoRWMutex {  // sync.RWMutex
  std::uint32_t id = 0;
  friend constexpr bool operator==(GoRWMutex, GoRWMutex) = default;
};
struct GoCond {  // sync.Cond whose L is a GoMutex
  std::uint32_t id = 0;
  friend constexpr bool operator==(GoCond, GoCond) = default;
};
struct GoChan {  // chan int64 (buffered when made with a capacity)
  std::uint32_t id = 0;
  friend constexpr bool operator==(GoChan, GoChan) = default;
};

// `v, ok := <-ch`: ok is false once the channel is closed and drained (v is then 0).
struct GoReceived {
  std::int64_t value = 0;
  bool ok = false;
};

// One case of a select: `case ch <- value:` or `case v, ok := <-ch:`.
struct GoCase {
  enum class Dir : std::uint8_t { send, recv } dir = Dir::recv;
  GoChan ch;
  std::int64_t value = 0;  // what a send case sends
  static constexpr GoCase send(GoChan c, std::int64_t v) { return {Dir::send, c, v}; }
  static constexpr GoCase recv(GoChan c) { return {Dir::recv, c, 0}; }
};

// What select chose: the index of the case that ran, or kDefault; for a receive case, what it got.
struct GoSelected {
  static constexpr int kDefault = -1;
  int index = kDefault;
  GoReceived received;
};

}  // namespace papaya
