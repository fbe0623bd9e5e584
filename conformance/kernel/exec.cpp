// execve(2): a new program image in the same process. Simulated processes share one address
// space, so a program is an entry point registered by name (os/programs.hpp); on Linux RealOs
// really execve(2)s this test binary, whose main() starts the named entry point, so the kernel's
// own rules decide what survives. Each program gets the scratch directory as its first argument.
#include <charconv>

#include "conformance/kernel/flock_args.hpp"
#include "conformance/kernel/registry.hpp"

namespace papaya::conformance {

namespace {

int number(const std::string& s) {
  int v = -1;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The new image of ExecResetsCaughtSignalsAndKeepsIgnoredMaskPendingAndAlarm.
void report_signal_state(Os& os, const ProgramArgs& args) {
  Ctx c(args.at(0));
  c.observe(os, "new image: SIGUSR1 (was caught) is " + show(os.sigaction(Sig::usr1, {})));
  c.observe(os, "new image: SIGUSR2 (was ignored) is " + show(os.sigaction(Sig::usr2, {})));
  c.observe(os, "new image: its SIGUSR1 caught flag: " + yes_no(os.take_caught(Sig::usr1)));
  c.observe(os, "new image: blocked mask " + show(os.sigprocmask(SigHow::block, SigSet{})));
  Result<Duration> left = os.alarm(Duration{0});
  c.observe(os, "new image: alarm still pending: " + yes_no(left && left->count() > 0));
  c.need(os, os.sigaction(Sig::int_, SigAction::catch_flag()), "catch SIGINT");
  c.need(os, os.sigprocmask(SigHow::unblock, SigSet{Sig::int_}), "unblock SIGINT");
  c.observe(os, "new image: the pending SIGINT arrived: " + yes_no(os.take_caught(Sig::int_)));
}
const bool signal_state_registered =
    register_program("conformance-exec-signal-state", report_signal_state);

Scenario exec_signal_state() {
  return {
      .name = "ExecResetsCaughtSignalsAndKeepsIgnoredMaskPendingAndAlarm",
      .rule =
          "execve(2): \"The dispositions of any signals that are being caught are reset to the "
          "default\"; signal(7): \"the dispositions of ignored signals are left unchanged\", "
          "\"the signal mask is preserved across execve(2)\", \"the pending signal set is "
          "preserved across an execve(2)\"; alarm(2): \"Alarms created by alarm() are preserved "
          "across execve(2)\".",
      .body =
          [](Os& os, const Ctx& c) {
            Pid kid = spawn(os, c, [=](Os& os) {
              c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch SIGUSR1");
              c.need(os, os.sigaction(Sig::usr2, SigAction::ign()), "ignore SIGUSR2");
              c.need(os, os.kill(os.getpid(), Sig::usr1), "raise SIGUSR1");  // sets the flag
              c.need(os, os.sigprocmask(SigHow::block, SigSet{Sig::int_}), "block SIGINT");
              c.need(os, os.kill(os.getpid(), Sig::int_), "raise SIGINT");  // stays pending
              c.need(os, os.alarm(std::chrono::seconds(30)), "alarm");
              Status s = os.exec("conformance-exec-signal-state", {c.dir()});
              c.observe(os, "old image: exec returned " + show(s));
            });
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "new image: SIGUSR1 (was caught) is SIG_DFL\n"
          "new image: SIGUSR2 (was ignored) is SIG_IGN\n"
          "new image: its SIGUSR1 caught flag: no\n"
          "new image: blocked mask {SIGINT}\n"
          "new image: alarm still pending: yes\n"
          "new image: the pending SIGINT arrived: yes\n"
          "child exited 0\n",
  };
}

// The new image of ExecKeepsDescriptorsAndTheirLocksButClosesCloseOnExecOnes: args are the
// scratch directory, the kept descriptor, the close-on-exec one, the write end of the channel
// it posts on and the read end of the one it waits on.
void report_descriptors(Os& os, const ProgramArgs& args) {
  Ctx c(args.at(0));
  Fd kept = number(args.at(1));
  Fd dropped = number(args.at(2));
  Channel ready{-1, number(args.at(3))};
  Channel done{number(args.at(4)), -1};
  c.observe(os, "new image: the plain descriptor: " + ok_or_errno(os.file_size(kept)));
  c.observe(os, "new image: the O_CLOEXEC descriptor: " + ok_or_errno(os.file_size(dropped)));
  c.observe(os, "new image: its offset: " + show(os.lseek(kept, 0, Whence::cur)));
  post(os, c, ready);
  await(os, c, done);  // the parent looks at the locks meanwhile
}
const bool descriptors_registered =
    register_program("conformance-exec-descriptors", report_descriptors);

Scenario exec_descriptors() {
  return {
      .name = "ExecKeepsDescriptorsAndTheirLocksButClosesCloseOnExecOnes",
      .rule =
          "execve(2): \"By default, file descriptors remain open across an execve(). File "
          "descriptors that are marked close-on-exec are closed\"; open(2): \"O_CLOEXEC Enable "
          "the close-on-exec flag for the new file descriptor.\" flock(2): the lock is released "
          "\"when all such file descriptors have been closed\".",
      .body =
          [](Os& os, const Ctx& c) {
            Channel ready = channel(os, c);
            Channel done = channel(os, c);
            Pid kid = spawn(os, c, [=](Os& os) {
              Fd kept = c.open(os, "kept", kRw);
              Fd dropped = c.open(os, "dropped", kRw | OpenFlags::cloexec);
              c.need(os, os.flock(kept, kEx), "LOCK_EX");
              c.need(os, os.flock(dropped, kEx), "LOCK_EX");
              c.need(os, os.write(kept, "abc"), "write");
              Status s = os.exec("conformance-exec-descriptors",
                                 {c.dir(), std::to_string(kept), std::to_string(dropped),
                                  std::to_string(ready.w), std::to_string(done.r)});
              c.observe(os, "old image: exec returned " + show(s));
            });
            await(os, c, ready);
            Fd k = c.open(os, "kept", kRw);
            Fd d = c.open(os, "dropped", kRw);
            c.observe(os, "kept file LOCK_EX|LOCK_NB: " + show(os.flock(k, kExNb)));
            c.observe(os, "close-on-exec file LOCK_EX|LOCK_NB: " + show(os.flock(d, kExNb)));
            post(os, c, done);
            c.observe(os, "child " + show(os.waitpid(kid, false)));
          },
      .expected =
          "new image: the plain descriptor: ok\n"
          "new image: the O_CLOEXEC descriptor: EBADF\n"
          "new image: its offset: 3\n"
          "kept file LOCK_EX|LOCK_NB: EAGAIN\n"
          "close-on-exec file LOCK_EX|LOCK_NB: ok\n"
          "child exited 0\n",
  };
}

Scenario exec_unknown_program() {
  return {
      .name = "ExecOfAMissingProgramFailsWithEnoentAndTheCallerGoesOn",
      .rule =
          "execve(2): \"execve() does not return on success\" \"ENOENT The file pathname ... "
          "does not exist.\"",
      .body =
          [](Os& os, const Ctx& c) {
            c.observe(os, "exec: " + show(os.exec("conformance-no-such-program", {c.dir()})));
            c.observe(os, "still here");
          },
      .expected =
          "exec: ENOENT\n"
          "still here\n",
  };
}

// papayaChat's termination helper: exec'd from the server's SIGTERM handler, it signals the
// server's process group and dies with it. SIGUSR1 (the server ignores it) stays ignored across
// the exec, so the notifications of the group cannot kill it; SIGTERM, caught by the old image,
// is back to the default. The old image exec'd with SIGTERM blocked (a handler runs with its own
// signal blocked, and here the server waits in sigsuspend with it blocked), and the mask survives
// the exec: the helper's own kill(0, SIGTERM) stays pending until it unblocks it.
void termination_helper(Os& os, const ProgramArgs& args) {
  Ctx c(args.at(0));
  c.observe(os, "helper: SIGUSR1 is " + show(os.sigaction(Sig::usr1, SigAction::ign())));
  c.observe(os, "helper: SIGTERM is " + show(os.sigaction(Sig::term, SigAction::dfl())));
  c.observe(os, "helper: blocked on entry " + show(os.sigprocmask(SigHow::block, SigSet{})));
  c.observe(os, "helper: kill(0, SIGUSR1): " + show(os.kill(0, Sig::usr1)) + ", still running");
  c.observe(os, "helper: kill(0, SIGTERM): " + show(os.kill(0, Sig::term)) + ", still running");
  c.need(os, os.sigprocmask(SigHow::unblock, SigSet{Sig::term}), "unblock SIGTERM");
  c.observe(os, "helper: survived its own SIGTERM");  // not reached on either world
}
const bool helper_registered =
    register_program("conformance-termination-helper", termination_helper);

Scenario papayachat_sigterm_path() {
  return {
      .name = "PapayaChatsSigtermHandlerExecsAHelperThatKillsTheGroup",
      .rule =
          "execve(2): \"The dispositions of any signals that are being caught are reset to the "
          "default\"; signal(7): \"the dispositions of ignored signals are left unchanged\", "
          "\"the signal mask is preserved across execve(2)\"; kill(2): \"If pid equals 0, then "
          "sig is sent to every process in the process group of the calling process.\" (the "
          "original papayaChat's SIGTERM path)",
      // The server waits with sigsuspend, SIGTERM blocked outside it: a flag test followed by
      // pause() would lose a SIGTERM landing between the two (the lost-wakeup lab's race, which
      // the sim found here at seed 58 of 300).
      .body =
          [](Os& os, const Ctx& c) {
            Channel ready = channel(os, c);
            Pid server = spawn(os, c, [=](Os& os) {
              c.need(os, os.setpgid(0, 0), "setpgid");
              c.need(os, os.sigaction(Sig::usr1, SigAction::ign()), "ignore SIGUSR1");
              c.need(os, os.sigaction(Sig::term, SigAction::catch_flag()), "catch SIGTERM");
              c.need(os, os.sigprocmask(SigHow::block, SigSet{Sig::term}), "block SIGTERM");
              post(os, c, ready);
              while (!os.take_caught(Sig::term)) (void)os.sigsuspend(SigSet{});
              Status s = os.exec("conformance-termination-helper", {c.dir()});
              c.observe(os, "server: exec returned " + show(s));
            });
            await(os, c, ready);
            Pid member = spawn(os, c, [=](Os& os) {
              c.need(os, os.setpgid(0, server), "join the server's group");
              c.need(os, os.sigaction(Sig::usr1, SigAction::ign()), "ignore SIGUSR1");
              post(os, c, ready);
              for (;;) (void)os.pause();
            });
            await(os, c, ready);
            c.need(os, os.kill(server, Sig::term), "SIGTERM to the server");
            c.observe(os, "server " + show(os.waitpid(server, false)));
            c.observe(os, "group member " + show(os.waitpid(member, false)));
          },
      .expected =
          "helper: SIGUSR1 is SIG_IGN\n"
          "helper: SIGTERM is SIG_DFL\n"
          "helper: blocked on entry {SIGTERM}\n"
          "helper: kill(0, SIGUSR1): ok, still running\n"
          "helper: kill(0, SIGTERM): ok, still running\n"
          "server killed by SIGTERM\n"
          "group member killed by SIGTERM\n",
  };
}

}  // namespace

std::vector<Scenario> exec_scenarios() {
  return {exec_signal_state(), exec_descriptors(), exec_unknown_program(),
          papayachat_sigterm_path()};
}

}  // namespace papaya::conformance
