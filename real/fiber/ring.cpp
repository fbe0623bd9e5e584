// The io_uring wrapper of the fiber runtime (ring.hpp).
#include "real/fiber/ring.hpp"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace papaya::real::fiber {

namespace {

int sys_setup(unsigned entries, io_uring_params* p) {
  return static_cast<int>(::syscall(__NR_io_uring_setup, entries, p));
}

int sys_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags, void* arg,
              std::size_t argsz) {
  return static_cast<int>(
      ::syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, arg, argsz));
}

int sys_register(int fd, unsigned op, void* arg, unsigned nr) {
  return static_cast<int>(::syscall(__NR_io_uring_register, fd, op, arg, nr));
}

template <class T>
T* at(void* base, std::uint32_t off) {
  return reinterpret_cast<T*>(static_cast<char*>(base) + off);
}

}  // namespace

// io_uring_setup(2): "The io_uring_setup(2) system call sets up a submission queue (SQ) and
// completion queue (CQ) with at least entries entries, and returns a file descriptor which can
// be used to perform subsequent operations on the io_uring instance." The rings are mapped as
// the page says: "mmap(0, sq_off.array + sq_entries * sizeof(__u32), ..., IORING_OFF_SQ_RING)",
// the CQ ring in the same mapping when IORING_FEAT_SINGLE_MMAP is set, and the SQE array at
// IORING_OFF_SQES.
std::unique_ptr<Ring> Ring::open(unsigned entries) {
  io_uring_params p = {};
  p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
  p.cq_entries = entries * 16;
  const int fd = sys_setup(entries, &p);
  if (fd < 0) return nullptr;
  std::unique_ptr<Ring> r(new Ring);
  r->fd_ = fd;
  // IORING_FEAT_FAST_POLL (5.7): a recv that cannot complete at once waits on the socket's
  // readiness in the kernel, not in a blocking worker thread (io-wq).
  constexpr unsigned kNeeded =
      IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_FAST_POLL | IORING_FEAT_EXT_ARG;
  if ((p.features & kNeeded) != kNeeded) return nullptr;
  const std::size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  const std::size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
  r->rings_len_ = sq_len > cq_len ? sq_len : cq_len;
  void* rings = ::mmap(nullptr, r->rings_len_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                       fd, IORING_OFF_SQ_RING);
  if (rings == MAP_FAILED) return nullptr;
  r->rings_ = rings;
  r->sqes_len_ = p.sq_entries * sizeof(io_uring_sqe);
  void* sqes = ::mmap(nullptr, r->sqes_len_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
                      IORING_OFF_SQES);
  if (sqes == MAP_FAILED) return nullptr;
  r->sqes_ = static_cast<io_uring_sqe*>(sqes);
  r->sq_head_ = at<unsigned>(rings, p.sq_off.head);
  r->sq_tail_ = at<unsigned>(rings, p.sq_off.tail);
  r->sq_array_ = at<unsigned>(rings, p.sq_off.array);
  r->sq_mask_ = *at<unsigned>(rings, p.sq_off.ring_mask);
  r->sq_entries_ = p.sq_entries;
  r->cq_head_ = at<unsigned>(rings, p.cq_off.head);
  r->cq_tail_ = at<unsigned>(rings, p.cq_off.tail);
  r->cq_mask_ = *at<unsigned>(rings, p.cq_off.ring_mask);
  r->cqes_ = at<io_uring_cqe>(rings, p.cq_off.cqes);
  // IORING_REGISTER_SYNC_CANCEL (Linux 6.0) is how a close on another thread stops a read in
  // flight; an older kernel answers EINVAL, one that has it ENOENT (nothing to cancel yet).
  if (r->sync_cancel(0) != ENOENT) return nullptr;
  return r;
}

Ring::~Ring() {
  if (sqes_ != nullptr) ::munmap(sqes_, sqes_len_);
  if (rings_ != nullptr) ::munmap(rings_, rings_len_);
  if (fd_ >= 0) ::close(fd_);
}

io_uring_sqe* Ring::next_sqe() noexcept {
  const unsigned head = __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE);
  const unsigned tail = *sq_tail_ + queued_;
  if (tail - head >= sq_entries_) return nullptr;
  const unsigned idx = tail & sq_mask_;
  io_uring_sqe* sqe = &sqes_[idx];
  std::memset(sqe, 0, sizeof *sqe);
  sq_array_[idx] = idx;
  ++queued_;
  return sqe;
}

// io_uring_enter(2): "IORING_ENTER_GETEVENTS: If this flag is set, then the system call will
// wait for the specified number of events in min_complete before returning." With
// IORING_ENTER_EXT_ARG, arg is a struct io_uring_getevents_arg whose ts is the wait's timeout
// (relative); "ETIME: The timeout expired" when nothing completed by then.
int Ring::enter(bool wait, std::int64_t timeout_ns) noexcept {
  if (queued_ > 0) __atomic_store_n(sq_tail_, *sq_tail_ + queued_, __ATOMIC_RELEASE);
  queued_ = 0;
  // Everything between the kernel's head and our tail: also what an earlier enter left (it may
  // submit fewer than asked when short of memory).
  const unsigned to_submit = *sq_tail_ - __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE);
  unsigned flags = wait ? IORING_ENTER_GETEVENTS : 0;
  __kernel_timespec ts = {};
  io_uring_getevents_arg arg = {};
  void* argp = nullptr;
  std::size_t argsz = 0;
  if (wait && timeout_ns >= 0) {
    ts.tv_sec = timeout_ns / 1'000'000'000;
    ts.tv_nsec = timeout_ns % 1'000'000'000;
    arg.ts = reinterpret_cast<std::uint64_t>(&ts);
    flags |= IORING_ENTER_EXT_ARG;
    argp = &arg;
    argsz = sizeof arg;
  }
  return sys_enter(fd_, to_submit, wait ? 1 : 0, flags, argp, argsz) >= 0 ? 0 : errno;
}

int Ring::sync_cancel(std::uint64_t user_data) noexcept {
  io_uring_sync_cancel_reg reg = {};
  reg.addr = user_data;
  reg.fd = -1;
  reg.timeout.tv_sec = -1;
  reg.timeout.tv_nsec = -1;
  return sys_register(fd_, IORING_REGISTER_SYNC_CANCEL, &reg, 1) == 0 ? 0 : errno;
}

}  // namespace papaya::real::fiber
