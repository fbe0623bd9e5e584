// Processes: what fork copies and what it does not, _exit, zombies and SIGCHLD, waitpid,
// orphans, process groups and sessions.
#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

Scenario fork_inherits_signal_state() {
  return {
      .name = "ForkedChildInheritsDispositionsMaskAndCaughtFlags",
      .rule =
          "signal(7): \"A child created via fork(2) inherits a copy of its parent's signal "
          "dispositions.\" \"A child created via fork(2) inherits a copy of its parent's "
          "signal mask\"; fork(2): \"At the time of fork() both memory spaces have the same "
          "content\" (so a handler's flag is copied, and each process then has its own)",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            c.need(os, os.sigaction(Sig::usr2, SigAction::ign()), "ignore SIGUSR2");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1, Sig::term}), "block");
            c.need(os, os.kill(os.getpid(), Sig::usr1), "kill self");
            // Deliver the pending SIGUSR1 now, so the parent's caught flag is set at fork.
            c.observe(os, "parent: sigsuspend: " + show(os.sigsuspend({Sig::term})));
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os, "child: SIGUSR1 caught flag: " + yes_no(os.take_caught(Sig::usr1)));
              c.observe(os, "child: SIGUSR1 disposition: " +
                                show(os.sigaction(Sig::usr1, SigAction::dfl())));
              c.observe(os, "child: SIGUSR2 disposition: " +
                                show(os.sigaction(Sig::usr2, SigAction::dfl())));
              c.observe(os, "child: mask: " + show(os.sigprocmask(SigHow::block, {})));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            c.observe(os, "parent: SIGUSR1 caught flag: " + yes_no(os.take_caught(Sig::usr1)));
          },
      .expected =
          "parent: sigsuspend: EINTR\n"
          "child: SIGUSR1 caught flag: yes\n"
          "child: SIGUSR1 disposition: caught\n"
          "child: SIGUSR2 disposition: SIG_IGN\n"
          "child: mask: {SIGUSR1,SIGTERM}\n"
          "child exited 0\n"
          "parent: SIGUSR1 caught flag: yes\n",
  };
}

Scenario fork_empties_pending_set() {
  return {
      .name = "ForkedChildStartsWithAnEmptyPendingSet",
      .rule =
          "fork(2): \"The child's set of pending signals is initially empty "
          "(sigpending(2)).\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1}), "block SIGUSR1");
            c.observe(os, "parent: kill self SIGUSR1 (blocked): " +
                              show(os.kill(os.getpid(), Sig::usr1)));
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.sigprocmask(SigHow::unblock, {Sig::usr1}), "unblock");
              c.observe(os, "child: caught after unblocking: " + yes_no(os.take_caught(Sig::usr1)));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            c.need(os, os.sigprocmask(SigHow::unblock, {Sig::usr1}), "unblock");
            c.observe(os, "parent: caught after unblocking: " + yes_no(os.take_caught(Sig::usr1)));
          },
      .expected =
          "parent: kill self SIGUSR1 (blocked): ok\n"
          "child: caught after unblocking: no\n"
          "child exited 0\n"
          "parent: caught after unblocking: yes\n",
  };
}

Scenario fork_child_in_parents_group() {
  return {
      .name = "ForkedChildHasItsOwnPidInItsParentsProcessGroup",
      .rule =
          "fork(2): \"The child has its own unique process ID\"; setpgid(2): \"A child "
          "created via fork(2) inherits its parent's process group ID.\"; fork(2) RETURN "
          "VALUE: \"On success, the PID of the child process is returned in the parent\"",
      .body =
          [](Os& os, const Ctx& c) {
            Pid me = os.getpid();
            Pid group = c.need(os, os.getpgid(0), "getpgid");
            Channel report = channel(os, c), go = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os, "child: pid differs from the parent's: " + yes_no(os.getpid() != me));
              c.observe(os, "child: same group as the parent: " +
                                yes_no(os.getpgid(0).value_or(-1) == group));
              c.need(os, write_all(os, report.w, std::to_string(os.getpid())), "report pid");
              c.need(os, os.close(report.w), "close");
              await(os, c, go);
            });
            c.need(os, os.close(report.w), "close");
            std::string reported = read_to_eof(os, report.r);
            c.observe(os, "parent: fork returned the child's pid: " +
                              yes_no(reported == std::to_string(kid)));
            c.observe(os, "parent: getpgid(child) is its own group: " +
                              yes_no(os.getpgid(kid).value_or(-1) == group));
            post(os, c, go);
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "child: pid differs from the parent's: yes\n"
          "child: same group as the parent: yes\n"
          "parent: fork returned the child's pid: yes\n"
          "parent: getpgid(child) is its own group: yes\n"
          "child exited 0\n",
  };
}

