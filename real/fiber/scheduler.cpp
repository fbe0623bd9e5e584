// The per-thread scheduler and epoll loop (scheduler.hpp, docs/fiber.md).
#include "real/fiber/scheduler.hpp"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/fixedsize_stack.hpp>
#include <boost/fiber/mutex.hpp>
#include <boost/fiber/operations.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace papaya::real::fiber {

namespace ctx_ns = boost::fibers;

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "papaya fiber runtime: %s failed (errno %d)\n", what, errno);
  std::abort();
}

// One scheduler thread: its poller and its inbox of goroutines other threads started on it.
struct Worker {
  Poller poller;
  boost::fibers::mutex m;
  boost::fibers::condition_variable cv;
  std::deque<std::function<void()>> inbox;
};

// Written once by run() before any spawn; never destroyed: when main returns the process exits
// with the other threads still parked on them.
std::vector<std::unique_ptr<Worker>>& g_workers = *new std::vector<std::unique_ptr<Worker>>;
std::atomic<unsigned> g_next{0};
thread_local Worker* t_worker = nullptr;

// A goroutine's stack: Go starts at 8 KiB and grows; a fiber's cannot grow, so it gets 256 KiB
// of address space, of which only the pages it touches become memory.
constexpr std::size_t kStackBytes = 256 * 1024;

void launch_here(std::function<void()> body) {
  boost::fibers::fiber(boost::fibers::launch::post, std::allocator_arg,
                       boost::fibers::fixedsize_stack(kStackBytes), std::move(body))
      .detach();
}

// The inbox loop: waits (as a fiber, so the thread sleeps in epoll_wait) for goroutines that
// other threads start here, and launches them on this thread.
void serve_inbox(Worker& w) {
  std::unique_lock<boost::fibers::mutex> lk(w.m);
  for (;;) {
    w.cv.wait(lk, [&] { return !w.inbox.empty(); });
    std::deque<std::function<void()>> batch;
    batch.swap(w.inbox);
    lk.unlock();
    for (auto& body : batch) launch_here(std::move(body));
    lk.lock();
  }
}

}  // namespace

// ---- Poller -------------------------------------------------------------------------------

namespace {

// A fiber parked on a descriptor. It waits on a condition_variable_any with the table's
// std::mutex: the waiter is queued on the condvar before the mutex is released and suspends
// under the condvar's own spinlock, so a wake from any thread (epoll loop or close) between
// the two is never lost.
struct Parked {
  Fd fd = -1;
  Readiness what = Readiness::readable;
  Poller* poller = nullptr;  // whose epoll set it is armed in
  bool woken = false;
  bool evicted = false;
  boost::fibers::condition_variable_any cv;
};

// The process-wide table of parked fibers, by descriptor. Never destroyed (see g_workers).
std::mutex& g_park_mu = *new std::mutex;
std::map<Fd, std::vector<Parked*>>& g_parked = *new std::map<Fd, std::vector<Parked*>>;

void unpark(Parked* p, bool evicted) {
  p->woken = true;
  p->evicted = evicted;
  p->cv.notify_one();
}

}  // namespace

Poller::Poller() {
  // epoll_create1(2) / eventfd(2): the eventfd is the doorbell other threads ring (notify()).
  epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) die("epoll_create1");
  eventfd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (eventfd_ < 0) die("eventfd");
  epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.fd = eventfd_;
  if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, eventfd_, &ev) < 0) die("epoll_ctl(eventfd)");
}

Poller::~Poller() {
  ::close(eventfd_);
  ::close(epfd_);
}

// Level-triggered and EPOLLONESHOT: one report per arming, re-armed while fibers still wait.
// epoll_ctl(2) EPOLLONESHOT: "the caller must rearm the file descriptor using epoll_ctl() with
// EPOLL_CTL_MOD". A descriptor closed since it was last armed has left the set by itself
// (epoll(7): closing it "cause[s] it to be removed from all epoll interest lists"): MOD, else ADD.
void Poller::arm(Fd fd) {
  epoll_event ev = {};
  ev.events = EPOLLONESHOT;
  for (const Parked* p : g_parked[fd]) {
    if (p->poller != this) continue;
    ev.events |= p->what == Readiness::readable ? EPOLLIN | EPOLLRDHUP : EPOLLOUT;
  }
  ev.data.fd = fd;
  if (::epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0) return;
  if (errno == ENOENT && ::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0) return;
  die("epoll_ctl");
}

bool Poller::park(Fd fd, Readiness what) {
  Parked me;
  me.fd = fd;
  me.what = what;
  me.poller = this;
  std::unique_lock<std::mutex> lk(g_park_mu);
  g_parked[fd].push_back(&me);
  arm(fd);
  me.cv.wait(lk, [&] { return me.woken; });  // whoever woke us took us out of the table
  return !me.evicted;
}

