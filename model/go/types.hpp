// The Go runtime model's plain values: goroutines (G), processors (P), the objects goroutines
// block on (sync.Mutex, sync.RWMutex, sync.Cond, channels, netpoll descriptors), and how a
// program ends. Names follow Go 1.19's runtime (runtime/runtime2.go) so each field can be read
// against the source: docs/goroutines.md maps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/go/op.hpp"
#include "model/go/queue.hpp"
#include "os/types.hpp"

namespace papaya::model::go {

// runtime/runtime2.go: "_Grunnable means this goroutine is on a run queue." "_Grunning means
// this goroutine may execute user code." "_Gsyscall means this goroutine is executing a system
// call." "_Gwaiting means this goroutine is blocked in the runtime." "_Gdead means this goroutine
// is currently unused."
enum class GStatus : std::uint8_t { runnable, running, syscall, waiting, dead };
std::string_view gstatus_name(GStatus s);  // "_Grunnable", ...

// runtime/runtime2.go waitReasonStrings (1.19: sync.Mutex and sync.RWMutex park as "semacquire").
enum class WaitReason : std::uint8_t {
  none,
  chan_send,
  chan_receive,
  chan_send_nil,
  chan_receive_nil,
  select,
  semacquire,
  cond_wait,
  io_wait,
};
std::string_view wait_reason_name(WaitReason r);  // "chan receive", ...

// runtime/runtime2.go: "_Pidle means a P is not being used to run user code or the scheduler."
// "_Prunning means a P is owned by an M and is being used to run user code or the scheduler."
// "_Psyscall means a P is not running user code. It has affinity to an M in a syscall".
enum class PStatus : std::uint8_t { idle, running, syscall };
std::string_view pstatus_name(PStatus s);

inline constexpr std::size_t local_runq_size = 256;  // runtime2.go: runq [256]guintptr

struct G {
  Gid id = 0;
  GStatus status = GStatus::runnable;
  WaitReason wait = WaitReason::none;
  int p = -1;  // the P running it (running), or the P left behind by its syscall (oldp)
  std::optional<GoOp> pending{};
  int phase = 0;       // how far a multi-step operation got (Cond.Wait, RWMutex.Lock, Mutex.Lock)
  bool woken = false;  // readied since it parked on its pending operation
  // sync.Mutex lockSlow's locals (lock_phase 1: parked on the mutex's semaphore)
  int lock_phase = 0;
  std::optional<Duration> wait_start{};
  bool starving = false;
  bool awoke = false;
  std::uint32_t ticket = 0;  // sync.Cond: notifyListAdd's ticket
  // What a wakeup delivered: a received value, whether it came from a send (not a close), the
  // select case that fired; `closed_send`: woken by close while sending (it panics).
  std::int64_t value = 0;
  bool ok = false;
  int chosen = -1;
  bool closed_send = false;
  bool preempt = false;  // sysmon asked it to stop (runtime2.go: g.preempt)
  bool syscall_done = false;
  Gid parent = 0;
};

struct SysmonTick {  // runtime/proc.go: type sysmontick
  std::uint32_t schedtick = 0;
  Duration schedwhen{0};
  std::uint32_t syscalltick = 0;
  Duration syscallwhen{0};
};

struct P {
  int id = 0;
  PStatus status = PStatus::idle;
  Gid curg = 0;  // the goroutine it runs (0: the M runs the scheduler, spinning)
  bool spinning = false;
  Queue<Gid> runq{};  // at most local_runq_size
  Gid runnext = 0;
  std::uint32_t schedtick = 0;
  std::uint32_t syscalltick = 0;
  SysmonTick sysmontick{};
};

// A runtime semaphore (runtime/sema.go): a count and a queue of parked goroutines.
struct Sema {
  std::uint32_t count = 0;
  Queue<Gid> waiters;
};

struct Mutex {  // sync/mutex.go: state bits and sema
  bool locked = false;
  bool woken = false;
  bool starving = false;
  int waiters = 0;
  Sema sema;
};

struct RWMutex {  // sync/rwmutex.go
  ObjId w = 0;    // its writer Mutex, in the runtime's mutex table
  Sema writer_sem;
  Sema reader_sem;
  std::int32_t reader_count = 0;
  std::int32_t reader_wait = 0;
};
inline constexpr std::int32_t rwmutex_max_readers = 1 << 30;

struct Cond {  // sync/cond.go + runtime/sema.go notifyList
  ObjId mutex = 0;
  std::uint32_t wait = 0;    // ticket of the next waiter
  std::uint32_t notify = 0;  // ticket of the next to be notified
  Queue<std::pair<Gid, std::uint32_t>> list{};
};

struct Waiter {  // a sudog on a channel's recvq or sendq
  Gid g = 0;
  int case_index = 0;  // -1 outside select
  std::int64_t value = 0;
};

struct Chan {  // runtime/chan.go hchan
  std::size_t cap = 0;
  Queue<std::int64_t> buf{};
  bool closed = false;
  Queue<Waiter> recvq{};
  Queue<Waiter> sendq{};
};

struct PollDesc {  // runtime/netpoll.go pollDesc's rg, and whether epoll holds an event for it
  enum class Rg : std::uint8_t { nil, ready, wait } rg = Rg::nil;
  Gid g = 0;
  bool event = false;
};

// How the program ended. Go's messages, exit code 2 for every fatal error and panic.
enum class Ending : std::uint8_t { running, exited, deadlock, panic, fatal, step_bound };
std::string_view ending_name(Ending e);

}  // namespace papaya::model::go
