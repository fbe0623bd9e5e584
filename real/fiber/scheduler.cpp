// The per-thread scheduler and epoll loop (scheduler.hpp, docs/fiber.md).
#include "real/fiber/scheduler.hpp"

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
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
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

// The fibers of this thread parked on one descriptor, by direction.
struct Poller::Waiters {
  struct Entry {
    std::vector<boost::fibers::context*> readers;
    std::vector<boost::fibers::context*> writers;
  };
  std::map<Fd, Entry> by_fd;
};

Poller::Poller() : waiters_(new Waiters) {
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
  delete waiters_;
}

// Level-triggered and EPOLLONESHOT: one report per arming, re-armed while fibers still wait.
// epoll(7): "the caller must rearm the file descriptor using epoll_ctl(2) with EPOLL_CTL_MOD".
// A descriptor closed since it was last armed has left the set by itself ("closing a file
// descriptor cause[s] it to be removed from all epoll interest lists"), hence MOD, else ADD.
void Poller::arm(Fd fd) {
  const Waiters::Entry& e = waiters_->by_fd[fd];
  epoll_event ev = {};
  ev.events = EPOLLONESHOT;
  if (!e.readers.empty()) ev.events |= EPOLLIN | EPOLLRDHUP;
  if (!e.writers.empty()) ev.events |= EPOLLOUT;
  ev.data.fd = fd;
  if (::epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0) return;
  if (errno == ENOENT && ::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0) return;
  die("epoll_ctl");
}

void Poller::park(Fd fd, Readiness what) {
  boost::fibers::context* self = boost::fibers::context::active();
  Waiters::Entry& e = waiters_->by_fd[fd];
  (what == Readiness::readable ? e.readers : e.writers).push_back(self);
  arm(fd);
  self->suspend();  // wait() schedules us again from this same thread
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
  ++wakeups_;
  boost::fibers::context* me = boost::fibers::context::active();
  for (int i = 0; i < n; ++i) {
    const Fd fd = evs[i].data.fd;
    if (fd == eventfd_) {
      std::uint64_t count = 0;
      [[maybe_unused]] ssize_t r = ::read(eventfd_, &count, sizeof count);  // reset the doorbell
      continue;
    }
    auto it = waiters_->by_fd.find(fd);
    if (it == waiters_->by_fd.end()) continue;
    const std::uint32_t ev = evs[i].events;
    Waiters::Entry& e = it->second;
    if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
      for (auto* c : e.readers) me->schedule(c);
      e.readers.clear();
    }
    if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
      for (auto* c : e.writers) me->schedule(c);
      e.writers.clear();
    }
    if (e.readers.empty() && e.writers.empty()) {
      waiters_->by_fd.erase(it);
    } else {
      arm(fd);
    }
  }
}

void Poller::wake() noexcept {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t r = ::write(eventfd_, &one, sizeof one);
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

int run(unsigned threads, const std::function<int()>& main) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) g_workers.push_back(std::make_unique<Worker>());
  for (unsigned i = 1; i < threads; ++i) {
    std::thread([w = g_workers[i].get()] {
      t_worker = w;
      boost::fibers::use_scheduling_algorithm<EpollAlgorithm>(w->poller);
      serve_inbox(*w);
    }).detach();
  }
  t_worker = g_workers[0].get();
  boost::fibers::use_scheduling_algorithm<EpollAlgorithm>(t_worker->poller);
  launch_here([w = t_worker] { serve_inbox(*w); });
  return main();
}

}  // namespace papaya::real::fiber