void Poller::wait(std::chrono::steady_clock::time_point until) noexcept {
  int timeout_ms = -1;
  if (until != std::chrono::steady_clock::time_point::max()) {
    auto left = until - std::chrono::steady_clock::now();
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    timeout_ms = static_cast<int>(std::clamp<long long>(ms, 0, 1'000'000));
  }
  epoll_event evs[64];
  int n = ::epoll_wait(epfd_, evs, 64, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return;
    die("epoll_wait");
  }
  std::lock_guard<std::mutex> g(g_park_mu);
  for (int i = 0; i < n; ++i) {
    const Fd fd = evs[i].data.fd;
    if (fd == eventfd_) {
      std::uint64_t count = 0;
      [[maybe_unused]] ssize_t r = ::read(eventfd_, &count, sizeof count);  // reset the doorbell
      continue;
    }
    auto it = g_parked.find(fd);
    if (it == g_parked.end()) continue;
    const std::uint32_t ev = evs[i].events;
    const bool readable = ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR);
    const bool writable = ev & (EPOLLOUT | EPOLLHUP | EPOLLERR);
    bool left_here = false;
    auto& list = it->second;
    for (auto p = list.begin(); p != list.end();) {
      Parked* w = *p;
      if (w->poller == this && (w->what == Readiness::readable ? readable : writable)) {
        p = list.erase(p);
        unpark(w, false);
      } else {
        left_here = left_here || w->poller == this;
        ++p;
      }
    }
    if (left_here) arm(fd);
    if (list.empty()) g_parked.erase(it);
  }
}

void Poller::wake() noexcept {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t r = ::write(eventfd_, &one, sizeof one);
}

void evict(Fd fd) {
  std::lock_guard<std::mutex> g(g_park_mu);
  auto it = g_parked.find(fd);
  if (it == g_parked.end()) return;
  for (Parked* p : it->second) unpark(p, true);
  g_parked.erase(it);
}

// ---- EpollAlgorithm -------------------------------------------------------------------------

void EpollAlgorithm::awakened(boost::fibers::context* ctx) noexcept { ctx->ready_link(ready_); }

boost::fibers::context* EpollAlgorithm::pick_next() noexcept {
  if (ready_.empty()) return nullptr;
  boost::fibers::context* ctx = &ready_.front();
  ready_.pop_front();
  return ctx;
}

bool EpollAlgorithm::has_ready_fibers() const noexcept { return !ready_.empty(); }

void EpollAlgorithm::suspend_until(std::chrono::steady_clock::time_point const& until) noexcept {
  poller_.wait(until);
}

void EpollAlgorithm::notify() noexcept { poller_.wake(); }

// ---- the runtime ----------------------------------------------------------------------------

Poller& this_poller() { return t_worker->poller; }

unsigned thread_count() { return static_cast<unsigned>(g_workers.size()); }

void spawn(std::function<void()> body) {
  const unsigned n = thread_count();
  Worker* target = n == 0 ? t_worker : g_workers[g_next.fetch_add(1) % n].get();
  if (target == t_worker) {
    launch_here(std::move(body));
    return;
  }
  std::unique_lock<boost::fibers::mutex> lk(target->m);
  target->inbox.push_back(std::move(body));
  target->cv.notify_one();
}

// Every scheduler thread is a new, detached thread; the caller only waits for main's result. So
// no thread that exits normally ever owns a fiber scheduler: Boost.Fiber's scheduler, destroyed
// with its thread, waits for all its fibers to end, and parked goroutines never do (a process
// whose main thread ran a scheduler would spin in that wait at exit).
// GOMAXPROCS's default, as Go computes it: the CPUs the process may run on (runtime/os_linux.go
// getproccount: "r := sched_getaffinity(0, unsafe.Sizeof(buf), &buf[0])" ... counts the bits), so
// a server pinned to one core (taskset, `papaya bench --pin`) runs one scheduler thread, not one
// per core of the machine. sched_getaffinity(2) failing: every core.
unsigned default_threads() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<unsigned>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

int run(unsigned threads, const std::function<int()>& main) {
  if (threads == 0) threads = default_threads();
  for (unsigned i = 0; i < threads; ++i) g_workers.push_back(std::make_unique<Worker>());
  std::mutex m;
  std::condition_variable cv;
  std::optional<int> result;
  for (unsigned i = 0; i < threads; ++i) {
    std::thread([&, i, w = g_workers[i].get()] {
      t_worker = w;
      boost::fibers::use_scheduling_algorithm<EpollAlgorithm>(w->poller);
      if (i == 0) {
        launch_here([&] {
          int code = main();
          std::lock_guard<std::mutex> g(m);
          result = code;
          cv.notify_one();
        });
      }
      serve_inbox(*w);
    }).detach();
  }
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk, [&] { return result.has_value(); });
  return *result;
}

}  // namespace papaya::real::fiber
