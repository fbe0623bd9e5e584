// The per-thread scheduler and epoll loop (scheduler.hpp, docs/fiber.md).
#include "real/fiber/scheduler.hpp"

#include <poll.h>
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
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "real/fiber/ring.hpp"

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

// The pollers whose doorbell this thread owes (ring_deferred_doorbells); one entry per poller.
constexpr std::size_t kMaxDeferred = 64;
thread_local Poller* t_deferred[kMaxDeferred];
thread_local std::size_t t_deferred_count = 0;

// This thread's PollCounts (poll_counts, scheduler.hpp).
thread_local PollCounts t_counts;

// Notes `p`'s doorbell; false when there is no room (the caller rings it now).
bool defer_doorbell(Poller* p) noexcept {
  for (std::size_t i = 0; i < t_deferred_count; ++i)
    if (t_deferred[i] == p) return true;
  if (t_deferred_count == kMaxDeferred) return false;
  t_deferred[t_deferred_count++] = p;
  return true;
}

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
  bool woken = false;
  bool evicted = false;
  boost::fibers::condition_variable_any cv;
};

constexpr int kRead = 0;
constexpr int kWrite = 1;

}  // namespace

// A recv(2) in a thread's ring (Poller::ring_recv), on its reader's stack until its completion
// is reaped. All of it under g_poll_mu, like Parked: the reaper sets `done` and notifies under
// the lock, so the reader cannot return (and free it) before the reaper is done with it.
struct RingRead {
  Fd fd = -1;
  Poller* owner = nullptr;
  io_uring_sqe* sqe = nullptr;  // while queued: the slot the kernel reads at the next enter
  bool queued = true;           // not submitted yet
  bool done = false;
  bool evicted = false;
  int res = 0;
  boost::fibers::condition_variable_any cv;
};

namespace {
int side(Readiness what) { return what == Readiness::readable ? kRead : kWrite; }

// Go's pollDesc (go1.19 runtime/netpoll.go), one per descriptor a fiber parked on or that
// open_stream announced; all of it under g_poll_mu. Go's "2 binary semaphores, rg and wg" are
// `ready` (pdReady: "io readiness notification is pending; a goroutine consumes the notification
// by changing the state to nil") and `parked` (the G pointer: "the goroutine is blocked on the
// semaphore"). Go's pdWait, the state that keeps a notification arriving between the goroutine's
// check and its park from being lost, is this table's mutex: park checks `ready` and queues
// itself under it, and the poller sets `ready` or wakes the queue under it.
struct PollDesc {
  // Tags the descriptor's epoll registration (the upper half of epoll_event.data): an event
  // still in flight for a descriptor closed since, whose number was handed out again, is
  // dropped (Go 1.19 never frees a pollDesc for the same reason: runtime/netpoll.go pollcache).
  std::uint32_t seq = 0;
  Poller* poller = nullptr;        // the epoll set it is registered in; nullptr: none yet
  bool ready[2] = {false, false};  // an edge arrived and no fiber was parked for it
  std::vector<Parked*> parked[2];
  bool stream = false;       // a TCP socket from accept/connect (open_stream)
  bool hup = false;          // EPOLLRDHUP, EPOLLHUP or EPOLLERR seen: readable for good
  bool urgent = false;       // EPOLLPRI seen: urgent data stops reads short (tcp(7))
  bool closing = false;      // evicted, close(2) not done yet (evict, close_evicted): no new park
  bool known_empty = false;  // the last read came back short (after_read)
  std::vector<RingRead*> ring_reads;  // recvs in flight in a ring (evict stops them)
};

// The process-wide table, indexed by descriptor. Never destroyed (see g_workers).
std::mutex& g_poll_mu = *new std::mutex;
std::vector<std::unique_ptr<PollDesc>>& g_descs = *new std::vector<std::unique_ptr<PollDesc>>;
std::uint32_t g_next_seq = 0;  // under g_poll_mu
std::atomic<void (*)(Fd, Readiness)> g_park_hook{nullptr};

// A thread's ring: submission slots (recvs queued between two idle waits; more are submitted
// early, Poller::ring_recv) and the tag of the epoll set's poll (a RingRead's is its address).
constexpr unsigned kRingEntries = 256;
constexpr std::uint64_t kEpollTag = 0;
// Reads go in the ring only when the runtime has one thread (set by run). The kernel looks a
// recv's descriptor number up when the thread submits it, at its next idle wait; with one
// thread nothing can close that descriptor between the recv's queueing and its submission but
// a fiber of the same thread, which rewrites the queued slot (Poller::cancel). With more, a
// close on another thread in the instant between the owner's mark_submitted and its enter
// could let the number, handed out again, be read in the old reader's name; those runtimes
// stay on epoll_wait. (The pinned server, `papaya bench --pin`, runs one thread.)
bool g_ring_allowed = false;

PollDesc* find_desc(Fd fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= g_descs.size()) return nullptr;
  return g_descs[static_cast<std::size_t>(fd)].get();
}

