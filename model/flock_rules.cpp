// flock(2) rules: locks owned by open file descriptions, shared and exclusive, LOCK_NB, non-atomic
// conversion, release by LOCK_UN through any duplicate or by the last close. Which of several
// woken waiters gets a released lock is decided by who is scheduled first (every waiter is woken
// and retries, as Linux's flock_lock_inode_wait does).
#include <algorithm>

#include "model/check.hpp"
#include "model/kernel.hpp"

namespace papaya::model {

// flock(2): "LOCK_SH Place a shared lock. More than one process may hold a shared lock for a given
// file at a given time." "LOCK_EX Place an exclusive lock. Only one process may hold an exclusive
// lock for a given file at a given time." "If a process uses open(2) (or similar) to obtain more
// than one file descriptor for the same file, these file descriptors are treated independently by
// flock(). An attempt to lock the file using one of these file descriptors may be denied by a lock
// that the calling process has already placed via another file descriptor."
bool Kernel::flock_conflicts(const Inode& ino, OfdId ofd, LockMode want) const {
  bool other_ex = ino.exclusive != 0 && ino.exclusive != ofd;
  if (want == LockMode::sh) return other_ex;
  bool other_sh =
      std::any_of(ino.shared.begin(), ino.shared.end(), [&](OfdId h) { return h != ofd; });
  return other_ex || other_sh;
}

void Kernel::flock_grant(OfdId id, LockMode mode) {
  OpenFile& f = files_[id];
  Inode& ino = inodes_[f.object];
  PAPAYA_ASSERT(f.lock == LockMode::none, "grant to a description that holds a lock");
  PAPAYA_ASSERT(!flock_conflicts(ino, id, mode), "grant of a conflicting lock");
  f.lock = mode;
  if (mode == LockMode::ex)
    ino.exclusive = id;
  else
    ino.shared.push_back(id);
  wake(Chan{ChanKind::flock, f.object});
}

void Kernel::flock_release(OfdId id) {
  OpenFile& f = files_[id];
  Inode& ino = inodes_[f.object];
  PAPAYA_ASSERT(f.lock != LockMode::none, "release of a lock not held");
  if (f.lock == LockMode::ex) {
    PAPAYA_ASSERT(ino.exclusive == id, "LOCK_EX holder mismatch on release");
    ino.exclusive = 0;
  } else {
    auto it = std::find(ino.shared.begin(), ino.shared.end(), id);
    PAPAYA_ASSERT(it != ino.shared.end(), "LOCK_SH holder missing on release");
    ino.shared.erase(it);
  }
  f.lock = LockMode::none;
  wake(Chan{ChanKind::flock, f.object});
}

// flock(2): "Locks created by flock() are associated with an open file description (see open(2)).
// This means that duplicate file descriptors (created by, for example, fork(2) or dup(2)) refer to
// the same lock, and this lock may be modified or released using any of these file descriptors."
// "A call to flock() may block if an incompatible lock is held by another process. To make a
// nonblocking request, include LOCK_NB" "EWOULDBLOCK The file is locked and the LOCK_NB flag was
// selected." "A process may hold only one type of lock (shared or exclusive) on a file. Subsequent
// flock() calls on an already locked file will convert an existing lock to the new lock mode."
// "Converting a lock (shared to exclusive, or vice versa) is not guaranteed to be atomic: the
// existing lock is first removed, and then a new lock is established. Between these two steps, a
// pending lock request by another process may be granted, with the result that the conversion
// either blocks, or fails if LOCK_NB was specified." -- two steps here, the old lock lost on
// failure, as in Linux's flock_lock_inode. Stricter than Linux: LOCK_UN without a lock is flagged;
// flock on a pipe or socket is EINVAL (Linux would lock its inode).
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
  const bool second_step = p.progress.active && p.progress.flock_released;
  p.progress = Progress{};
  // (Between the steps, another process may have locked through this same description.)
  if (f->lock == want) return Outcome::value(0);
  if (f->lock != LockMode::none) {
    flock_release(id);
    if (!second_step) {  // conversion, step one: the existing lock is removed
      p.progress.active = true;
      p.progress.flock_released = true;
      return Outcome::progress();
    }
  }
  if (flock_conflicts(inodes_[f->object], id, want)) {
    if (o.args.nonblocking) return Outcome::error(Errno::eagain);
    return block(p, Chan{ChanKind::flock, f->object});
  }
  flock_grant(id, want);
  return Outcome::value(0);
}

}  // namespace papaya::model
