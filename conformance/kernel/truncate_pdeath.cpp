// The calls a server needs to heal and to die whole (issue 9): ftruncate(2) to cut a torn line
// back, and prctl(2) PR_SET_PDEATHSIG with getppid(2) so a process ends with its parent.
#include "conformance/kernel/registry.hpp"
#include "os/io.hpp"

namespace papaya::conformance {

namespace {

constexpr OpenFlags kNewAppend =
    OpenFlags::rdwr | OpenFlags::creat | OpenFlags::trunc | OpenFlags::append;

// file_text with each newline shown as \n, so an observation stays one line.
std::string lines_text(Os& os, const Ctx& c, std::string_view name) {
  std::string out;
  for (char ch : file_text(os, c, name))
    out += ch == '\n' ? std::string("\\n") : std::string(1, ch);
  return out;
}

Scenario ftruncate_cuts_and_extends() {
  return {
      .name = "FtruncateCutsBackToALengthAndAppendsContinueFromThere",
      .rule =
          "truncate(2): \"cause the regular file ... referenced by fd to be truncated to a size "
          "of precisely length bytes. If the file previously was larger than this size, the "
          "extra data is lost. If the file previously was shorter, it is extended, and the "
          "extended part reads as null bytes ('\\0').\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNewAppend);
            c.need(os, write_all(os, fd, "whole\nhalf a li"), "write");
            c.observe(os, "ftruncate to 6: " + show(os.ftruncate(fd, 6)));
            c.observe(os, "size: " + show(os.file_size(fd)));
            c.observe(os, "append: " + show(os.write(fd, "next\n")));
            c.observe(os, "file: " + lines_text(os, c, "f"));
            c.observe(os, "ftruncate to 13: " + show(os.ftruncate(fd, 13)));
            c.observe(os, "size: " + show(os.file_size(fd)));
          },
      .expected =
          "ftruncate to 6: ok\n"
          "size: 6\n"
          "append: 5\n"
          "file: \"whole\\nnext\\n\"\n"
          "ftruncate to 13: ok\n"
          "size: 13\n",
  };
}

Scenario ftruncate_errors() {
  return {
      .name = "FtruncateRefusesANegativeLengthAReadOnlyDescriptorAndAPipe",
      .rule =
          "truncate(2): \"EINVAL The argument length is negative\" \"With ftruncate(), the file "
          "must be open for writing\" (Linux: EINVAL) \"EINVAL ... fd does not reference a "
          "regular file\"",
      .body =
          [](Os& os, const Ctx& c) {
            Fd fd = c.open(os, "f", kNewAppend);
            c.need(os, write_all(os, fd, "data\n"), "write");
            c.observe(os, "negative: " + show(os.ftruncate(fd, -1)));
            Fd ro = c.open(os, "f", OpenFlags::rdonly);
            c.observe(os, "read-only: " + show(os.ftruncate(ro, 0)));
            auto [r, w] = c.need(os, os.pipe(), "pipe");
            c.observe(os, "pipe: " + show(os.ftruncate(w, 0)));
            (void)r;
            c.observe(os, "file: " + lines_text(os, c, "f"));
          },
      .expected =
          "negative: EINVAL\n"
          "read-only: EINVAL\n"
          "pipe: EINVAL\n"
          "file: \"data\\n\"\n",
  };
}

Scenario parent_death_signal() {
  return {
      .name = "ParentDeathSignalReachesTheChildWhenItsParentExits",
      .rule =
          "prctl(2): \"PR_SET_PDEATHSIG ... Set the parent-death signal of the calling process "
          "to arg2 ... This is the signal that the calling process will get when its parent "
          "dies.\" getppid(2): \"if that process has already terminated, the ID of the process "
          "to which this process has been reparented\"",
      .body =
          [](Os& os, const Ctx& c) {
            Channel ready = channel(os, c), done = channel(os, c);
            Pid middle = spawn(os, c, [=](Os& os) {
              const Pid me = os.getpid();
              (void)spawn(os, c, [=](Os& os) {
                c.need(os, os.sigprocmask(SigHow::block, SigSet{Sig::usr1}), "block");
                c.need(os, os.sigaction(Sig::usr1, SigAction::catch_flag()), "catch");
                c.observe(os, "set: " + show(os.set_parent_death_signal(Sig::usr1)));
                c.observe(os, "parent is the middle: " + yes_no(os.getppid() == me));
                post(os, c, ready);
                (void)os.sigsuspend(SigSet{});
                c.observe(os, "caught SIGUSR1: " + yes_no(os.take_caught(Sig::usr1)));
                c.observe(os, "parent is the middle: " + yes_no(os.getppid() == me));
                post(os, c, done);
              });
              await(os, c, ready);
              // Exits without reaping the child: the child is reparented, and signalled.
            });
            const std::string middle_end = show(os.waitpid(middle, false));
            await(os, c, done);
            c.observe(os, "middle " + middle_end);
          },
      .expected =
          "set: ok\n"
          "parent is the middle: yes\n"
          "caught SIGUSR1: yes\n"
          "parent is the middle: no\n"
          "middle exited 0\n",
  };
}

Scenario parent_death_signal_not_inherited() {
  return {
      .name = "ParentDeathSignalIsNotInheritedAcrossFork",
      .rule =
          "fork(2): \"The child's parent death signal ... is reset\" (prctl(2) PR_SET_PDEATHSIG: "
          "\"The parent-death signal setting is cleared for the child of a fork(2).\")",
      .body =
          [](Os& os, const Ctx& c) {
            Channel ready = channel(os, c), done = channel(os, c), go = channel(os, c);
            // The middle asks for SIGTERM at its parent's death; its child, forked after, does
            // not inherit that: when the middle exits, the grandchild lives on.
            Pid middle = spawn(os, c, [=](Os& os) {
              c.need(os, os.set_parent_death_signal(Sig::term), "pdeathsig");
              (void)spawn(os, c, [=](Os& os) {
                post(os, c, ready);
                await(os, c, go);
                c.observe(os, "grandchild alive after its parent exited");
                post(os, c, done);
              });
              await(os, c, ready);
            });
            c.observe(os, "middle " + show(os.waitpid(middle, false)));
            post(os, c, go);
            await(os, c, done);
          },
      .expected =
          "middle exited 0\n"
          "grandchild alive after its parent exited\n",
  };
}

}  // namespace

std::vector<Scenario> truncate_pdeath_scenarios() {
  return {ftruncate_cuts_and_extends(), ftruncate_errors(), parent_death_signal(),
          parent_death_signal_not_inherited()};
}

}  // namespace papaya::conformance