PollDesc& open_desc(Fd fd) {
  if (static_cast<std::size_t>(fd) >= g_descs.size())
    g_descs.resize(std::max<std::size_t>(static_cast<std::size_t>(fd) + 1, 2 * g_descs.size()));
  auto& slot = g_descs[static_cast<std::size_t>(fd)];
  if (!slot) {
    slot = std::make_unique<PollDesc>();
    slot->seq = ++g_next_seq;
  }
  return *slot;
}

std::uint64_t tag_of(Fd fd, const PollDesc& pd) {
  return static_cast<std::uint64_t>(pd.seq) << 32 | static_cast<std::uint32_t>(fd);
}

void unpark(Parked* p, bool evicted) {
  p->woken = true;
  p->evicted = evicted;
  p->cv.notify_one();
}

// Go's netpollunblock(pd, mode, ioready=true) from netpollready: the parked fibers run (they
// retry their call); with none parked the edge is kept as the ready flag for the next park.
void make_ready(PollDesc& pd, int s) {
  auto& list = pd.parked[s];
  if (list.empty()) {
    pd.ready[s] = true;
    return;
  }
  for (Parked* p : list) unpark(p, false);
  list.clear();
}

// Wakes every fiber parked on `pd` with an error, takes the descriptor out of its epoll set and
// drops it from the table (evict, open_stream).
void forget(Fd fd, PollDesc& pd) {
  for (auto& list : pd.parked) {
    for (Parked* p : list) unpark(p, true);
    list.clear();
  }
  for (RingRead* r : pd.ring_reads) r->owner->cancel(r);
  pd.ring_reads.clear();
  // epoll_ctl(2) EPOLL_CTL_DEL: "Remove (deregister) the target file descriptor fd from the
  // interest list." Go's netpollclose does the same before close(2). It fails with ENOENT or
  // EBADF when the descriptor was closed already (evict then was too late, open_stream's case):
  // nothing is left to remove then, or only a registration whose events `seq` drops.
  if (pd.poller != nullptr) (void)pd.poller->control(EPOLL_CTL_DEL, fd, 0, 0);
  g_descs[static_cast<std::size_t>(fd)].reset();
}

// Parks the calling fiber on `pd` (lock held) unless its flag for `s` is set, which it then
// consumes (Go's netpollblock: "Consume notification if already ready"). True: retry the call.
bool park_locked(std::unique_lock<std::mutex>& lk, PollDesc& pd, int s) {
  if (pd.ready[s]) {
    pd.ready[s] = false;
    return true;
  }
  Parked me;
  pd.parked[s].push_back(&me);
  me.cv.wait(lk, [&] { return me.woken; });  // whoever woke us took us off the list
  return !me.evicted;
}

}  // namespace

Poller::Poller() {
  // epoll_create1(2) / eventfd(2): the eventfd is the doorbell other threads ring (notify()).
  epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) die("epoll_create1");
  eventfd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (eventfd_ < 0) die("eventfd");
  epoll_event ev = {};
  ev.events = EPOLLIN;  // level-triggered: the doorbell rings until wait() reads it
  ev.data.u64 = static_cast<std::uint32_t>(eventfd_);
  if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, eventfd_, &ev) < 0) die("epoll_ctl(eventfd)");
  // Opt-in (PAPAYA_FIBER_RING=1): it cuts a system call per wake-up, but on the VM measured the
  // CPU per line at one connection came out higher, not lower (docs/fiber.md, wave 8).
  const char* want = std::getenv("PAPAYA_FIBER_RING");
  if (g_ring_allowed && want != nullptr && std::strcmp(want, "1") == 0)
    ring_ = Ring::open(kRingEntries);
  if (ring_) arm_epoll_poll();
}

