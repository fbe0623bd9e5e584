// The goroutine runtime of RealOs on Linux: one Boost.Fiber scheduler and one epoll loop per
// thread (docs/fiber.md). A thread with no runnable fiber sleeps in epoll_wait(2); it wakes when
// a descriptor a fiber parked on becomes ready, when a fiber's timer is due, or when another
// thread makes one of its fibers ready (Boost.Fiber then calls the algorithm's notify(), which
// writes the thread's eventfd(2)). Nothing polls. Descriptors are registered once,
// edge-triggered, with per-descriptor ready flags, as Go's netpoller does.
//
// Threads are allowed here (real/fiber/) and nowhere else in real/ (scripts/tidy).
#pragma once

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/scheduler.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "os/types.hpp"

struct epoll_event;

namespace papaya::real::fiber {

// What a parked fiber waits for on a descriptor.
enum class Readiness : std::uint8_t { readable, writable };

class Ring;       // ring.hpp
struct RingRead;  // a recv in flight in a thread's ring (scheduler.cpp)

// One thread's epoll set and the eventfd other threads write to wake it. Descriptors are
// registered edge-triggered, once, as Go's netpoller does (docs/fiber.md, "Edge-triggered
// registration"): a process-wide table holds one poll descriptor per fd (Go's pollDesc) with
// its parked fibers and its ready flags, and each fd is in the epoll set of the thread whose
// fiber parked on it first; that thread's poller wakes whoever waits on it, on any thread.
class Poller {
 public:
  Poller();
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Parks the calling fiber (of this thread) until `fd` is ready for `what` (or hung up / in
  // error: the retried call then reports it), registering `fd` in this thread's epoll set if it
  // is in none yet. Returns at once, without parking, when an edge arrived since the fd's
  // flag for `what` was last consumed (Go's pdReady). Other fibers of the thread run meanwhile.
  // False when it was woken because the descriptor was closed (evict), or `fd` is not open.
  [[nodiscard]] bool park(Fd fd, Readiness what);
  // Sleeps in epoll_wait until `until` (time_point::max(): no timeout; now or earlier: does not
  // sleep) or an event; resumes the fibers whose descriptors are ready, and sets the ready flag
  // of a descriptor nobody waits on. Called by the scheduler with no fiber runnable.
  void wait(std::chrono::steady_clock::time_point until) noexcept;
  // From any thread: ends this thread's epoll_wait (now or the next one).
  void wake() noexcept;
  // epoll_ctl(2) on this thread's set (any thread may call it). 0, or the errno.
  int control(int op, Fd fd, std::uint32_t events, std::uint64_t tag) noexcept;

  // Whether this thread sleeps in an io_uring (docs/fiber.md, "Reads in the ring"): then its
  // epoll set is one multishot poll in the ring, and a read of a TCP socket that would block is
  // a recv in the ring (ring_recv). Only when the environment says PAPAYA_FIBER_RING=1, in a
  // runtime of one thread (scheduler.cpp says why), on a kernel that has a ring (ring.hpp);
  // otherwise the thread sleeps in epoll_wait.
  bool has_ring() const noexcept { return ring_ != nullptr; }
  // Called by a fiber of this thread: a recv(2) of `buf` from `fd` in the ring, the fiber
  // parked until the kernel completes it (the thread submits it when it next goes idle, with
  // the wait). The bytes read, or -errno; -EBADF when `fd` was evicted meanwhile.
  // REQUIRES: has_ring().
  long ring_recv(Fd fd, std::span<char> buf);
  // Stops `r` (evict on the owner's thread, g_poll_mu held): a recv not yet submitted becomes a
  // NOP, one in the kernel is cancelled (IORING_REGISTER_SYNC_CANCEL); either way its
  // completion wakes its reader, whose ring_recv returns -EBADF.
  void cancel(RingRead* r) noexcept;

 private:
  void dispatch(const epoll_event* events, int n) noexcept;  // wake the fibers parked on them
  void drain_epoll() noexcept;                               // epoll_wait, timeout 0, until empty
  void wait_in_ring(std::chrono::steady_clock::time_point until) noexcept;
  void arm_epoll_poll() noexcept;  // the multishot poll of the epoll set in the ring
  void mark_submitted() noexcept;  // the queued recvs are the kernel's from the next enter on
  void submit_queued() noexcept;   // mark_submitted, then io_uring_enter without waiting

  int epfd_ = -1;
  int eventfd_ = -1;
  std::unique_ptr<Ring> ring_;
  std::vector<RingRead*> queued_;  // recvs in the ring not submitted yet (under g_poll_mu)
};

// Whether this kernel gives the runtime a ring (ring.hpp; the tests skip the ring's cases
// without one).
bool ring_supported();

// Wakes every fiber parked on `fd`, on any thread (their park() returns false), takes `fd` out
// of the epoll set it is registered in (EPOLL_CTL_DEL, as Go's netpollclose) and forgets it,
// before the descriptor is closed: Go's close of a net.Conn unblocks its pending reads and writes
// with an error, and no fiber is left waiting on a number the kernel may hand out again.
// The descriptor's entry stays marked closing until close_evicted, so that a fiber about to
// park on it (on another thread, between its call and its park) returns false too.
void evict(Fd fd);
// Runs `close_it` (close(2) of `fd`, after evict) and drops the closing mark, both under the
// table's lock: no park can slip in between, and a descriptor that gets the number next (after
// close(2)) finds no mark. Returns close_it's result.
int close_evicted(Fd fd, const std::function<int()>& close_it);

// A new TCP socket from accept(2) or connect(2) (Go's netFD.init: a pollDesc per connection).
// Forgets whatever was known about an earlier descriptor with the same number (closed without
// evict), and marks it a stream socket, for which before_read may skip a read (below).
void open_stream(Fd fd);

// Before a read or recv of `fd`, as Go's pollDesc.prepareRead (runtime_pollReset): clears the
// read-ready flag, since the call that follows sees whatever the edge announced. But when the
// last read of a stream socket (open_stream) came back short and no edge arrived since, the
// socket is known empty (epoll(7)): instead of making a call that would fail with EAGAIN, it
// parks first (evicted while parked: `evicted`) or, when `ring` is given and set (below), says
// `wait_in_ring`. `ring` (may be null: no ring): set when this read may wait in the thread's
// ring, a TCP socket (open_stream) on a thread that has one.
enum class ReadStart : std::uint8_t { read, wait_in_ring, evicted };
[[nodiscard]] ReadStart before_read(Fd fd, bool* ring);
// After a read or recv of `fd` that returned `got` bytes of the `asked`: a short read of a
// stream socket leaves it known empty (before_read); a full one, end of stream or an error not.
void after_read(Fd fd, std::size_t got, std::size_t asked);

// For tests: called by Poller::park just before it looks at the flags (so a test can make data
// arrive, and even process its edge, between a call's EAGAIN and the park). nullptr: none.
void set_park_hook_for_tests(void (*hook)(Fd fd, Readiness what));

// The system calls of the runtime's own that a line read by a goroutine may cost, counted per
// thread (plain thread-local counters: an increment each), so that a test can hold the per-line
// budget of docs/fiber.md ("What the sink does per line") without strace: per wake-up one wait,
// no read that fails with EAGAIN after a short read, no timed wait, no doorbell, no epoll_ctl.
struct PollCounts {
  std::uint64_t waits = 0;        // Poller::wait: one epoll_wait (or io_uring_enter) each
  std::uint64_t timed_waits = 0;  // of those, with a timeout (a fiber's timer was due sometime)
  std::uint64_t doorbells = 0;    // eventfd writes this thread made (Poller::wake)
  std::uint64_t controls = 0;     // epoll_ctl calls this thread made (Poller::control)
  std::uint64_t reads_would_block = 0;  // FiberOs reads and recvs that failed with EAGAIN
};
// The calling thread's counts since it started.
PollCounts poll_counts() noexcept;
// Called by FiberOs when a read or recv of a non-blocking descriptor failed with EAGAIN.
void count_read_would_block() noexcept;

// The scheduling algorithm of one thread: FIFO ready queue, and epoll as its idle wait.
class EpollAlgorithm final : public boost::fibers::algo::algorithm {
 public:
  explicit EpollAlgorithm(Poller& poller) : poller_(poller) {}
  void awakened(boost::fibers::context* ctx) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  void suspend_until(std::chrono::steady_clock::time_point const& until) noexcept override;
  void notify() noexcept override;

