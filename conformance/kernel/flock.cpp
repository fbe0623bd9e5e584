// flock(2): the lock belongs to the open file description. Descriptors that share a description
// (fork, dup) share its lock; separate opens exclude each other, even in one process; shared and
// exclusive modes, conversion, LOCK_NB, release by LOCK_UN through any duplicate or on the last
// close; blocking, EINTR and SA_RESTART.
#include "conformance/kernel/flock_args.hpp"
#include "conformance/kernel/registry.hpp"

namespace papaya::conformance {

namespace {

constexpr const char* kOfdRule =
    "flock(2): \"Locks created by flock() are associated with an open file description (see "
    "open(2)). This means that duplicate file descriptors (created by, for example, fork(2) or "
    "dup(2)) refer to the same lock, and this lock may be modified or released using any of "
    "these file descriptors. Furthermore, the lock is released either by an explicit LOCK_UN "
    "operation on any of these duplicate file descriptors, or when all such file descriptors "
    "have been closed.\"";

Scenario forked_child_shares_lock() {
  return {
      .name = "ForkedChildSharesItsParentsLock",
      .rule = kOfdRule,
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "lock", kRw);
            c.observe(os, "parent: LOCK_EX: " + show(os.flock(fd, kEx)));
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os, "child: LOCK_EX|LOCK_NB on the inherited descriptor: " +
                                show(os.flock(fd, kExNb)));
              Fd own = c.open(os, "lock", kRw);
              c.observe(os,
                        "child: LOCK_EX|LOCK_NB on its own open: " + show(os.flock(own, kExNb)));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            Fd other = c.open(os, "lock", kRw);
            c.observe(os,
                      "parent: LOCK_SH|LOCK_NB on another open: " + show(os.flock(other, kShNb)));
          },
      .expected =
          "parent: LOCK_EX: ok\n"
          "child: LOCK_EX|LOCK_NB on the inherited descriptor: ok\n"
          "child: LOCK_EX|LOCK_NB on its own open: EAGAIN\n"
          "child exited 0\n"
          "parent: LOCK_SH|LOCK_NB on another open: EAGAIN\n",
  };
}

Scenario separate_opens_exclude() {
  return {
      .name = "TwoOpensOfOneFileExcludeEachOtherEvenInOneProcess",
      .rule =
          "flock(2): \"If a process uses open(2) (or similar) to obtain more than one file "
          "descriptor for the same file, these file descriptors are treated independently "
          "by flock(). An attempt to lock the file using one of these file descriptors may "
          "be denied by a lock that the calling process has already placed via another file "
          "descriptor.\" \"EWOULDBLOCK The file is locked and the LOCK_NB flag was "
          "selected.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd a = c.open(os, "lock", kRw);
            Fd b = c.open(os, "lock", kRw);
            c.observe(os, "a LOCK_EX: " + show(os.flock(a, kEx)));
            c.observe(os, "b LOCK_EX|LOCK_NB: " + show(os.flock(b, kExNb)));
            c.observe(os, "b LOCK_SH|LOCK_NB: " + show(os.flock(b, kShNb)));
            c.observe(os, "a LOCK_UN: " + show(os.flock(a, kUn)));
            c.observe(os, "b LOCK_EX|LOCK_NB: " + show(os.flock(b, kExNb)));
          },
      .expected =
          "a LOCK_EX: ok\n"
          "b LOCK_EX|LOCK_NB: EAGAIN\n"
          "b LOCK_SH|LOCK_NB: EAGAIN\n"
          "a LOCK_UN: ok\n"
          "b LOCK_EX|LOCK_NB: ok\n",
  };
}

