// Signals: default actions, SIG_IGN, caught flags, the mask and the pending set, coalescing,
// kill to a pid / to 0 / to -pgid, SIGKILL. (Waiting for signals and interrupted calls:
// waiting.cpp.)
#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

using std::chrono::milliseconds;

Scenario default_action_terminates() {
  return {
      .name = "DefaultActionOfSigusr1SigtermAndSighupTerminates",
      .rule =
          "signal(7): \"Term Default action is to terminate the process.\" (SIGHUP, SIGTERM, "
          "SIGUSR1: Term)",
      .body =
          [](Os& os, const Ctx& c) {
            Channel never = channel(os, c);
            for (Sig sig : {Sig::usr1, Sig::term, Sig::hup}) {
              Pid kid = spawn(os, c, [=](Os& os) { await(os, c, never); });
              std::string name(sig_name(sig));
              c.observe(os, "kill " + name + ": " + show(os.kill(kid, sig)));
              c.observe(os, "child " + show(os.waitpid(kid, false)));
            }
          },
      .expected =
          "kill SIGUSR1: ok\n"
          "child killed by SIGUSR1\n"
          "kill SIGTERM: ok\n"
          "child killed by SIGTERM\n"
          "kill SIGHUP: ok\n"
          "child killed by SIGHUP\n",
  };
}

Scenario sigchld_default_ignored() {
  return {
      .name = "DefaultActionOfSigchldIsToIgnoreIt",
      .rule = "signal(7): \"Ign Default action is to ignore the signal.\" (SIGCHLD: Ign)",
      .body =
          [](Os& os, const Ctx& c) {
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os, "child: kill self SIGCHLD: " + show(os.kill(os.getpid(), Sig::chld)));
              c.observe(os, "child: still running");
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "child: kill self SIGCHLD: ok\n"
          "child: still running\n"
          "child exited 0\n",
  };
}

Scenario ignored_signal_discarded() {
  return {
      .name = "IgnoredSignalIsDiscarded",
      .rule =
          "sigaction(2): \"SIG_IGN to ignore this signal.\" (an ignored signal that is not "
          "blocked is discarded: a handler installed later never sees it)",
      .body =
          [](Os& os, const Ctx& c) {
            Channel ready = channel(os, c), sent = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.sigaction(Sig::usr1, SigAction::ign()), "ignore SIGUSR1");
              post(os, c, ready);
              await(os, c, sent);
              c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
              c.need(os, os.sigprocmask(SigHow::unblock, {Sig::usr1}), "unblock");
              c.observe(os, "child: caught after catching it again: " +
                                yes_no(os.take_caught(Sig::usr1)));
            });
            await(os, c, ready);
            c.observe(os,
                      "kill SIGUSR1 to the child ignoring it: " + show(os.kill(kid, Sig::usr1)));
            post(os, c, sent);
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "kill SIGUSR1 to the child ignoring it: ok\n"
          "child: caught after catching it again: no\n"
          "child exited 0\n",
  };
}

Scenario sig_ign_discards_pending() {
  return {
      .name = "SettingSigIgnDiscardsAPendingSignal",
      .rule =
          "POSIX.1-2017 Signal Concepts: \"Setting a signal action to SIG_IGN for a signal "
          "that is pending shall cause the pending signal to be discarded, whether or not "
          "it is blocked.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1}), "block");
            c.observe(os, "kill self (blocked): " + show(os.kill(os.getpid(), Sig::usr1)));
            c.observe(os,
                      "set SIG_IGN, previous: " + show(os.sigaction(Sig::usr1, SigAction::ign())));
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch again");
            c.need(os, os.sigprocmask(SigHow::unblock, {Sig::usr1}), "unblock");
            c.observe(os, "caught after unblocking: " + yes_no(os.take_caught(Sig::usr1)));
          },
      .expected =
          "kill self (blocked): ok\n"
          "set SIG_IGN, previous: caught\n"
          "caught after unblocking: no\n",
  };
}

