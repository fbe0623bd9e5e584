// Waiting and interruption: what wakes a process blocked in read, sleep, pause or sigsuspend,
// EINTR against SA_RESTART, the atomic mask swap of sigsuspend, alarm's SIGALRM.
#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

using std::chrono::milliseconds;

Scenario read_interrupted_eintr() {
  return {
      .name = "BlockedPipeReadIsInterruptedByACaughtSignalWithEintr",
      .rule =
          "signal(7): \"If a blocked call to one of the following interfaces is interrupted "
          "by a signal handler, then the call is automatically restarted after the signal "
          "handler returns if the SA_RESTART flag was used; otherwise the call fails with "
          "the error EINTR: read(2) ... on \"slow\" devices.\"; pipe(7): \"If a process "
          "attempts to read from an empty pipe, then read(2) will block until data is "
          "available.\"",
      // Timing: the alarm (100 ms) must find the process blocked in read, entered microseconds
      // after arming it.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
            auto [r, w] = c.need(os, os.pipe(), "pipe");
            (void)w;  // stays open: the read would block for ever without the signal
            c.need(os, os.alarm(milliseconds(100)), "alarm");
            c.observe(os, "read from an empty pipe: " + show(read_some(os, r, 8)));
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
          },
      .expected =
          "read from an empty pipe: EINTR\n"
          "SIGALRM caught: yes\n",
      .timed = true,
  };
}

Scenario sa_restart_restarts_read() {
  return {
      .name = "SaRestartRestartsAnInterruptedPipeRead",
      .rule =
          "signal(7): \"If a blocked call to one of the following interfaces is interrupted "
          "by a signal handler, then the call is automatically restarted after the signal "
          "handler returns if the SA_RESTART flag was used\" (read(2) on a pipe)",
      // Timing: the alarm fires 100 ms into the read; the writer writes after 400 ms.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag(true)), "catch SIGALRM");
            auto [r, w] = c.need(os, os.pipe(), "pipe");
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.sleep(milliseconds(400)), "sleep");
              c.need(os, write_all(os, w, "x"), "write");
            });
            c.need(os, os.alarm(milliseconds(100)), "alarm");
            c.observe(os, "read: " + show(read_some(os, r, 8)));
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
            c.observe(os, "writer " + show(os.waitpid(kid, false)));
          },
      .expected =
          "read: \"x\"\n"
          "SIGALRM caught: yes\n"
          "writer exited 0\n",
      .timed = true,
  };
}

Scenario sleep_not_restarted() {
  return {
      .name = "SleepIsInterruptedEvenWithSaRestart",
      .rule =
          "signal(7): \"The following interfaces are never restarted after being interrupted "
          "by a signal handler, regardless of the use of SA_RESTART; they always fail with "
          "the error EINTR when interrupted by a signal handler: ... Sleep interfaces: "
          "clock_nanosleep(2), nanosleep(2), and usleep(3).\"",
      // Timing: the alarm (100 ms) must find the process in its 2 s sleep.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag(true)), "catch SIGALRM");
            Duration t0 = os.now();
            c.need(os, os.alarm(milliseconds(100)), "alarm");
            c.observe(os, "sleep 2 s: " + show(os.sleep(std::chrono::seconds(2))));
            c.observe(os, "woke before 2 s: " + yes_no(os.now() - t0 < std::chrono::seconds(2)));
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
          },
      .expected =
          "sleep 2 s: EINTR\n"
          "woke before 2 s: yes\n"
          "SIGALRM caught: yes\n",
      .timed = true,
  };
}