Scenario shared_locks_coexist() {
  return {
      .name = "SharedLocksCoexistAndKeepOutAnExclusiveOne",
      .rule =
          "flock(2): \"LOCK_SH Place a shared lock. More than one process may hold a shared "
          "lock for a given file at a given time.\" \"A single file may not simultaneously "
          "have both shared and exclusive locks.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd a = c.open(os, "lock", kRw);
            Fd b = c.open(os, "lock", kRw);
            Fd w = c.open(os, "lock", kRw);
            c.observe(os, "a LOCK_SH: " + show(os.flock(a, kSh)));
            c.observe(os, "b LOCK_SH|LOCK_NB: " + show(os.flock(b, kShNb)));
            c.observe(os, "w LOCK_EX|LOCK_NB: " + show(os.flock(w, kExNb)));
            c.observe(os, "a LOCK_UN: " + show(os.flock(a, kUn)));
            c.observe(os, "w LOCK_EX|LOCK_NB (b still shares): " + show(os.flock(w, kExNb)));
            c.observe(os, "b LOCK_UN: " + show(os.flock(b, kUn)));
            c.observe(os, "w LOCK_EX|LOCK_NB: " + show(os.flock(w, kExNb)));
          },
      .expected =
          "a LOCK_SH: ok\n"
          "b LOCK_SH|LOCK_NB: ok\n"
          "w LOCK_EX|LOCK_NB: EAGAIN\n"
          "a LOCK_UN: ok\n"
          "w LOCK_EX|LOCK_NB (b still shares): EAGAIN\n"
          "b LOCK_UN: ok\n"
          "w LOCK_EX|LOCK_NB: ok\n",
  };
}

Scenario unlock_through_dup_releases() {
  return {
      .name = "DupSharesTheLockAndUnlockThroughTheDuplicateReleasesIt",
      .rule = kOfdRule,
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "lock", kRw);
            Fd copy = c.need(os, os.dup(fd), "dup");
            Fd other = c.open(os, "lock", kRw);
            c.observe(os, "fd LOCK_EX: " + show(os.flock(fd, kEx)));
            c.observe(os, "dup LOCK_EX|LOCK_NB: " + show(os.flock(copy, kExNb)));
            c.observe(os, "other open LOCK_EX|LOCK_NB: " + show(os.flock(other, kExNb)));
            c.observe(os, "dup LOCK_UN: " + show(os.flock(copy, kUn)));
            c.observe(os, "other open LOCK_EX|LOCK_NB: " + show(os.flock(other, kExNb)));
          },
      .expected =
          "fd LOCK_EX: ok\n"
          "dup LOCK_EX|LOCK_NB: ok\n"
          "other open LOCK_EX|LOCK_NB: EAGAIN\n"
          "dup LOCK_UN: ok\n"
          "other open LOCK_EX|LOCK_NB: ok\n",
  };
}

Scenario close_of_one_duplicate_keeps_lock() {
  return {
      .name = "ClosingOneDuplicateDoesNotReleaseTheLock",
      .rule = kOfdRule,
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "lock", kRw);
            Fd copy = c.need(os, os.dup(fd), "dup");
            Fd other = c.open(os, "lock", kRw);
            c.observe(os, "fd LOCK_EX: " + show(os.flock(fd, kEx)));
            c.observe(os, "close fd: " + show(os.close(fd)));
            c.observe(os, "other open LOCK_EX|LOCK_NB: " + show(os.flock(other, kExNb)));
            c.observe(os, "close the dup (the last descriptor): " + show(os.close(copy)));
            c.observe(os, "other open LOCK_EX|LOCK_NB: " + show(os.flock(other, kExNb)));
          },
      .expected =
          "fd LOCK_EX: ok\n"
          "close fd: ok\n"
          "other open LOCK_EX|LOCK_NB: EAGAIN\n"
          "close the dup (the last descriptor): ok\n"
          "other open LOCK_EX|LOCK_NB: ok\n",
  };
}

Scenario child_keeps_lock_after_parent_close() {
  return {
      .name = "ChildInheritsLockAndParentCloseDoesNotReleaseIt",
      .rule = kOfdRule,
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "lock", kRw);
            c.observe(os, "parent: LOCK_EX: " + show(os.flock(fd, kEx)));
            Channel go = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) { await(os, c, go); });
            c.observe(os, "parent: close its descriptor: " + show(os.close(fd)));
            Fd other = c.open(os, "lock", kRw);
            c.observe(os,
                      "parent: LOCK_EX|LOCK_NB on another open: " + show(os.flock(other, kExNb)));
            post(os, c, go);
            c.observe(os, "child (exits without unlocking) " + show(os.waitpid(kid, false)));
            c.observe(os,
                      "parent: LOCK_EX|LOCK_NB on another open: " + show(os.flock(other, kExNb)));
          },
      .expected =
          "parent: LOCK_EX: ok\n"
          "parent: close its descriptor: ok\n"
          "parent: LOCK_EX|LOCK_NB on another open: EAGAIN\n"
          "child (exits without unlocking) exited 0\n"
          "parent: LOCK_EX|LOCK_NB on another open: ok\n",
  };
}