 private:
  Poller& poller_;
  boost::fibers::scheduler::ready_queue_type ready_;
};

// Doorbells rung late. Boost.Fiber calls notify() of the thread it makes a fiber ready on while
// it still holds the spinlock of the mutex or condition variable that woke the fiber
// (mutex::unlock -> wait_queue::notify_one -> context::schedule -> notify()). Writing the other
// thread's eventfd there made the woken thread, which had slept longest, preempt the waker on
// its core (wake-up preemption) and then spin in Boost.Fiber's spinlock (a busy loop in Debian's
// build) for the lock its preempted waker still held: 86% of an unpinned fiber chat server's CPU
// (docs/fiber.md, "Doorbells after the lock"). So a scheduler thread's notify() of another thread
// only notes the doorbell; the thread rings its noted doorbells once no Boost.Fiber lock is held:
// at the end of every goroutine synchronisation call and descriptor operation of the runtime
// (DoorbellsAfter), and in its dispatcher (pick_next from the dispatcher, suspend_until).
void ring_deferred_doorbells() noexcept;

// Rings the calling thread's noted doorbells when it goes out of scope: declared first in a
// function, it runs after every lock the function took was released.
struct DoorbellsAfter {
  DoorbellsAfter() = default;
  DoorbellsAfter(const DoorbellsAfter&) = delete;
  DoorbellsAfter& operator=(const DoorbellsAfter&) = delete;
  ~DoorbellsAfter() { ring_deferred_doorbells(); }
};

// The calling thread's poller (every scheduler thread has one).
Poller& this_poller();

// Starts `body` as a new goroutine (a detached fiber) on one of the runtime's threads, chosen
// round-robin; it never migrates. Does not yield, as `go f()` does not.
void spawn(std::function<void()> body);

// Runs `main` as the main goroutine on `threads` new scheduler threads (threads == 0: the number
// of cores, like GOMAXPROCS); the calling thread waits. Returns main's result when main returns,
// with the other goroutines left parked on their threads: the caller should then end the
// process, as Go's runtime does when main returns. Once per process.
int run(unsigned threads, const std::function<int()>& main);

// The runtime's thread count (0 before run).
unsigned thread_count();

}  // namespace papaya::real::fiber