Scenario pause_waits_for_next_signal() {
  return {
      .name = "PauseReturnsEintrOnlyForASignalCaughtWhileItWaits",
      .rule =
          "pause(2): \"pause() causes the calling process (or thread) to sleep until a "
          "signal is delivered that either terminates the process or causes the invocation "
          "of a signal-catching function.\" \"pause() returns only when a signal was caught "
          "and the signal-catching function returned. In this case, pause() returns -1, and "
          "errno is set to EINTR.\"",
      // The SIGUSR1 caught before pause() does not end it (the lost wake-up of a flag + pause
      // loop); the alarm does. Timing: the alarm (100 ms) must find the process in pause.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag(true)), "catch SIGALRM");
            c.observe(os, "kill self SIGUSR1: " + show(os.kill(os.getpid(), Sig::usr1)));
            Duration t0 = os.now();
            c.need(os, os.alarm(milliseconds(100)), "alarm");
            c.observe(os, "pause (SA_RESTART on SIGALRM): " + show(os.pause()));
            c.observe(
                os, "pause lasted until the alarm: " + yes_no(os.now() - t0 >= milliseconds(100)));
            c.observe(os, "SIGUSR1 caught (before pause): " + yes_no(os.take_caught(Sig::usr1)));
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
          },
      .expected =
          "kill self SIGUSR1: ok\n"
          "pause (SA_RESTART on SIGALRM): EINTR\n"
          "pause lasted until the alarm: yes\n"
          "SIGUSR1 caught (before pause): yes\n"
          "SIGALRM caught: yes\n",
      .timed = true,
  };
}

Scenario sigsuspend_no_lost_wakeup() {
  return {
      .name = "SigsuspendCatchesASignalThatArrivedWhileBlockedAndRestoresTheMask",
      .rule =
          "sigsuspend(2): \"sigsuspend() temporarily replaces the signal mask of the calling "
          "thread with the mask given by mask and then suspends the thread until delivery "
          "of a signal whose action is to invoke a signal handler or to terminate a "
          "process.\" \"If the signal is caught, then sigsuspend() returns after the signal "
          "handler returns, and the signal mask is restored to the state before the call to "
          "sigsuspend().\"",
      // The signal comes before sigsuspend is called: blocked, it waits as pending, and the
      // atomic mask swap delivers it. No timing involved: the sender has exited.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1}), "block");
            Pid me = os.getpid();
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os, "child: kill parent SIGUSR1: " + show(os.kill(me, Sig::usr1)));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            c.observe(os, "sigsuspend({}): " + show(os.sigsuspend({})));
            c.observe(os, "SIGUSR1 caught: " + yes_no(os.take_caught(Sig::usr1)));
            c.observe(os, "mask after sigsuspend: " + show(os.sigprocmask(SigHow::block, {})));
          },
      .expected =
          "child: kill parent SIGUSR1: ok\n"
          "child exited 0\n"
          "sigsuspend({}): EINTR\n"
          "SIGUSR1 caught: yes\n"
          "mask after sigsuspend: {SIGUSR1}\n",
  };
}

Scenario sigsuspend_mask_keeps_blocked() {
  return {
      .name = "SigsuspendLeavesSignalsInItsMaskPending",
      .rule =
          "sigsuspend(2): \"sigsuspend() temporarily replaces the signal mask of the calling "
          "thread with the mask given by mask and then suspends the thread until delivery "
          "of a signal whose action is to invoke a signal handler\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
            c.need(os, os.sigaction(Sig::usr2, SigAction::catch_flag()), "catch SIGUSR2");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::usr1, Sig::usr2}), "block");
            Pid me = os.getpid();
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.kill(me, Sig::usr1), "kill SIGUSR1");
              c.need(os, os.kill(me, Sig::usr2), "kill SIGUSR2");
            });
            c.observe(os, "child (sent SIGUSR1, SIGUSR2) " + show(os.waitpid(kid, false)));
            c.observe(os, "sigsuspend({SIGUSR1}): " + show(os.sigsuspend({Sig::usr1})));
            c.observe(os, "SIGUSR2 caught: " + yes_no(os.take_caught(Sig::usr2)));
            c.observe(os, "SIGUSR1 caught: " + yes_no(os.take_caught(Sig::usr1)));
            c.observe(os, "mask after: " + show(os.sigprocmask(SigHow::unblock, {Sig::usr1})));
            c.observe(os, "SIGUSR1 caught after unblocking: " + yes_no(os.take_caught(Sig::usr1)));
          },
      .expected =
          "child (sent SIGUSR1, SIGUSR2) exited 0\n"
          "sigsuspend({SIGUSR1}): EINTR\n"
          "SIGUSR2 caught: yes\n"
          "SIGUSR1 caught: no\n"
          "mask after: {SIGUSR1,SIGUSR2}\n"
          "SIGUSR1 caught after unblocking: yes\n",
  };
}

