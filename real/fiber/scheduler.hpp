// The goroutine runtime of RealOs on Linux: one Boost.Fiber scheduler and one epoll loop per
// thread (docs/fiber.md). A thread with no runnable fiber sleeps in epoll_wait(2); it wakes when
// a descriptor a fiber parked on becomes ready, when a fiber's timer is due, or when another
// thread makes one of its fibers ready (Boost.Fiber then calls the algorithm's notify(), which
// writes the thread's eventfd(2)). Nothing polls.
//
// Threads are allowed here (real/fiber/) and nowhere else in real/ (scripts/tidy).
#pragma once

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/scheduler.hpp>
#include <chrono>
#include <cstdint>
#include <functional>

#include "os/types.hpp"

namespace papaya::real::fiber {

// What a parked fiber waits for on a descriptor.
enum class Readiness : std::uint8_t { readable, writable };

// One thread's epoll set and the eventfd other threads write to wake it. The fibers parked on
// descriptors are in one process-wide table (so close() can wake them from any thread); each is
// armed in the epoll set of its own thread.
class Poller {
 public:
  Poller();
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Parks the calling fiber (of this thread) until `fd` is ready for `what` (or hung up / in
  // error: the retried call then reports it). Other fibers of the thread run meanwhile. False
  // when it was woken because the descriptor was closed (evict).
  [[nodiscard]] bool park(Fd fd, Readiness what);
  // Sleeps in epoll_wait until `until` (time_point::max(): no timeout) or an event; resumes the
  // fibers whose descriptors are ready. Called by the scheduler with no fiber runnable.
  void wait(std::chrono::steady_clock::time_point until) noexcept;
  // From any thread: ends this thread's epoll_wait (now or the next one).
  void wake() noexcept;

 private:
  void arm(Fd fd);  // with the process-wide table locked
  int epfd_ = -1;
  int eventfd_ = -1;
};

// Wakes every fiber parked on `fd`, on any thread (their park() returns false), before the
// descriptor is closed: Go's close of a net.Conn unblocks its pending reads and writes with an
// error, and no fiber is left waiting on a number the kernel may hand out again.
void evict(Fd fd);

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