Poller::~Poller() {
  ring_.reset();
  ::close(eventfd_);
  ::close(epfd_);
}

bool ring_supported() { return Ring::open(kRingEntries) != nullptr; }

int Poller::control(int op, Fd fd, std::uint32_t events, std::uint64_t tag) noexcept {
  ++t_counts.controls;
  epoll_event ev = {};
  ev.events = events;
  ev.data.u64 = tag;
  return ::epoll_ctl(epfd_, op, fd, &ev) == 0 ? 0 : errno;
}

// Registration, once per descriptor, as Go's netpollopen (go1.19 runtime/netpoll_epoll.go:
// "ev.events = _EPOLLIN | _EPOLLOUT | _EPOLLRDHUP | _EPOLLET"), plus EPOLLPRI for the urgent
// mark (after_read). epoll_ctl(2) EPOLLET: "Requests edge-triggered notification for the
// associated file descriptor"; epoll(7): "The suggested way to use epoll as an edge-triggered
// (EPOLLET) interface is as follows: (1) with nonblocking file descriptors; and (2) by waiting
// for an event only after read(2) or write(2) return EAGAIN" (every caller of park does). If the
// descriptor is ready already when it is added, the kernel reports it (ep_insert polls the
// file), so no edge before the registration is lost. ADD failing with EEXIST: the descriptor
// was registered by a table entry since dropped without DEL; MOD retags it.
bool Poller::park(Fd fd, Readiness what) {
  if (fd < 0) return false;
  if (auto* hook = g_park_hook.load(std::memory_order_relaxed)) hook(fd, what);
  std::unique_lock<std::mutex> lk(g_poll_mu);
  if (const PollDesc* old = find_desc(fd); old != nullptr && old->closing) return false;
  PollDesc& pd = open_desc(fd);
  if (pd.poller == nullptr) {
    constexpr std::uint32_t kEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLET;
    int err = control(EPOLL_CTL_ADD, fd, kEvents, tag_of(fd, pd));
    if (err == EEXIST) err = control(EPOLL_CTL_MOD, fd, kEvents, tag_of(fd, pd));
    if (err == EBADF) {  // closed by another fiber since this one's call failed: as evicted
      g_descs[static_cast<std::size_t>(fd)].reset();
      return false;
    }
    if (err != 0) {
      errno = err;
      die("epoll_ctl(EPOLL_CTL_ADD)");
    }
    pd.poller = this;
  }
  return park_locked(lk, pd, side(what));
}

void Poller::wait(std::chrono::steady_clock::time_point until) noexcept {
  ++t_counts.waits;
  if (until != std::chrono::steady_clock::time_point::max()) ++t_counts.timed_waits;
  if (ring_) {
    wait_in_ring(until);
    return;
  }
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
  dispatch(evs, n);
}

void Poller::dispatch(const epoll_event* evs, int n) noexcept {
  std::lock_guard<std::mutex> g(g_poll_mu);
  for (int i = 0; i < n; ++i) {
    const std::uint64_t tag = evs[i].data.u64;
    const Fd fd = static_cast<Fd>(static_cast<std::uint32_t>(tag));
    if (fd == eventfd_) {
      std::uint64_t count = 0;
      [[maybe_unused]] ssize_t r = ::read(eventfd_, &count, sizeof count);  // reset the doorbell
      continue;
    }
    PollDesc* pd = find_desc(fd);
    if (pd == nullptr || pd->seq != static_cast<std::uint32_t>(tag >> 32)) continue;  // stale
    // As Go's netpoll: "if ev.events&(_EPOLLIN|_EPOLLRDHUP|_EPOLLHUP|_EPOLLERR) != 0 { mode +=
    // 'r' }", "if ev.events&(_EPOLLOUT|_EPOLLHUP|_EPOLLERR) != 0 { mode += 'w' }".
    const std::uint32_t ev = evs[i].events;
    if (ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) pd->hup = true;
    if (ev & EPOLLPRI) pd->urgent = true;
    if (ev & (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) make_ready(*pd, kRead);
    if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)) make_ready(*pd, kWrite);
  }
}