Scenario unlock_in_child_releases_parents_lock() {
  return {
      .name = "UnlockInAForkedChildReleasesTheParentsLock",
      .rule = kOfdRule,
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "lock", kRw);
            c.observe(os, "parent: LOCK_EX: " + show(os.flock(fd, kEx)));
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os,
                        "child: LOCK_UN on the inherited descriptor: " + show(os.flock(fd, kUn)));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            Fd other = c.open(os, "lock", kRw);
            c.observe(os,
                      "parent: LOCK_EX|LOCK_NB on another open: " + show(os.flock(other, kExNb)));
          },
      .expected =
          "parent: LOCK_EX: ok\n"
          "child: LOCK_UN on the inherited descriptor: ok\n"
          "child exited 0\n"
          "parent: LOCK_EX|LOCK_NB on another open: ok\n",
  };
}

Scenario conversion_changes_mode() {
  return {
      .name = "SubsequentFlockConvertsTheLockMode",
      .rule =
          "flock(2): \"A process may hold only one type of lock (shared or exclusive) on a "
          "file. Subsequent flock() calls on an already locked file will convert an existing "
          "lock to the new lock mode.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd a = c.open(os, "lock", kRw);
            Fd b = c.open(os, "lock", kRw);
            c.observe(os, "a LOCK_EX: " + show(os.flock(a, kEx)));
            c.observe(os, "a LOCK_EX again: " + show(os.flock(a, kEx)));
            c.observe(os, "a LOCK_SH (downgrade): " + show(os.flock(a, kSh)));
            c.observe(os, "b LOCK_SH|LOCK_NB: " + show(os.flock(b, kShNb)));
            c.observe(os, "b LOCK_UN: " + show(os.flock(b, kUn)));
            c.observe(os, "a LOCK_EX|LOCK_NB (upgrade): " + show(os.flock(a, kExNb)));
            c.observe(os, "b LOCK_SH|LOCK_NB: " + show(os.flock(b, kShNb)));
          },
      .expected =
          "a LOCK_EX: ok\n"
          "a LOCK_EX again: ok\n"
          "a LOCK_SH (downgrade): ok\n"
          "b LOCK_SH|LOCK_NB: ok\n"
          "b LOCK_UN: ok\n"
          "a LOCK_EX|LOCK_NB (upgrade): ok\n"
          "b LOCK_SH|LOCK_NB: EAGAIN\n",
  };
}

Scenario failed_conversion_drops_lock() {
  return {
      .name = "FailedNonblockingConversionDropsTheSharedLock",
      .rule =
          "flock(2): \"Converting a lock (shared to exclusive, or vice versa) is not "
          "guaranteed to be atomic: the existing lock is first removed, and then a new lock "
          "is established. Between these two steps, a pending lock request by another "
          "process may be granted, with the result that the conversion either blocks, or "
          "fails if LOCK_NB was specified.\"",
      // Linux (fs/locks.c, flock_lock_inode) removes the old lock before it looks for
      // conflicts, so a conversion that fails with LOCK_NB leaves the description unlocked.
      .body =
          [](Os& os, const Ctx& c) {
            Fd a = c.open(os, "lock", kRw);
            Fd b = c.open(os, "lock", kRw);
            Fd w = c.open(os, "lock", kRw);
            c.observe(os, "a LOCK_SH: " + show(os.flock(a, kSh)));
            c.observe(os, "b LOCK_SH: " + show(os.flock(b, kSh)));
            c.observe(os, "a LOCK_EX|LOCK_NB: " + show(os.flock(a, kExNb)));
            c.observe(os, "b LOCK_UN: " + show(os.flock(b, kUn)));
            c.observe(os,
                      "w LOCK_EX|LOCK_NB (a's shared lock is gone): " + show(os.flock(w, kExNb)));
          },
      .expected =
          "a LOCK_SH: ok\n"
          "b LOCK_SH: ok\n"
          "a LOCK_EX|LOCK_NB: EAGAIN\n"
          "b LOCK_UN: ok\n"
          "w LOCK_EX|LOCK_NB (a's shared lock is gone): ok\n",
  };
}