Scenario child_close_leaves_parent_open() {
  return {
      .name = "ChildClosingAnInheritedDescriptorLeavesTheParentsOpen",
      .rule =
          "fork(2): \"The child inherits copies of the parent's set of open file "
          "descriptors.\"; close(2): \"If fd is the last file descriptor referring to the "
          "underlying open file description (see open(2)), the resources associated with "
          "the open file description are freed\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", OpenFlags::rdwr | OpenFlags::creat | OpenFlags::trunc);
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os, "child: close: " + show(os.close(fd)));
              c.observe(os, "child: write after close: " + show(os.write(fd, "c")));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            c.observe(os, "parent: write: " + show(os.write(fd, "p")));
            c.observe(os, "file: " + file_text(os, c, "f"));
          },
      .expected =
          "child: close: ok\n"
          "child: write after close: EBADF\n"
          "child exited 0\n"
          "parent: write: 1\n"
          "file: \"p\"\n",
  };
}

Scenario exit_releases_flock() {
  return {
      .name = "ExitClosesDescriptorsAndReleasesTheirFlock",
      .rule =
          "_exit(2): \"Any open file descriptors belonging to the process are closed.\"; "
          "flock(2): \"the lock is released either by an explicit LOCK_UN operation on any "
          "of these duplicate file descriptors, or when all such file descriptors have been "
          "closed.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Channel ready = channel(os, c), finish = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              Fd fd = c.open(os, "lock", OpenFlags::rdwr | OpenFlags::creat);
              c.observe(os, "child: LOCK_EX: " + show(os.flock(fd, {LockOp::ex})));
              post(os, c, ready);
              await(os, c, finish);
              os.exit(0);  // holding the lock: _exit closes the descriptor
            });
            await(os, c, ready);
            Fd mine = c.open(os, "lock", OpenFlags::rdwr);
            c.observe(os, "parent: LOCK_EX|LOCK_NB while the child holds it: " +
                              show(os.flock(mine, {LockOp::ex, true})));
            post(os, c, finish);
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            c.observe(os, "parent: LOCK_EX|LOCK_NB after the child exited: " +
                              show(os.flock(mine, {LockOp::ex, true})));
          },
      .expected =
          "child: LOCK_EX: ok\n"
          "parent: LOCK_EX|LOCK_NB while the child holds it: EAGAIN\n"
          "child exited 0\n"
          "parent: LOCK_EX|LOCK_NB after the child exited: ok\n",
  };
}

Scenario zombie_until_reaped() {
  return {
      .name = "ExitedChildIsAZombieUntilReapedAndItsParentGetsSigchld",
      .rule =
          "wait(2): \"A child that terminates, but has not been waited for becomes a "
          "\"zombie\". The kernel maintains a minimal set of information about the zombie "
          "process (PID, termination status, resource usage information) in order to allow "
          "the parent to later perform a wait\"; _exit(2): \"The process's parent is sent a "
          "SIGCHLD signal.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::chld, SigAction::catch_flag()), "catch SIGCHLD");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::chld}), "block SIGCHLD");
            Pid kid = spawn(os, c, [](Os& os) { os.exit(3); });
            c.observe(os, "sigsuspend: " + show(os.sigsuspend({})));
            c.observe(os, "SIGCHLD caught: " + yes_no(os.take_caught(Sig::chld)));
            c.observe(os, "kill(zombie, SIGUSR1): " + show(os.kill(kid, Sig::usr1)));
            c.observe(os, "waitpid WNOHANG: " + show(os.waitpid(kid, true)));
            c.observe(os, "waitpid again: " + show(os.waitpid(kid, true)));
            c.observe(os, "kill after reaping: " + show(os.kill(kid, Sig::usr1)));
            c.observe(os, "getpgid after reaping: " + ok_or_errno(os.getpgid(kid)));
          },
      .expected =
          "sigsuspend: EINTR\n"
          "SIGCHLD caught: yes\n"
          "kill(zombie, SIGUSR1): ok\n"
          "waitpid WNOHANG: exited 3\n"
          "waitpid again: ECHILD\n"
          "kill after reaping: ESRCH\n"
          "getpgid after reaping: ESRCH\n",
  };
}

