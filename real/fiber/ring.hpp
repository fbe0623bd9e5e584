// One thread's io_uring(7), for the fiber runtime's reads (scheduler.cpp, docs/fiber.md "Reads
// in the ring"). A thread of the runtime sleeps in io_uring_enter(2) instead of epoll_wait(2):
// its epoll set is one multishot poll in the ring, and a fiber's read of a TCP socket that would
// block is a recv in the ring, so the wake-up that brings the bytes also brings the read's
// result: one system call per wake-up where epoll needs two (epoll_wait, then recv).
//
// Raw system calls on <linux/io_uring.h> (no liburing): setup, the two mapped rings, enter and
// one register call (IORING_REGISTER_SYNC_CANCEL). Only the owning thread uses it.
#pragma once

#include <linux/io_uring.h>

#include <cstdint>
#include <memory>

namespace papaya::real::fiber {

class Ring {
 public:
  // A ring with `entries` submission slots and 16x as many completion slots, or nullptr when
  // this kernel has none with what the runtime needs: io_uring_setup(2) failing (ENOSYS, or
  // EPERM under a seccomp filter or kernel.io_uring_disabled), or one of IORING_FEAT_NODROP
  // (5.5), IORING_FEAT_EXT_ARG (5.11, the wait's timeout) or IORING_REGISTER_SYNC_CANCEL (6.0)
  // missing (and IORING_FEAT_FAST_POLL, 5.7: a recv waits on readiness, not in a worker).
  static std::unique_ptr<Ring> open(unsigned entries);
  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // A zeroed submission slot to fill, or nullptr when all are queued (submit first). The kernel
  // reads it at the next enter(); until then it may be rewritten (evict turns a queued recv into
  // a NOP).
  io_uring_sqe* next_sqe() noexcept;
  // io_uring_enter(2): submits what is queued and, when `wait`, sleeps until at least one
  // completion, the timeout (`timeout_ns` < 0: none) or a signal. 0, or the errno (ETIME and
  // EINTR are normal ends of a wait).
  int enter(bool wait, std::int64_t timeout_ns) noexcept;
  // Calls f(user_data, res, flags) for each completion, oldest first, and frees them.
  template <class F>
  void reap(F&& f) {
    unsigned head = *cq_head_;
    const unsigned tail = __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE);
    for (; head != tail; ++head) {
      const io_uring_cqe& c = cqes_[head & cq_mask_];
      f(c.user_data, c.res, c.flags);
    }
    __atomic_store_n(cq_head_, head, __ATOMIC_RELEASE);
  }
  // IORING_REGISTER_SYNC_CANCEL: cancels the request tagged `user_data`; its completion
  // (-ECANCELED, or its result if it finished first) is then reaped as any other.
  // 0, or the errno (ENOENT: no such request in flight).
  int sync_cancel(std::uint64_t user_data) noexcept;

 private:
  Ring() = default;
  int fd_ = -1;
  void* rings_ = nullptr;  // SQ and CQ rings, one mapping (IORING_FEAT_SINGLE_MMAP)
  std::size_t rings_len_ = 0;
  io_uring_sqe* sqes_ = nullptr;
  std::size_t sqes_len_ = 0;
  unsigned* sq_head_ = nullptr;
  unsigned* sq_tail_ = nullptr;
  unsigned* sq_array_ = nullptr;
  unsigned sq_mask_ = 0;
  unsigned sq_entries_ = 0;
  unsigned* cq_head_ = nullptr;
  unsigned* cq_tail_ = nullptr;
  unsigned cq_mask_ = 0;
  io_uring_cqe* cqes_ = nullptr;
  unsigned queued_ = 0;  // slots filled since the last enter
};

}  // namespace papaya::real::fiber