Scenario blocking_lock_waits() {
  return {
      .name = "BlockingFlockWaitsUntilTheHolderUnlocks",
      .rule =
          "flock(2): \"A call to flock() may block if an incompatible lock is held by "
          "another process.\"",
      // Whatever the schedule, the child's "got" line follows the parent's "unlocking" line:
      // the child cannot hold the lock before the parent releases it.
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "lock", kRw);
            c.observe(os, "parent: LOCK_EX: " + show(os.flock(fd, kEx)));
            Channel ready = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              Fd own = c.open(os, "lock", kRw);
              post(os, c, ready);
              Status got = os.flock(own, kEx);
              c.observe(os, "child: LOCK_EX returned: " + show(got));
            });
            await(os, c, ready);
            c.observe(os, "parent: unlocking");
            // Unobserved: the child may run before this call returns.
            c.need(os, os.flock(fd, kUn), "LOCK_UN");
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "parent: LOCK_EX: ok\n"
          "parent: unlocking\n"
          "child: LOCK_EX returned: ok\n"
          "child exited 0\n",
  };
}

Scenario lock_mode_independent_of_open_mode() {
  return {
      .name = "AnyLockModeOnAnyOpenModeAndEbadfOnAClosedDescriptor",
      .rule =
          "flock(2): \"A shared or exclusive lock can be placed on a file regardless of the "
          "mode in which the file was opened.\" \"EBADF fd is not an open file "
          "descriptor.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd made = c.open(os, "lock", kRw);
            c.need(os, os.close(made), "close");
            Fd ro = c.open(os, "lock", OpenFlags::rdonly);
            Fd wo = c.open(os, "lock", OpenFlags::wronly);
            c.observe(os, "O_RDONLY LOCK_EX: " + show(os.flock(ro, kEx)));
            c.observe(os, "O_WRONLY LOCK_SH|LOCK_NB: " + show(os.flock(wo, kShNb)));
            c.observe(os, "O_RDONLY LOCK_UN: " + show(os.flock(ro, kUn)));
            c.observe(os, "O_WRONLY LOCK_SH|LOCK_NB: " + show(os.flock(wo, kShNb)));
            c.need(os, os.close(wo), "close");
            c.observe(os, "closed descriptor LOCK_SH: " + show(os.flock(wo, kSh)));
          },
      .expected =
          "O_RDONLY LOCK_EX: ok\n"
          "O_WRONLY LOCK_SH|LOCK_NB: EAGAIN\n"
          "O_RDONLY LOCK_UN: ok\n"
          "O_WRONLY LOCK_SH|LOCK_NB: ok\n"
          "closed descriptor LOCK_SH: EBADF\n",
  };
}

Scenario blocked_flock_interrupted() {
  return {
      .name = "BlockedFlockIsInterruptedByACaughtSignalWithEintr",
      .rule =
          "flock(2): \"EINTR While waiting to acquire a lock, the call was interrupted by "
          "delivery of a signal caught by a handler; see signal(7).\"",
      // Timing: the alarm (100 ms) must find the child blocked in flock, which it enters
      // microseconds after arming it. No Os call can observe "blocked", hence the margin.
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "lock", kRw);
            c.observe(os, "parent: LOCK_EX: " + show(os.flock(fd, kEx)));
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
              Fd own = c.open(os, "lock", kRw);
              c.need(os, os.alarm(std::chrono::milliseconds(100)), "alarm");
              c.observe(os, "child: LOCK_EX: " + show(os.flock(own, kEx)));
              c.observe(os, "child: SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "parent: LOCK_EX: ok\n"
          "child: LOCK_EX: EINTR\n"
          "child: SIGALRM caught: yes\n"
          "child exited 0\n",
      .timed = true,
  };
}

