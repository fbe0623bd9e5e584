// flock(2) as Linux 6.x implements it in fs/locks.c, where the man page is out of date: a
// conversion is one step (flock_lock_inode runs under one hold of the inode's flc_lock), blocked
// requests wait in order and a request that conflicts with an earlier waiter is chained behind it
// (__locks_insert_block), so only the head is woken; a new request is checked against held locks
// only, so readers pass a waiting writer. Every scenario here needs a process to be *blocked*
// before the next step, which no Os call can observe: they wait 200 ms (virtual in the sim) after
// the waiter said it is about to ask, and are marked timed.
#include "conformance/kernel/flock_args.hpp"
#include "conformance/kernel/registry.hpp"

namespace papaya::conformance {

namespace {

constexpr auto kBlockMargin = std::chrono::milliseconds(200);

constexpr const char* kOneStepRule =
    "fs/locks.c, flock_lock_inode (Linux 6.x): the old lock is removed, the held locks are "
    "searched for a conflict and the request is granted, refused (\"error = -EAGAIN; if "
    "(!(request->fl_flags & FL_SLEEP)) goto out\") or queued, all under one "
    "spin_lock(&ctx->flc_lock). flock(2)'s \"Between these two steps, a pending lock request "
    "by another process may be granted\" describes kernels before 4.x.";

constexpr const char* kQueueRule =
    "fs/locks.c, __locks_insert_block: \"We use a circular list so that processes can be "
    "easily woken up in the order they blocked.\" \"we check for conflicts with any existing "
    "waiters, and add beneath any waiter that blocks the new waiter. Thus wakeups don't happen "
    "until needed.\"";

// A child that opens its own description, says it is about to ask, asks for `mode` (blocking),
// records the result, and unlocks. `who` names it in the observations.
Pid waiter(Os& os, const Ctx& c, std::string who, FlockArgs mode) {
  Channel asking = channel(os, c);
  Pid kid = spawn(os, c, [=](Os& os) {
    Fd own = c.open(os, "lock", kRw);
    post(os, c, asking);
    Status got = os.flock(own, mode);
    c.observe(os, who + ": got its lock: " + show(got));
    c.need(os, os.flock(own, kUn), "LOCK_UN");
  });
  await(os, c, asking);
  c.need(os, os.sleep(kBlockMargin), "sleep");  // the waiter is blocked by now
  return kid;
}

Scenario nonblocking_conversions_while_a_writer_waits() {
  return {
      .name = "NonblockingConversionsSucceedWhileAWriterWaits",
      .rule = kOneStepRule,
      .body =
          [](Os& os, const Ctx& c) {
            Fd a = c.open(os, "lock", kRw);
            c.observe(os, "a LOCK_SH: " + show(os.flock(a, kSh)));
            Pid w = waiter(os, c, "writer", kEx);
            c.observe(os, "a LOCK_EX|LOCK_NB (upgrade) while the writer waits: " +
                              show(os.flock(a, kExNb)));
            c.observe(os, "a LOCK_SH|LOCK_NB (downgrade) while the writer waits: " +
                              show(os.flock(a, kShNb)));
            c.observe(os, "a unlocks");
            c.need(os, os.flock(a, kUn), "LOCK_UN");  // unobserved: the writer may run first
            c.observe(os, "writer " + show(os.waitpid(w, false)));
          },
      .expected =
          "a LOCK_SH: ok\n"
          "a LOCK_EX|LOCK_NB (upgrade) while the writer waits: ok\n"
          "a LOCK_SH|LOCK_NB (downgrade) while the writer waits: ok\n"
          "a unlocks\n"
          "writer: got its lock: ok\n"
          "writer exited 0\n",
      .timed = true,
  };
}

Scenario blocking_upgrade_goes_first() {
  return {
      .name = "ABlockingUpgradeOfTheSoleSharedLockIsGrantedBeforeAWaitingWriter",
      .rule = kOneStepRule,
      .body =
          [](Os& os, const Ctx& c) {
            Fd a = c.open(os, "lock", kRw);
            c.observe(os, "a LOCK_SH: " + show(os.flock(a, kSh)));
            Pid w = waiter(os, c, "writer", kEx);
            c.observe(os, "a LOCK_EX (upgrade): " + show(os.flock(a, kEx)));
            c.observe(os, "a unlocks");
            c.need(os, os.flock(a, kUn), "LOCK_UN");
            c.observe(os, "writer " + show(os.waitpid(w, false)));
          },
      .expected =
          "a LOCK_SH: ok\n"
          "a LOCK_EX (upgrade): ok\n"
          "a unlocks\n"
          "writer: got its lock: ok\n"
          "writer exited 0\n",
      .timed = true,
  };
}

Scenario waiters_served_in_order() {
  return {
      .name = "WritersWaitingForALockGetItInTheOrderTheyAsked",
      .rule = kQueueRule,
      .body =
          [](Os& os, const Ctx& c) {
            Fd h = c.open(os, "lock", kRw);
            c.observe(os, "holder LOCK_EX: " + show(os.flock(h, kEx)));
            Pid b = waiter(os, c, "first writer", kEx);
            Pid d = waiter(os, c, "second writer", kEx);
            Pid e = waiter(os, c, "third writer", kEx);
            c.observe(os, "holder unlocks");
            c.need(os, os.flock(h, kUn), "LOCK_UN");
            for (Pid kid : {b, d, e}) c.need(os, os.waitpid(kid, false), "waitpid");
            c.observe(os, "all three exited");
          },
      .expected =
          "holder LOCK_EX: ok\n"
          "holder unlocks\n"
          "first writer: got its lock: ok\n"
          "second writer: got its lock: ok\n"
          "third writer: got its lock: ok\n"
          "all three exited\n",
      .timed = true,
  };
}

// Two readers hold SH; a writer waits on the first held lock it conflicts with; then a reader
// upgrades (blocking) and the other reader unlocks. Who gets EX first follows the order in which
// the two shared locks were granted.
Scenario upgrade_and_writer(bool upgrader_locked_first) {
  std::string name = upgrader_locked_first
                         ? "AnUpgradeByTheFirstReaderGoesAheadOfAWriterWaitingOnItsLock"
                         : "AnUpgradeQueuesBehindAWriterWaitingOnTheOtherReadersLock";
  return {
      .name = name,
      .rule = std::string(kQueueRule) +
              " flock_lock_inode: the request is blocked on the first held lock of ctx->flc_flock "
              "(grant order) it conflicts with; removing a lock wakes the requests blocked on it.",
      .body =
          [upgrader_locked_first](Os& os, const Ctx& c) {
            Fd a = c.open(os, "lock", kRw);
            Fd other = c.open(os, "lock", kRw);
            Fd first = upgrader_locked_first ? a : other;
            Fd second = upgrader_locked_first ? other : a;
            c.need(os, os.flock(first, kSh), "LOCK_SH");
            c.need(os, os.flock(second, kSh), "LOCK_SH");
            c.observe(os, std::string("the upgrader locked ") +
                              (upgrader_locked_first ? "first" : "second"));
            Pid w = waiter(os, c, "writer", kEx);
            Channel asking = channel(os, c);
            Pid up = spawn(os, c, [=](Os& os) {  // shares `a`, the upgrader's description
              post(os, c, asking);
              Status got = os.flock(a, kEx);
              c.observe(os, "upgrader: got its lock: " + show(got));
              c.need(os, os.flock(a, kUn), "LOCK_UN");
            });
            await(os, c, asking);
            c.need(os, os.sleep(kBlockMargin), "sleep");
            c.need(os, os.close(a), "close");  // the child's descriptor keeps the description
            c.observe(os, "the other reader unlocks");
            c.need(os, os.flock(other, kUn), "LOCK_UN");
            c.need(os, os.waitpid(w, false), "waitpid");
            c.need(os, os.waitpid(up, false), "waitpid");
          },
      .expected =
          std::string("the upgrader locked ") + (upgrader_locked_first ? "first" : "second") +
          "\n"
          "the other reader unlocks\n" +
          (upgrader_locked_first ? "upgrader: got its lock: ok\nwriter: got its lock: ok\n"
                                 : "writer: got its lock: ok\nupgrader: got its lock: ok\n"),
      .timed = true,
  };
}

Scenario readers_starve_a_writer() {
  return {
      .name = "OverlappingReadersKeepAWaitingWriterOut",
      .rule =
          "fs/locks.c, flock_lock_inode: a new request is checked against the held locks only "
          "(find_conflict walks ctx->flc_flock), never against waiting requests, so a shared "
          "lock is granted while an exclusive request waits.",
      // Three hand-offs: each new reader locks before the previous one unlocks. The writer gets
      // in only when no reader holds the lock.
      .body =
          [](Os& os, const Ctx& c) {
            Fd held = c.open(os, "lock", kRw);
            c.observe(os, "reader 1 LOCK_SH: " + show(os.flock(held, kSh)));
            Pid w = waiter(os, c, "writer", kEx);
            for (int i = 2; i <= 4; ++i) {
              Fd next = c.open(os, "lock", kRw);
              c.observe(os, "reader " + std::to_string(i) + " LOCK_SH|LOCK_NB while the writer " +
                                "waits: " + show(os.flock(next, kShNb)));
              c.need(os, os.sleep(kBlockMargin), "sleep");  // the writer had its chance
              c.need(os, os.flock(held, kUn), "LOCK_UN");   // the previous reader leaves
              held = next;
            }
            c.observe(os, "the last reader unlocks");
            c.need(os, os.flock(held, kUn), "LOCK_UN");
            c.observe(os, "writer " + show(os.waitpid(w, false)));
          },
      .expected =
          "reader 1 LOCK_SH: ok\n"
          "reader 2 LOCK_SH|LOCK_NB while the writer waits: ok\n"
          "reader 3 LOCK_SH|LOCK_NB while the writer waits: ok\n"
          "reader 4 LOCK_SH|LOCK_NB while the writer waits: ok\n"
          "the last reader unlocks\n"
          "writer: got its lock: ok\n"
          "writer exited 0\n",
      .timed = true,
  };
}

Scenario shared_description_conversion_across_processes() {
  return {
      .name = "AChildConvertsTheLockItSharesWithItsParent",
      .rule =
          "flock(2): \"Locks created by flock() are associated with an open file description "
          "... this lock may be modified or released using any of these file descriptors.\" "
          "\"Subsequent flock() calls on an already locked file will convert an existing lock "
          "to the new lock mode.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "lock", kRw);
            c.observe(os, "parent LOCK_EX: " + show(os.flock(fd, kEx)));
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os,
                        "child LOCK_SH on the inherited descriptor: " + show(os.flock(fd, kSh)));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            Fd other = c.open(os, "lock", kRw);
            c.observe(os, "another open LOCK_SH|LOCK_NB: " + show(os.flock(other, kShNb)));
            c.observe(os, "parent LOCK_EX|LOCK_NB (refused, and its lock is gone): " +
                              show(os.flock(fd, kExNb)));
            c.observe(os, "another open LOCK_UN: " + show(os.flock(other, kUn)));
            c.observe(os, "a third open LOCK_EX|LOCK_NB: " +
                              show(os.flock(c.open(os, "lock", kRw), kExNb)));
          },
      .expected =
          "parent LOCK_EX: ok\n"
          "child LOCK_SH on the inherited descriptor: ok\n"
          "child exited 0\n"
          "another open LOCK_SH|LOCK_NB: ok\n"
          "parent LOCK_EX|LOCK_NB (refused, and its lock is gone): EAGAIN\n"
          "another open LOCK_UN: ok\n"
          "a third open LOCK_EX|LOCK_NB: ok\n",
  };
}

}  // namespace

std::vector<Scenario> flock_queue_scenarios() {
  return {nonblocking_conversions_while_a_writer_waits(),
          blocking_upgrade_goes_first(),
          waiters_served_in_order(),
          upgrade_and_writer(true),
          upgrade_and_writer(false),
          readers_starve_a_writer(),
          shared_description_conversion_across_processes()};
}

}  // namespace papaya::conformance
