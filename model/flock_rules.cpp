// flock(2) rules as Linux 6.x implements them (fs/locks.c): locks owned by open file descriptions,
// shared and exclusive, LOCK_NB, conversion in one step under the inode's lock list lock, release
// by LOCK_UN through any duplicate or by the last close, and blocked requests kept in trees: a
// request waits on the first held lock it conflicts with, chained behind an earlier waiter it
// conflicts with, and only the requests directly blocked on a lock are woken when it goes. Who
// runs first after a wake-up (a woken waiter, or a new request that barges in) is the scheduler's
// choice, as it is Linux's.
//
// The man page is older than the code here: flock(2) says "Converting a lock ... is not guaranteed
// to be atomic: the existing lock is first removed, and then a new lock is established. Between
// these two steps, a pending lock request by another process may be granted". Since Linux 4.x
// (flock_lock_inode) the removal, the conflict search and the grant, refusal or queueing happen
// under one hold of ctx->flc_lock, so nothing can be granted between them; what stays non-atomic
// is that a refused LOCK_NB conversion has already lost the old lock, and a blocking conversion
// waits without it. docs/kernel-rules.md lists both.
#include <algorithm>

#include "model/check.hpp"
#include "model/kernel.hpp"

namespace papaya::model {

// fs/locks.c, locks_conflict and flock_locks_conflict: "FLOCK locks referring to the same filp do
// not conflict with each other." Otherwise two locks conflict when either is F_WRLCK (LOCK_EX).
// flock(2): "If a process uses open(2) (or similar) to obtain more than one file descriptor for
// the same file, these file descriptors are treated independently by flock()."
bool Kernel::flock_locks_conflict(OfdId a, LockMode a_mode, OfdId b, LockMode b_mode) {
  if (a == b) return false;
  return a_mode == LockMode::ex || b_mode == LockMode::ex;
}

// fs/locks.c, flock_lock_inode (find_conflict): the held locks are searched in list order and the
// request is blocked on the first one it conflicts with. flock(2): "LOCK_SH ... More than one
// process may hold a shared lock for a given file at a given time." "LOCK_EX ... Only one process
// may hold an exclusive lock for a given file at a given time." Only held locks are searched: a
// waiting request never refuses a new one (readers can pass a waiting writer).
OfdId Kernel::flock_first_conflict(const Inode& ino, OfdId ofd, LockMode want) const {
  for (OfdId held : ino.flocks)
    if (flock_locks_conflict(held, files_[held].lock, ofd, want)) return held;
  return 0;
}

// fs/locks.c, __locks_insert_block: "Rather than just adding to the list, we check for conflicts
// with any existing waiters, and add beneath any waiter that blocks the new waiter. Thus wakeups
// don't happen until needed." The list is kept "so that processes can be easily woken up in the
// order they blocked". "The requests in waiter->fl_blocked are known to conflict with waiter, but
// might not conflict with blocker, or the requests and lock which block it. So they all need to be
// woken."
void Kernel::flock_insert_block(Process& p, OfdId blocker) {
  FlockWait& w = p.flock_wait;
  PAPAYA_ASSERT(w.active && !w.queued, "insert_block of a request that is queued");
  std::vector<Pid>* list = &files_[blocker].flock_blocked;
  w.on_request = false;
  w.blocker = blocker;
  for (std::size_t hops = 0;; ++hops) {
    PAPAYA_ASSERT(hops <= procs_.size(), "a cycle in the flock request tree");
    auto next = std::find_if(list->begin(), list->end(), [&](Pid q) {
      const FlockWait& qw = proc(q).flock_wait;
      return flock_locks_conflict(qw.ofd, qw.mode, w.ofd, w.mode);
    });
    if (next == list->end()) break;
    w.on_request = true;
    w.blocker = static_cast<std::uint32_t>(*next);
    list = &proc(*next).flock_wait.blocked;
  }
  list->push_back(p.pid);
  w.queued = true;
  flock_wake_blocks(w.blocked);
}

// fs/locks.c, __locks_wake_up_blocks: every request on the list is taken off it (fl_blocker set to
// NULL) and woken; each then retries flock_lock_inode from the start (flock_lock_inode_wait waits
// for "list_empty(&fl->fl_blocked_member)"). The requests chained below a woken one stay with it.
// (The list keeps its storage for the next waiters: a lock taken and released over and over
// would otherwise allocate at every block.)
void Kernel::flock_wake_blocks(std::vector<Pid>& blocked) {
  for (Pid q : blocked) {
    Process& r = proc(q);
    PAPAYA_ASSERT(r.flock_wait.queued, "woke a flock request that was not queued");
    r.flock_wait.queued = false;
    r.flock_wait.blocker = 0;
    if (r.blocked) {
      r.recheck = true;
      may_be_ready(r);
    }
  }
  blocked.clear();
}

// fs/locks.c, locks_delete_block: a request that stops waiting (granted, refused, interrupted by a
// signal, or its process killed) leaves its blocker's list and wakes the requests blocked on it.
void Kernel::flock_delete_block(Process& p) {
  FlockWait& w = p.flock_wait;
  if (!w.active) return;
  if (w.queued) {
    std::vector<Pid>& list = w.on_request ? proc(static_cast<Pid>(w.blocker)).flock_wait.blocked
                                          : files_[w.blocker].flock_blocked;
    auto it = std::find(list.begin(), list.end(), p.pid);
    PAPAYA_ASSERT(it != list.end(), "a queued flock request missing from its blocker's list");
    list.erase(it);
  }
  flock_wake_blocks(w.blocked);
  w.active = w.queued = w.on_request = false;  // FlockWait{}, keeping `blocked`'s storage
  w.blocker = 0;
  w.ofd = 0;
  w.mode = LockMode::none;
}

// fs/locks.c, locks_insert_lock_ctx: a granted lock goes at the tail of the inode's list;
// locks_move_blocks: the requests that were blocked on the granted request now wait on the lock.
void Kernel::flock_grant(OfdId id, LockMode mode, Process& by) {
  OpenFile& f = files_[id];
  Inode& ino = inodes_[f.object];
  PAPAYA_ASSERT(f.lock == LockMode::none, "grant to a description that holds a lock");
  PAPAYA_ASSERT(f.flock_blocked.empty(), "an unlocked description with blocked requests");
  PAPAYA_ASSERT(flock_first_conflict(ino, id, mode) == 0, "grant of a conflicting lock");
  f.lock = mode;
  ino.flocks.push_back(id);
  if (!by.flock_wait.active) return;
  f.flock_blocked.swap(by.flock_wait.blocked);
  for (Pid q : f.flock_blocked) {
    FlockWait& qw = proc(q).flock_wait;
    qw.on_request = false;
    qw.blocker = id;
  }
}

// fs/locks.c, locks_delete_lock_ctx -> locks_wake_up_blocks: removing a lock wakes the requests
// blocked directly on it.
void Kernel::flock_release(OfdId id) {
  OpenFile& f = files_[id];
  Inode& ino = inodes_[f.object];
  PAPAYA_ASSERT(f.lock != LockMode::none, "release of a lock not held");
  auto it = std::find(ino.flocks.begin(), ino.flocks.end(), id);
  PAPAYA_ASSERT(it != ino.flocks.end(), "flock holder missing from its inode's list");
  ino.flocks.erase(it);
  f.lock = LockMode::none;
  flock_wake_blocks(f.flock_blocked);
}

// flock(2): "Locks created by flock() are associated with an open file description (see open(2)).
// This means that duplicate file descriptors (created by, for example, fork(2) or dup(2)) refer to
// the same lock, and this lock may be modified or released using any of these file descriptors."
// "A call to flock() may block if an incompatible lock is held by another process. To make a
// nonblocking request, include LOCK_NB" "EWOULDBLOCK The file is locked and the LOCK_NB flag was
// selected." Stricter than Linux: LOCK_UN without a lock is flagged; flock on a pipe or socket is
// EINVAL (Linux would lock its inode).
Outcome Kernel::sys(Process& p, const op::Flock& o) {
  Outcome out = flock_step(p, o);
  if (const OpenFile* f = file_of(p, o.fd); f && f->kind == FileKind::regular)
    out.on_file(f->object);
  return out;
}

Outcome Kernel::flock_step(Process& p, const op::Flock& o) {
  OpenFile* f = file_of(p, o.fd);
  if (!f) return Outcome::error(Errno::ebadf);
  if (f->kind != FileKind::regular) return Outcome::error(Errno::einval);
  OfdId id = p.fds[static_cast<std::size_t>(o.fd)];
  if (o.args.op == LockOp::un) {
    if (f->lock == LockMode::none)
      warn("process " + std::to_string(p.pid) + ": LOCK_UN of a lock not held");
    else
      flock_release(id);
    return Outcome::value(0);
  }
  LockMode want = o.args.op == LockOp::sh ? LockMode::sh : LockMode::ex;
  return flock_lock_inode(p, id, want, o.args.nonblocking);
}

// fs/locks.c, flock_lock_inode, all under one hold of ctx->flc_lock: a lock of the same type
// through this description is already there: done ("if (request->fl_type == fl->fl_type) goto
// out"); a lock of the other type is removed (a conversion); then the held locks are searched for
// a conflict: with LOCK_NB the call fails ("error = -EAGAIN; if (!(request->fl_flags & FL_SLEEP))
// goto out") -- the old lock is gone by then --, without it the request is queued
// (locks_insert_block) and the caller sleeps, else the lock is granted. flock(2): "A process may
// hold only one type of lock (shared or exclusive) on a file. Subsequent flock() calls on an
// already locked file will convert an existing lock to the new lock mode." A woken request runs
// this again from the start (flock_lock_inode_wait's loop), so another process sharing the
// description may have locked it meanwhile.
Outcome Kernel::flock_lock_inode(Process& p, OfdId id, LockMode want, bool nonblocking) {
  OpenFile& f = files_[id];
  PAPAYA_ASSERT(!p.flock_wait.queued, "a queued flock request ran");
  if (f.lock == want) {
    flock_delete_block(p);
    return Outcome::value(0);
  }
  if (f.lock != LockMode::none) flock_release(id);
  if (OfdId blocker = flock_first_conflict(inodes_[f.object], id, want); blocker != 0) {
    if (nonblocking) {
      flock_delete_block(p);
      return Outcome::error(Errno::eagain);
    }
    p.flock_wait.active = true;
    p.flock_wait.ofd = id;
    p.flock_wait.mode = want;
    flock_insert_block(p, blocker);
    return block(p, Chan{ChanKind::flock, f.object});
  }
  flock_grant(id, want, p);
  flock_delete_block(p);
  return Outcome::value(0);
}

}  // namespace papaya::model