void Poller::wake() noexcept {
  ++t_counts.doorbells;
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t r = ::write(eventfd_, &one, sizeof one);
}

// ---- Reads in the ring (docs/fiber.md) ----------------------------------------------------
//
// With a ring the thread sleeps in io_uring_enter(2), not epoll_wait(2). Its epoll set (the
// doorbell, listeners, pipes, and every descriptor a fiber parked on for writing or through
// read(2)) is watched by one multishot poll in the ring; a read of a TCP socket that would
// block (EAGAIN, or known empty after a short read) is an IORING_OP_RECV in the ring, which the
// kernel tries at once and otherwise arms on the socket's readiness itself (IORING_FEAT_FAST_POLL),
// so the wake-up that brings the bytes completes the read too: per message one io_uring_enter
// where epoll needs epoll_wait and then recv. No wake-up is lost: a recv in flight is the
// kernel's to complete (it does not depend on an edge), and the epoll set's poll reports every
// event the set would (a poll of an epoll descriptor is readable while its ready list is not
// empty; drain_epoll empties it each time the poll fires).

// IORING_OP_POLL_ADD with IORING_POLL_ADD_MULTI (io_uring_enter(2): "multishot poll ... will
// post a CQE every time the file is ready, with IORING_CQE_F_MORE set while it stays armed").
void Poller::arm_epoll_poll() noexcept {
  io_uring_sqe* sqe = ring_->next_sqe();
  if (sqe == nullptr) {  // all slots queued: submit them first
    submit_queued();
    sqe = ring_->next_sqe();
    if (sqe == nullptr) die("io_uring: no submission slot");
  }
  sqe->opcode = IORING_OP_POLL_ADD;
  sqe->fd = epfd_;
  sqe->poll32_events = POLLIN;
  sqe->len = IORING_POLL_ADD_MULTI;
  sqe->user_data = kEpollTag;
}

// From here the kernel owns the queued slots: evict cancels their recvs instead of rewriting them.
void Poller::mark_submitted() noexcept {
  std::lock_guard<std::mutex> g(g_poll_mu);
  for (RingRead* r : queued_) {
    r->queued = false;
    r->sqe = nullptr;
  }
  queued_.clear();
}

void Poller::submit_queued() noexcept {
  mark_submitted();
  (void)ring_->enter(false, -1);
}

void Poller::drain_epoll() noexcept {
  epoll_event evs[64];
  for (;;) {
    const int n = ::epoll_wait(epfd_, evs, 64, 0);
    if (n < 0) {
      if (errno == EINTR) return;
      die("epoll_wait");
    }
    dispatch(evs, n);
    if (n < 64) return;
  }
}

void Poller::wait_in_ring(std::chrono::steady_clock::time_point until) noexcept {
  std::int64_t timeout_ns = -1;
  if (until != std::chrono::steady_clock::time_point::max()) {
    const auto left = until - std::chrono::steady_clock::now();
    timeout_ns = std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::nanoseconds>(left).count());
  }
  const bool sleep = timeout_ns != 0;
  mark_submitted();
  const int err = ring_->enter(sleep, timeout_ns);
  if (err != 0 && err != ETIME && err != EINTR && err != EAGAIN && err != EBUSY) {
    errno = err;
    die("io_uring_enter");
  }
  bool epoll_ready = !sleep;  // not sleeping (a timer is due): look at the set anyway
  bool rearm = false;
  {
    std::lock_guard<std::mutex> g(g_poll_mu);
    ring_->reap([&](std::uint64_t tag, int res, unsigned flags) {
      if (tag == kEpollTag) {
        epoll_ready = true;
        if (!(flags & IORING_CQE_F_MORE)) rearm = true;  // no longer armed (or failed)
        return;
      }
      RingRead* r = reinterpret_cast<RingRead*>(tag);
      if (!r->evicted) {
        if (PollDesc* pd = find_desc(r->fd)) std::erase(pd->ring_reads, r);
      }
      r->res = res;
      r->done = true;
      r->cv.notify_one();
    });
  }
  if (rearm) arm_epoll_poll();  // submitted with the next enter
  if (epoll_ready) drain_epoll();
}