Scenario blocked_ignored_stays_pending() {
  return {
      .name = "BlockedSignalStaysPendingEvenWhileIgnoredOnLinux",
      .rule =
          "POSIX.1-2017 Signal Concepts: \"If the action associated with a blocked signal is "
          "to ignore the signal and if that signal is generated for the process, it is "
          "unspecified whether the signal is discarded immediately upon generation or "
          "remains pending.\" Linux keeps it (kernel/signal.c, sig_ignored: \"Blocked "
          "signals are never ignored, since the signal handler may change by the time it is "
          "unblocked.\")",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::ign()), "ignore SIGUSR1");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1}), "block");
            c.observe(os,
                      "kill self (ignored and blocked): " + show(os.kill(os.getpid(), Sig::usr1)));
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            c.need(os, os.sigprocmask(SigHow::unblock, {Sig::usr1}), "unblock");
            c.observe(os,
                      "caught after catching and unblocking: " + yes_no(os.take_caught(Sig::usr1)));
          },
      .expected =
          "kill self (ignored and blocked): ok\n"
          "caught after catching and unblocking: yes\n",
  };
}

Scenario kill_self_delivered_before_return() {
  return {
      .name = "SignalSentToSelfIsCaughtBeforeKillReturns",
      .rule =
          "POSIX.1-2017 kill(): \"If the value of pid causes sig to be generated for the "
          "sending process, and if sig is not blocked for the calling thread ... either sig "
          "or at least one pending unblocked signal shall be delivered to the sending "
          "thread before kill() returns.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            c.observe(os, "kill self: " + show(os.kill(os.getpid(), Sig::usr1)));
            c.observe(os, "caught right after kill returned: " + yes_no(os.take_caught(Sig::usr1)));
            c.observe(os,
                      "caught again (take clears the flag): " + yes_no(os.take_caught(Sig::usr1)));
          },
      .expected =
          "kill self: ok\n"
          "caught right after kill returned: yes\n"
          "caught again (take clears the flag): no\n",
  };
}

Scenario blocked_signal_pending_until_unblocked() {
  return {
      .name = "BlockedSignalStaysPendingUntilUnblocked",
      .rule =
          "signal(7): \"A signal may be blocked, which means that it will not be delivered "
          "until it is later unblocked. Between the time when it is generated and when it is "
          "delivered a signal is said to be pending.\"; POSIX.1-2017 sigprocmask(): \"If "
          "there are any pending unblocked signals after the call to sigprocmask(), at least "
          "one of those signals shall be delivered before the call to sigprocmask() "
          "returns.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Channel ready = channel(os, c), sent = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
              c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1}), "block");
              post(os, c, ready);
              await(os, c, sent);
              c.observe(os, "child: caught while blocked: " + yes_no(os.take_caught(Sig::usr1)));
              c.need(os, os.sigprocmask(SigHow::unblock, {Sig::usr1}), "unblock");
              c.observe(os, "child: caught after unblocking: " + yes_no(os.take_caught(Sig::usr1)));
            });
            await(os, c, ready);
            c.observe(os, "kill SIGUSR1: " + show(os.kill(kid, Sig::usr1)));
            post(os, c, sent);
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "kill SIGUSR1: ok\n"
          "child: caught while blocked: no\n"
          "child: caught after unblocking: yes\n"
          "child exited 0\n",
  };
}

Scenario standard_signals_coalesce() {
  return {
      .name = "FiveSigusr1SentWhileBlockedAreCaughtOnce",
      .rule =
          "signal(7): \"Standard signals do not queue. If multiple instances of a standard "
          "signal are generated while that signal is blocked, then only one instance of the "
          "signal is marked as pending (and the signal will be delivered just once when it "
          "is unblocked).\"",
      // A flag cannot count deliveries that happen at once, so the child shows that after one
      // delivery nothing is left pending: a second sigsuspend waits until the alarm.
      .body =
          [](Os& os, const Ctx& c) {
            Channel ready = channel(os, c), sent = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
              c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
              c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1, Sig::alrm}), "block");
              post(os, c, ready);
              await(os, c, sent);
              c.observe(os, "child: sigsuspend: " + show(os.sigsuspend({})));
              c.observe(os, "child: SIGUSR1 caught: " + yes_no(os.take_caught(Sig::usr1)));
              c.need(os, os.alarm(milliseconds(100)), "alarm");
              c.observe(os, "child: sigsuspend again: " + show(os.sigsuspend({})));
              c.observe(os, "child: SIGUSR1 caught again: " + yes_no(os.take_caught(Sig::usr1)));
              c.observe(os, "child: SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
            });
            await(os, c, ready);
            std::string results;
            for (int i = 0; i < 5; ++i) results += " " + show(os.kill(kid, Sig::usr1));
            c.observe(os, "kill SIGUSR1 five times:" + results);
            post(os, c, sent);
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "kill SIGUSR1 five times: ok ok ok ok ok\n"
          "child: sigsuspend: EINTR\n"
          "child: SIGUSR1 caught: yes\n"
          "child: sigsuspend again: EINTR\n"
          "child: SIGUSR1 caught again: no\n"
          "child: SIGALRM caught: yes\n"
          "child exited 0\n",
  };
}