Scenario sa_restart_restarts_flock() {
  return {
      .name = "SaRestartRestartsABlockedFlock",
      .rule =
          "signal(7): \"If a blocked call to one of the following interfaces is interrupted "
          "by a signal handler, then the call is automatically restarted after the signal "
          "handler returns if the SA_RESTART flag was used; otherwise the call fails with "
          "the error EINTR: ... File locking interfaces: flock(2)\"",
      // Timing: the child's alarm fires 100 ms into its wait; the parent unlocks 400 ms after
      // the child said it was about to block.
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "lock", kRw);
            c.observe(os, "parent: LOCK_EX: " + show(os.flock(fd, kEx)));
            Channel ready = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag(true)), "catch SIGALRM");
              Fd own = c.open(os, "lock", kRw);
              post(os, c, ready);
              c.need(os, os.alarm(std::chrono::milliseconds(100)), "alarm");
              Status got = os.flock(own, kEx);
              c.observe(os, "child: LOCK_EX: " + show(got));
              c.observe(os, "child: SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
            });
            await(os, c, ready);
            c.need(os, os.sleep(std::chrono::milliseconds(400)), "sleep");
            c.observe(os, "parent: unlocking");
            c.need(os, os.flock(fd, kUn), "LOCK_UN");  // unobserved: the child may run first
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "parent: LOCK_EX: ok\n"
          "parent: unlocking\n"
          "child: LOCK_EX: ok\n"
          "child: SIGALRM caught: yes\n"
          "child exited 0\n",
      .timed = true,
  };
}

Scenario shared_request_passes_waiting_writer() {
  return {
      .name = "SharedLockIsGrantedWhileAnExclusiveRequestWaits",
      .rule =
          "flock(2): \"A call to flock() may block if an incompatible lock is held by "
          "another process.\" (only a held lock blocks a request: Linux's flock queues "
          "waiters but checks a new request against held locks only, so readers can starve "
          "a writer)",
      // Timing: the writer must be waiting (200 ms after it said it is about to ask) before the
      // second reader asks.
      .body =
          [](Os& os, const Ctx& c) {
            Fd reader = c.open(os, "lock", kRw);
            c.observe(os, "reader 1: LOCK_SH: " + show(os.flock(reader, kSh)));
            Channel asking = channel(os, c);
            Pid writer = spawn(os, c, [=](Os& os) {
              Fd own = c.open(os, "lock", kRw);
              post(os, c, asking);
              Status got = os.flock(own, kEx);
              c.observe(os, "writer: LOCK_EX returned: " + show(got));
            });
            await(os, c, asking);
            c.need(os, os.sleep(std::chrono::milliseconds(200)), "sleep");
            Fd second = c.open(os, "lock", kRw);
            c.observe(os, "reader 2: LOCK_SH|LOCK_NB while the writer waits: " +
                              show(os.flock(second, kShNb)));
            c.observe(os, "both readers unlock");
            c.need(os, os.flock(reader, kUn), "LOCK_UN");
            c.need(os, os.flock(second, kUn), "LOCK_UN");  // unobserved: the writer may run first
            c.observe(os, "writer " + show(os.waitpid(writer, false)));
          },
      .expected =
          "reader 1: LOCK_SH: ok\n"
          "reader 2: LOCK_SH|LOCK_NB while the writer waits: ok\n"
          "both readers unlock\n"
          "writer: LOCK_EX returned: ok\n"
          "writer exited 0\n",
      .timed = true,
  };
}

}  // namespace

std::vector<Scenario> flock_scenarios() {
  return {forked_child_shares_lock(),
          separate_opens_exclude(),
          shared_locks_coexist(),
          unlock_through_dup_releases(),
          close_of_one_duplicate_keeps_lock(),
          child_keeps_lock_after_parent_close(),
          unlock_in_child_releases_parents_lock(),
          conversion_changes_mode(),
          failed_conversion_drops_lock(),
          blocking_lock_waits(),
          lock_mode_independent_of_open_mode(),
          blocked_flock_interrupted(),
          sa_restart_restarts_flock(),
          shared_request_passes_waiting_writer()};
}

}  // namespace papaya::conformance