Scenario alarm_default_terminates() {
  return {
      .name = "AlarmSendsSigalrmWhoseDefaultActionTerminates",
      .rule =
          "alarm(2): \"alarm() arranges for a SIGALRM signal to be delivered to the calling "
          "process in seconds seconds.\"; signal(7): \"SIGALRM P1990 Term Timer signal from "
          "alarm(2)\"",
      .body =
          [](Os& os, const Ctx& c) {
            Channel never = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.alarm(milliseconds(50)), "alarm");
              await(os, c, never);
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected = "child killed by SIGALRM\n",
  };
}

Scenario fork_does_not_inherit_alarm() {
  return {
      .name = "ForkedChildDoesNotInheritItsParentsAlarm",
      .rule =
          "fork(2): \"The child does not inherit timers from its parent (setitimer(2), "
          "alarm(2), timer_create(2)).\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::alrm}), "block");
            c.observe(os, "parent: alarm(200 ms) returns: " + show(os.alarm(milliseconds(200))));
            Pid kid = spawn(os, c, [=](Os& os) {
              c.observe(os, "child: alarm(0) returns: " + show(os.alarm(Duration(0))));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
            c.observe(os, "parent: sigsuspend: " + show(os.sigsuspend({})));
            c.observe(os, "parent: SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
          },
      .expected =
          "parent: alarm(200 ms) returns: 0 ns\n"
          "child: alarm(0) returns: 0 ns\n"
          "child exited 0\n"
          "parent: sigsuspend: EINTR\n"
          "parent: SIGALRM caught: yes\n",
  };
}

Scenario pause_sleeps_through_ignored() {
  return {
      .name = "PauseSleepsThroughSignalsThatAreIgnored",
      .rule =
          "pause(2): \"pause() causes the calling process (or thread) to sleep until a "
          "signal is delivered that either terminates the process or causes the invocation "
          "of a signal-catching function.\"; signal(7): \"SIGCHLD P1990 Ign Child stopped "
          "or terminated\"",
      // The child's SIGUSR1 (SIG_IGN) and SIGCHLD (default: ignore) wake nobody; the alarm does.
      // Timing: the alarm (200 ms) must find the parent in pause.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::usr1, SigAction::ign()), "ignore SIGUSR1");
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
            Pid me = os.getpid();
            Duration t0 = os.now();
            c.need(os, os.alarm(milliseconds(200)), "alarm");
            Pid kid = c.need(
                os, os.fork([=](Os& os) { c.need(os, os.kill(me, Sig::usr1), "kill parent"); }),
                "fork");
            c.observe(os, "pause: " + show(os.pause()));
            c.observe(os, "slept until the alarm: " + yes_no(os.now() - t0 >= milliseconds(200)));
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
            c.observe(os, "child (sent SIGUSR1, then exited) " + show(os.waitpid(kid, false)));
          },
      .expected =
          "pause: EINTR\n"
          "slept until the alarm: yes\n"
          "SIGALRM caught: yes\n"
          "child (sent SIGUSR1, then exited) exited 0\n",
      .timed = true,
  };
}

}  // namespace

std::vector<Scenario> waiting_scenarios() {
  return {
      read_interrupted_eintr(),      sa_restart_restarts_read(),    sleep_not_restarted(),
      pause_waits_for_next_signal(), sigsuspend_no_lost_wakeup(),   sigsuspend_mask_keeps_blocked(),
      alarm_default_terminates(),    fork_does_not_inherit_alarm(), pause_sleeps_through_ignored()};
}

}  // namespace papaya::conformance