Scenario waitpid_wnohang_and_echild() {
  return {
      .name = "WaitpidWnohangReturnsZeroWhileTheChildRunsAndEchildWithoutChildren",
      .rule =
          "wait(2): \"if WNOHANG was specified and one or more child(ren) specified by pid "
          "exist, but have not yet changed state, then 0 is returned.\" \"ECHILD (for "
          "waitpid() or waitid()) The process specified by pid (waitpid()) or idtype and id "
          "(waitid()) does not exist or is not a child of the calling process.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Channel go = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) { await(os, c, go); });
            c.observe(os, "waitpid WNOHANG while the child waits: " + show(os.waitpid(kid, true)));
            post(os, c, go);
            c.observe(os, "waitpid: " + show(os.waitpid(kid, false)));
            c.observe(os, "waitpid(-1, WNOHANG) without children: " + show(os.waitpid(-1, true)));
            c.observe(os, "waitpid(-1) without children: " + show(os.waitpid(-1, false)));
          },
      .expected =
          "waitpid WNOHANG while the child waits: no child has changed state\n"
          "waitpid: exited 0\n"
          "waitpid(-1, WNOHANG) without children: ECHILD\n"
          "waitpid(-1) without children: ECHILD\n",
  };
}

Scenario exit_status_low_byte() {
  return {
      .name = "ParentSeesTheLowEightBitsOfTheExitStatus",
      .rule =
          "_exit(2): \"The value status & 0xFF is returned to the parent process as the "
          "process's exit status, and can be collected by the parent using one of the "
          "wait(2) family of calls.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Pid a = spawn(os, c, [](Os& os) { os.exit(7); });
            c.observe(os, "_exit(7): " + show(os.waitpid(a, false)));
            Pid b = spawn(os, c, [](Os&) {});
            c.observe(os, "body returned: " + show(os.waitpid(b, false)));
            Pid d = spawn(os, c, [](Os& os) { os.exit(256 + 8); });
            c.observe(os, "_exit(264): " + show(os.waitpid(d, false)));
          },
      .expected =
          "_exit(7): exited 7\n"
          "body returned: exited 0\n"
          "_exit(264): exited 8\n",
  };
}

Scenario orphan_not_inherited_by_grandparent() {
  return {
      .name = "OrphanKeepsRunningAndIsNotInheritedByItsGrandparent",
      .rule =
          "_exit(2): \"Any children of the process are inherited by init(1) (or by the "
          "nearest \"subreaper\" process as defined through the use of the prctl(2) "
          "PR_SET_CHILD_SUBREAPER operation).\"",
      .body =
          [](Os& os, const Ctx& c) {
            Channel go = channel(os, c), done = channel(os, c);
            Pid middle = spawn(os, c, [=](Os& os) {
              spawn(os, c, [=](Os& os) {
                await(os, c, go);
                c.observe(os, "grandchild: still running after its parent exited");
                post(os, c, done);
              });
              c.observe(os, "middle: forked the grandchild, exits");
            });
            c.observe(os, "middle " + show(os.waitpid(middle, false)));
            c.observe(os, "root: waitpid(-1, WNOHANG): " + show(os.waitpid(-1, true)));
            post(os, c, go);
            await(os, c, done);
          },
      .expected =
          "middle: forked the grandchild, exits\n"
          "middle exited 0\n"
          "root: waitpid(-1, WNOHANG): ECHILD\n"
          "grandchild: still running after its parent exited\n",
  };
}

Scenario setsid_new_session() {
  return {
      .name = "SetsidMakesTheCallerLeaderOfANewSessionAndGroup",
      .rule =
          "setsid(2): \"The calling process also becomes the process group leader of a new "
          "process group in the session (i.e., its process group ID is made the same as its "
          "process ID).\" \"EPERM ... setsid() fails if the calling process is already a "
          "process group leader.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Pid group = c.need(os, os.getpgid(0), "getpgid");
            Channel ready = channel(os, c), go = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              Result<Pid> sid = os.setsid();
              c.observe(os,
                        "child: setsid returned its pid: " + yes_no(sid && *sid == os.getpid()));
              c.observe(os, "child: its group is its pid: " +
                                yes_no(os.getpgid(0).value_or(-1) == os.getpid()));
              c.observe(os, "child: setsid again: " + ok_or_errno(os.setsid()));
              post(os, c, ready);
              await(os, c, go);
            });
            await(os, c, ready);
            c.observe(os, "parent: getpgid(child) is the child's pid: " +
                              yes_no(os.getpgid(kid).value_or(-1) == kid));
            c.observe(os, "parent: its own group unchanged: " +
                              yes_no(os.getpgid(0).value_or(-1) == group));
            post(os, c, go);
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "child: setsid returned its pid: yes\n"
          "child: its group is its pid: yes\n"
          "child: setsid again: EPERM\n"
          "parent: getpgid(child) is the child's pid: yes\n"
          "parent: its own group unchanged: yes\n"
          "child exited 0\n",
  };
}