// IORING_OP_RECV: "Issue the equivalent of a recv(2) system call" (io_uring_enter(2)).
long Poller::ring_recv(Fd fd, std::span<char> buf) {
  if (auto* hook = g_park_hook.load(std::memory_order_relaxed)) hook(fd, Readiness::readable);
  std::unique_lock<std::mutex> lk(g_poll_mu);
  io_uring_sqe* sqe = ring_->next_sqe();
  while (sqe == nullptr) {  // every slot holds a recv queued since the last idle wait
    lk.unlock();
    submit_queued();
    lk.lock();
    sqe = ring_->next_sqe();
  }
  PollDesc* pd = find_desc(fd);
  if (pd != nullptr && pd->closing) pd = nullptr;  // being closed: as closed
  RingRead me;
  me.fd = fd;
  me.owner = this;
  me.sqe = sqe;
  sqe->user_data = reinterpret_cast<std::uint64_t>(&me);
  if (pd == nullptr) {  // closed since the caller's read: a NOP, so the slot is not left empty
    sqe->opcode = IORING_OP_NOP;
    me.evicted = true;
  } else {
    sqe->opcode = IORING_OP_RECV;
    sqe->fd = fd;
    sqe->addr = reinterpret_cast<std::uint64_t>(buf.data());
    sqe->len = static_cast<std::uint32_t>(std::min<std::size_t>(buf.size(), 1u << 30));
    pd->ring_reads.push_back(&me);
  }
  queued_.push_back(&me);
  me.cv.wait(lk, [&] { return me.done; });  // the reaper took it off every list
  return me.evicted ? -EBADF : me.res;
}

// Called on the owner's thread (g_ring_allowed: one thread): a queued recv is not in the
// kernel until this thread's next enter, so its slot may be rewritten.
void Poller::cancel(RingRead* r) noexcept {
  r->evicted = true;
  if (r->queued) {  // the kernel has not read the slot: make it a NOP with the same tag
    const std::uint64_t tag = r->sqe->user_data;
    std::memset(r->sqe, 0, sizeof *r->sqe);
    r->sqe->opcode = IORING_OP_NOP;
    r->sqe->user_data = tag;
    return;
  }
  // In the kernel: cancelled now (IORING_REGISTER_SYNC_CANCEL returns once it is); the
  // completion (-ECANCELED, or the recv's result if it won the race) is reaped as any other.
  (void)ring_->sync_cancel(reinterpret_cast<std::uint64_t>(r));
}

// The entry stays, marked closing, until close_evicted: a fiber of another thread that decided
// to park on `fd` before the evict (its read failed with EAGAIN, or was skipped after a short
// read) and parks after it must not register the still open descriptor afresh and wait on it
// for good (close(2) takes it out of the epoll set without an event); it finds the mark and
// returns false, as Go's pollDesc, which stays "closing" until the descriptor is gone.
void evict(Fd fd) {
  DoorbellsAfter ring;
  std::lock_guard<std::mutex> g(g_poll_mu);
  if (fd < 0) return;
  if (PollDesc* pd = find_desc(fd)) forget(fd, *pd);
  open_desc(fd).closing = true;
}

int close_evicted(Fd fd, const std::function<int()>& close_it) {
  std::lock_guard<std::mutex> g(g_poll_mu);
  const int r = close_it();
  PollDesc* pd = find_desc(fd);
  if (pd != nullptr && pd->closing) g_descs[static_cast<std::size_t>(fd)].reset();
  return r;
}

void open_stream(Fd fd) {
  DoorbellsAfter ring;
  std::lock_guard<std::mutex> g(g_poll_mu);
  if (PollDesc* pd = find_desc(fd)) forget(fd, *pd);
  open_desc(fd).stream = true;
}