// A child that blocks SIGUSR1, says it is ready, waits for it with sigsuspend, and reports when
// told to (so reports come in a fixed order).
struct Waiter {
  Channel ready, turn, done;
};

void wait_for_usr1_and_report(Os& os, const Ctx& c, const Waiter& w, const std::string& who) {
  c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1}), "block");
  post(os, c, w.ready);
  Status r = os.sigsuspend({});
  await(os, c, w.turn);
  c.observe(os, who + ": sigsuspend: " + show(r) +
                    ", SIGUSR1 caught: " + yes_no(os.take_caught(Sig::usr1)));
  post(os, c, w.done);
}

Waiter make_waiter(Os& os, const Ctx& c) {
  return {channel(os, c), channel(os, c), channel(os, c)};
}

void let_report(Os& os, const Ctx& c, const Waiter& w) {
  post(os, c, w.turn);
  await(os, c, w.done);
}

Scenario kill_zero_hits_own_group() {
  return {
      .name = "KillToZeroSignalsTheCallersWholeGroupIncludingItself",
      .rule =
          "kill(2): \"If pid equals 0, then sig is sent to every process in the process "
          "group of the calling process.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            Waiter a = make_waiter(os, c), b = make_waiter(os, c);
            Pid ka = spawn(os, c, [=](Os& os) { wait_for_usr1_and_report(os, c, a, "A"); });
            Pid kb = spawn(os, c, [=](Os& os) { wait_for_usr1_and_report(os, c, b, "B"); });
            await(os, c, a.ready);
            await(os, c, b.ready);
            c.observe(os, "root: kill(0, SIGUSR1): " + show(os.kill(0, Sig::usr1)));
            c.observe(os, "root: caught its own signal: " + yes_no(os.take_caught(Sig::usr1)));
            let_report(os, c, a);
            let_report(os, c, b);
            c.observe(os, "A " + show(os.waitpid(ka, false)));
            c.observe(os, "B " + show(os.waitpid(kb, false)));
          },
      .expected =
          "root: kill(0, SIGUSR1): ok\n"
          "root: caught its own signal: yes\n"
          "A: sigsuspend: EINTR, SIGUSR1 caught: yes\n"
          "B: sigsuspend: EINTR, SIGUSR1 caught: yes\n"
          "A exited 0\n"
          "B exited 0\n",
  };
}