Scenario ignoring_sigchld_reaps_children() {
  return {
      .name = "ChildrenOfAProcessIgnoringSigchldAreReapedAutomatically",
      .rule =
          "wait(2): \"if the disposition of SIGCHLD is set to SIG_IGN ... then children "
          "that terminate do not become zombies and a call to wait() or waitpid() will "
          "block until all children have terminated, and then fail with errno set to "
          "ECHILD.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::chld, SigAction::ign()), "ignore SIGCHLD");
            Pid kid = spawn(os, c, [](Os& os) { os.exit(5); });
            c.observe(os, "waitpid(child): " + show(os.waitpid(kid, false)));
          },
      .expected = "waitpid(child): ECHILD\n",
  };
}

Scenario waitpid_interrupted() {
  return {
      .name = "BlockedWaitpidIsInterruptedByACaughtSignalUnlessSaRestart",
      .rule =
          "signal(7): \"If a blocked call to one of the following interfaces is interrupted "
          "by a signal handler, then the call is automatically restarted after the signal "
          "handler returns if the SA_RESTART flag was used; otherwise the call fails with "
          "the error EINTR: ... wait(2), wait3(2), wait4(2), waitid(2), and waitpid(2).\"",
      // Timing: each alarm (100 ms) must find the parent in waitpid; the child is released
      // 400 ms after the second alarm is set.
      .body =
          [](Os& os, const Ctx& c) {
            Channel go = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) { await(os, c, go); });
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
            c.need(os, os.alarm(std::chrono::milliseconds(100)), "alarm");
            c.observe(os, "waitpid, SIGALRM without SA_RESTART: " + show(os.waitpid(kid, false)));
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag(true)), "catch SIGALRM");
            Pid releaser = spawn(os, c, [=](Os& os) {
              c.need(os, os.sleep(std::chrono::milliseconds(400)), "sleep");
              post(os, c, go);
            });
            c.need(os, os.alarm(std::chrono::milliseconds(100)), "alarm");
            c.observe(os, "waitpid, SIGALRM with SA_RESTART: " + show(os.waitpid(kid, false)));
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
            c.observe(os, "releaser " + show(os.waitpid(releaser, false)));
          },
      .expected =
          "waitpid, SIGALRM without SA_RESTART: EINTR\n"
          "SIGALRM caught: yes\n"
          "waitpid, SIGALRM with SA_RESTART: exited 0\n"
          "SIGALRM caught: yes\n"
          "releaser exited 0\n",
      .timed = true,
  };
}

Scenario process_group_outlives_leader() {
  return {
      .name = "ProcessGroupOutlivesItsLeader",
      .rule =
          "credentials(7): \"A process group (sometimes called a \"job\") is a collection of "
          "processes that share the same process group ID\"; kill(2): \"If pid is less than "
          "-1, then sig is sent to every process in the process group whose ID is -pid.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            Channel ready = channel(os, c), turn = channel(os, c), done = channel(os, c);
            Pid leader = spawn(os, c, [=](Os& os) {
              c.need(os, os.setpgid(0, 0), "setpgid");
              c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1}), "block");
              spawn(os, c, [=](Os& os) {
                post(os, c, ready);
                Status r = os.sigsuspend({});
                await(os, c, turn);
                c.observe(os, "member: sigsuspend: " + show(r) +
                                  ", SIGUSR1 caught: " + yes_no(os.take_caught(Sig::usr1)));
                post(os, c, done);
              });
            });  // the leader exits at once, leaving its member behind
            await(os, c, ready);
            c.observe(os, "leader " + show(os.waitpid(leader, false)));
            c.observe(os, "kill(-leader, SIGUSR1): " + show(os.kill(-leader, Sig::usr1)));
            post(os, c, turn);
            await(os, c, done);
          },
      .expected =
          "leader exited 0\n"
          "kill(-leader, SIGUSR1): ok\n"
          "member: sigsuspend: EINTR, SIGUSR1 caught: yes\n",
  };
}

}  // namespace

std::vector<Scenario> process_scenarios() {
  return {fork_inherits_signal_state(),
          fork_empties_pending_set(),
          fork_child_in_parents_group(),
          child_close_leaves_parent_open(),
          exit_releases_flock(),
          zombie_until_reaped(),
          waitpid_wnohang_and_echild(),
          exit_status_low_byte(),
          orphan_not_inherited_by_grandparent(),
          setsid_new_session(),
          ignoring_sigchld_reaps_children(),
          waitpid_interrupted(),
          process_group_outlives_leader()};
}

}  // namespace papaya::conformance
