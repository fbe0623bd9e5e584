// Time: sleep lasts at least its duration, shorter sleeps and alarms wake first, an alarm
// replaces the previous one and reports what was left of it, alarm(0) cancels.
// Ordering by time needs margins on Linux (200 ms or more here); in the sim, virtual time makes
// the order exact.
#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Scenario sleep_lasts_its_duration() {
  return {
      .name = "SleepLastsAtLeastItsDurationOnAMonotonicClock",
      .rule =
          "nanosleep(2): \"nanosleep() suspends the execution of the calling thread until "
          "either at least the time specified in *req has elapsed, or the delivery of a "
          "signal that triggers the invocation of a handler in the calling thread or that "
          "terminates the process.\"",
      .body =
          [](Os& os, const Ctx& c) {
            Duration t0 = os.now();
            c.observe(os, "sleep 50 ms: " + show(os.sleep(milliseconds(50))));
            Duration t1 = os.now();
            c.observe(os, "at least 50 ms passed: " + yes_no(t1 - t0 >= milliseconds(50)));
            c.observe(os, "the clock never goes back: " + yes_no(os.now() >= t1));
          },
      .expected =
          "sleep 50 ms: ok\n"
          "at least 50 ms passed: yes\n"
          "the clock never goes back: yes\n",
  };
}

Scenario shorter_sleep_wakes_first() {
  return {
      .name = "ShorterSleepWakesFirst",
      .rule =
          "nanosleep(2): \"suspends the execution of the calling thread until either at "
          "least the time specified in *req has elapsed\" (two sleepers started together "
          "wake in the order of their durations)",
      // Timing: 100 ms and 400 ms.
      .body =
          [](Os& os, const Ctx& c) {
            auto [r, w] = c.need(os, os.pipe(), "pipe");
            Pid slow = spawn(os, c, [=](Os& os) {
              c.need(os, os.sleep(milliseconds(400)), "sleep");
              c.need(os, write_all(os, w, "S"), "write");
            });
            Pid fast = spawn(os, c, [=](Os& os) {
              c.need(os, os.sleep(milliseconds(100)), "sleep");
              c.need(os, write_all(os, w, "F"), "write");
            });
            c.need(os, os.close(w), "close");
            c.observe(os, "wake-up order (F = 100 ms, S = 400 ms): " + read_to_eof(os, r));
            c.observe(os, "slow " + show(os.waitpid(slow, false)));
            c.observe(os, "fast " + show(os.waitpid(fast, false)));
          },
      .expected =
          "wake-up order (F = 100 ms, S = 400 ms): FS\n"
          "slow exited 0\n"
          "fast exited 0\n",
      .timed = true,
  };
}

Scenario alarm_before_longer_sleep() {
  return {
      .name = "AlarmFiresBeforeALongerSleepInAnotherProcessEnds",
      .rule =
          "alarm(2): \"alarm() arranges for a SIGALRM signal to be delivered to the calling "
          "process in seconds seconds.\"; nanosleep(2): \"at least the time specified in "
          "*req\"",
      // Timing: the alarm at 100 ms, the sleeper wakes at 400 ms.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::alrm}), "block");
            Pid sleeper = spawn(os, c, [=](Os& os) {
              c.need(os, os.sleep(milliseconds(400)), "sleep");
              c.observe(os, "sleeper: woke after 400 ms");
            });
            c.need(os, os.alarm(milliseconds(100)), "alarm");
            Status s = os.sigsuspend({});
            c.observe(os, "root: sigsuspend " + show(s) +
                              ", SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
            c.observe(os, "sleeper " + show(os.waitpid(sleeper, false)));
          },
      .expected =
          "root: sigsuspend EINTR, SIGALRM caught: yes\n"
          "sleeper: woke after 400 ms\n"
          "sleeper exited 0\n",
      .timed = true,
  };
}

Scenario alarm_replaces_and_cancels() {
  return {
      .name = "AlarmReplacesThePreviousOneReturnsWhatWasLeftAndZeroCancels",
      .rule =
          "alarm(2): \"If seconds is zero, any pending alarm is canceled. In any event any "
          "previously set alarm() is canceled.\" \"alarm() returns the number of seconds "
          "remaining until any previously scheduled alarm was due to be delivered, or zero "
          "if there was no previously scheduled alarm.\"",
      // Timing: the 10 s alarm must still have more than 9 s left a moment later; the cancelled
      // 50 ms alarm would have fired within the 200 ms sleep.
      .body =
          [](Os& os, const Ctx& c) {
            c.need(os, os.sigaction(Sig::alrm, SigAction::catch_flag()), "catch SIGALRM");
            c.need(os, os.sigprocmask(SigHow::block, {Sig::alrm}), "block");
            c.observe(os, "alarm(10 s) returns: " + show(os.alarm(seconds(10))));
            Duration t0 = os.now();
            Result<Duration> left = os.alarm(milliseconds(100));
            c.observe(os, "alarm(100 ms) returns between 9 and 10 s: " +
                              yes_no(left && *left > seconds(9) && *left <= seconds(10)));
            c.observe(os, "sigsuspend: " + show(os.sigsuspend({})));
            Duration waited = os.now() - t0;
            c.observe(os, "SIGALRM caught after 100 ms, long before 10 s: " +
                              yes_no(os.take_caught(Sig::alrm) && waited >= milliseconds(100) &&
                                     waited < seconds(5)));
            c.observe(os, "alarm(0) once it fired returns: " + show(os.alarm(Duration(0))));
            c.need(os, os.alarm(milliseconds(50)), "alarm 50 ms");
            left = os.alarm(Duration(0));
            c.observe(os, "alarm(0) cancels it, returning 0 to 50 ms: " +
                              yes_no(left && *left > Duration(0) && *left <= milliseconds(50)));
            c.observe(os, "sleep 200 ms: " + show(os.sleep(milliseconds(200))));
            c.need(os, os.sigprocmask(SigHow::unblock, {Sig::alrm}), "unblock");
            c.observe(os, "SIGALRM caught: " + yes_no(os.take_caught(Sig::alrm)));
          },
      .expected =
          "alarm(10 s) returns: 0 ns\n"
          "alarm(100 ms) returns between 9 and 10 s: yes\n"
          "sigsuspend: EINTR\n"
          "SIGALRM caught after 100 ms, long before 10 s: yes\n"
          "alarm(0) once it fired returns: 0 ns\n"
          "alarm(0) cancels it, returning 0 to 50 ms: yes\n"
          "sleep 200 ms: ok\n"
          "SIGALRM caught: no\n",
      .timed = true,
  };
}

}  // namespace

std::vector<Scenario> time_scenarios() {
  return {sleep_lasts_its_duration(), shorter_sleep_wakes_first(), alarm_before_longer_sleep(),
          alarm_replaces_and_cancels()};
}

}  // namespace papaya::conformance