Scenario kill_negative_pgid_hits_that_group() {
  return {
      .name = "KillToMinusPgidSignalsEveryProcessOfThatGroupAndNoOther",
      .rule =
          "kill(2): \"If pid is less than -1, then sig is sent to every process in the "
          "process group whose ID is -pid.\"; setpgid(2): \"If pgid is zero, then the PGID "
          "of the process specified by pid is made the same as its process ID.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            Waiter a = make_waiter(os, c), a2 = make_waiter(os, c);
            Channel b_ready = channel(os, c), b_turn = channel(os, c), b_done = channel(os, c);
            Pid ka = spawn(os, c, [=](Os& os) {
              c.need(os, os.setpgid(0, 0), "setpgid");
              c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1}), "block");
              Pid k2 = spawn(
                  os, c, [=](Os& os) { wait_for_usr1_and_report(os, c, a2, "A2 (in A's group)"); });
              wait_for_usr1_and_report(os, c, a, "A (leads its group)");
              c.need(os, os.waitpid(k2, false), "reap A2");
            });
            Pid kb = spawn(os, c, [=](Os& os) {
              post(os, c, b_ready);
              await(os, c, b_turn);
              c.observe(os,
                        "B (root's group): SIGUSR1 caught: " + yes_no(os.take_caught(Sig::usr1)));
              post(os, c, b_done);
            });
            await(os, c, a.ready);
            await(os, c, a2.ready);
            await(os, c, b_ready);
            c.observe(os,
                      "root: getpgid(A) is A's pid: " + yes_no(os.getpgid(ka).value_or(-1) == ka));
            c.observe(os, "root: kill(-A, SIGUSR1): " + show(os.kill(-ka, Sig::usr1)));
            c.observe(os, "root: caught: " + yes_no(os.take_caught(Sig::usr1)));
            let_report(os, c, a);
            let_report(os, c, a2);
            post(os, c, b_turn);
            await(os, c, b_done);
            c.observe(os, "A " + show(os.waitpid(ka, false)));
            c.observe(os, "B " + show(os.waitpid(kb, false)));
            c.observe(os, "root: kill(-A, SIGUSR1) once the group is gone: " +
                              show(os.kill(-ka, Sig::usr1)));
          },
      .expected =
          "root: getpgid(A) is A's pid: yes\n"
          "root: kill(-A, SIGUSR1): ok\n"
          "root: caught: no\n"
          "A (leads its group): sigsuspend: EINTR, SIGUSR1 caught: yes\n"
          "A2 (in A's group): sigsuspend: EINTR, SIGUSR1 caught: yes\n"
          "B (root's group): SIGUSR1 caught: no\n"
          "A exited 0\n"
          "B exited 0\n"
          "root: kill(-A, SIGUSR1) once the group is gone: ESRCH\n",
  };
}

Scenario sigkill_unstoppable() {
  return {
      .name = "SigkillCannotBeCaughtIgnoredOrBlocked",
      .rule =
          "signal(7): \"The signals SIGKILL and SIGSTOP cannot be caught, blocked, or "
          "ignored.\"; sigaction(2): EINVAL \"if an attempt is made to change the action for "
          "SIGKILL or SIGSTOP\"; sigprocmask(2): \"It is not possible to block SIGKILL or "
          "SIGSTOP. Attempts to do so are silently ignored.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.observe(os,
                      "catch SIGKILL: " + show(os.sigaction(Sig::kill, SigAction::catch_flag())));
            c.observe(os, "ignore SIGKILL: " + show(os.sigaction(Sig::kill, SigAction::ign())));
            c.observe(os, "block {SIGKILL,SIGUSR1}: " +
                              ok_or_errno(os.sigprocmask(SigHow::block, {Sig::kill, Sig::usr1})));
            c.observe(os, "mask now: " + show(os.sigprocmask(SigHow::block, {})));
            Channel ready = channel(os, c), never = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              SigSet all;
              for (Sig s : all_signals) all.add(s);
              c.need(os, os.sigprocmask(SigHow::setmask, all), "block everything");
              post(os, c, ready);
              await(os, c, never);
            });
            await(os, c, ready);
            c.observe(os, "kill SIGKILL to a child blocking everything: " +
                              show(os.kill(kid, Sig::kill)));
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "catch SIGKILL: EINVAL\n"
          "ignore SIGKILL: EINVAL\n"
          "block {SIGKILL,SIGUSR1}: ok\n"
          "mask now: {SIGUSR1}\n"
          "kill SIGKILL to a child blocking everything: ok\n"
          "child killed by SIGKILL\n",
  };
}

}  // namespace

std::vector<Scenario> signal_scenarios() {
  return {
      default_action_terminates(),
      sigchld_default_ignored(),
      ignored_signal_discarded(),
      sig_ign_discards_pending(),
      blocked_ignored_stays_pending(),
      kill_self_delivered_before_return(),
      blocked_signal_pending_until_unblocked(),
      standard_signals_coalesce(),
      kill_zero_hits_own_group(),
      kill_negative_pgid_hits_that_group(),
      sigkill_unstoppable(),
  };
}

}  // namespace papaya::conformance