ReadStart before_read(Fd fd, bool* ring) {
  std::unique_lock<std::mutex> lk(g_poll_mu);
  PollDesc* pd = find_desc(fd);
  if (ring != nullptr)
    *ring = pd != nullptr && pd->stream && t_worker != nullptr && t_worker->poller.has_ring();
  if (pd == nullptr) return ReadStart::read;
  if (pd->closing) return ReadStart::evicted;
  if (pd->known_empty && !pd->ready[kRead]) {
    pd->known_empty = false;
    if (ring != nullptr && *ring) return ReadStart::wait_in_ring;
    lk.unlock();
    // parks: the flag is still clear
    return this_poller().park(fd, Readiness::readable) ? ReadStart::read : ReadStart::evicted;
  }
  pd->ready[kRead] = false;  // go1.19 poll_runtime_pollReset: "pd.rg.Store(0)"
  return ReadStart::read;
}

// epoll(7), on EPOLLET: "For stream-oriented files (e.g., pipe, FIFO, stream socket), the
// condition that the read/write I/O space is exhausted can also be detected by checking the
// amount of data read from / written to the target file descriptor. For example, if you call
// read(2) by asking to read a certain amount of data and read(2) returns a lower number of
// bytes, you can be sure of having exhausted the read I/O space for the file descriptor." So
// after a short read, the next byte to arrive is a new edge, and the next read can wait for it
// without trying. Two conditions keep a socket readable with no edge to come, and turn the rule
// off for it: end of stream or an error (a FIN that came with the data: the next read returns
// 0 at once; EPOLLRDHUP/HUP/ERR seen), and urgent data (tcp(7): a read stops at the urgent mark
// with more data behind it; EPOLLPRI seen). Both are reported with the edge of the data they
// came with, which the poller handles before any read of that data can come back short.
// Go does not do this (its Read retries until EAGAIN): it saves one recv(2) per wake-up.
void after_read(Fd fd, std::size_t got, std::size_t asked) {
  std::lock_guard<std::mutex> g(g_poll_mu);
  PollDesc* pd = find_desc(fd);
  if (pd == nullptr) return;
  pd->known_empty = pd->stream && !pd->hup && !pd->urgent && got > 0 && got < asked;
}

void set_park_hook_for_tests(void (*hook)(Fd, Readiness)) { g_park_hook.store(hook); }

PollCounts poll_counts() noexcept { return t_counts; }

void count_read_would_block() noexcept { ++t_counts.reads_would_block; }

// ---- EpollAlgorithm -------------------------------------------------------------------------

void EpollAlgorithm::awakened(boost::fibers::context* ctx) noexcept { ctx->ready_link(ready_); }

boost::fibers::context* EpollAlgorithm::pick_next() noexcept {
  // From the dispatcher no Boost.Fiber lock is held; from a fiber's suspend(lk) one may be.
  if (boost::fibers::context::active()->is_context(boost::fibers::type::dispatcher_context))
    ring_deferred_doorbells();
  if (ready_.empty()) return nullptr;
  boost::fibers::context* ctx = &ready_.front();
  ready_.pop_front();
  return ctx;
}

bool EpollAlgorithm::has_ready_fibers() const noexcept { return !ready_.empty(); }

void EpollAlgorithm::suspend_until(std::chrono::steady_clock::time_point const& until) noexcept {
  ring_deferred_doorbells();
  poller_.wait(until);
  ring_deferred_doorbells();  // the fibers the poller woke on other threads
}

// Boost.Fiber calls this with the waking mutex's or condition variable's spinlock held (see
// ring_deferred_doorbells in scheduler.hpp). A thread outside the runtime, or this thread's own
// poller, rings at once.
void EpollAlgorithm::notify() noexcept {
  if (t_worker != nullptr && &t_worker->poller != &poller_ && defer_doorbell(&poller_)) return;
  poller_.wake();
}

void ring_deferred_doorbells() noexcept {
  const std::size_t n = t_deferred_count;
  t_deferred_count = 0;
  for (std::size_t i = 0; i < n; ++i) t_deferred[i]->wake();
}

// ---- the runtime ----------------------------------------------------------------------------

Poller& this_poller() { return t_worker->poller; }

unsigned thread_count() { return static_cast<unsigned>(g_workers.size()); }

void spawn(std::function<void()> body) {
  DoorbellsAfter ring;
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
  g_ring_allowed = threads == 1;
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
