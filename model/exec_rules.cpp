// execve(2) rules: a new program image in the same process. What changes and what stays is one
// function each; the program itself (an entry point registered by name, os/programs.hpp) is the
// executor's business: the kernel only decides whether the call succeeds and what the process
// keeps.
#include "model/check.hpp"
#include "model/kernel.hpp"

namespace papaya::model {

// execve(2): "execve() does not return on success, and the text, initialized data, uninitialized
// data (bss), and stack of the calling process are overwritten according to the contents of the
// newly loaded program." "ENOENT The file pathname ... does not exist." "All process attributes
// are preserved during an execve(), except the following:" (the two functions below; the caught
// flags are process memory, overwritten with the rest). Kept: pid, parent, process group and
// session; the signal mask ("The process's signal mask is preserved" -- signal(7): "the signal
// mask is preserved across execve(2)"); the pending signals (signal(7): "the pending signal set is
// preserved across an execve(2)"); the alarm (alarm(2): "Alarms created by alarm() are preserved
// across execve(2)"); the descriptors without close-on-exec, with their open file descriptions,
// offsets and flock locks.
Outcome Kernel::sys(Process& p, const op::Exec& o) {
  if (!o.found) return Outcome::error(Errno::enoent);
  PAPAYA_ASSERT(!p.progress.active && !p.flock_wait.active, "exec in the middle of a call");
  exec_reset_caught_signals(p);
  exec_close_cloexec_descriptors(p);
  p.caught = SigSet{};
  p.saved_mask.reset();
  return Outcome::value(0);
}

// execve(2): "The dispositions of any signals that are being caught are reset to the default
// (signal(7))." signal(7): "During an execve(2), the dispositions of handled signals are reset to
// the default; the dispositions of ignored signals are left unchanged."
void Kernel::exec_reset_caught_signals(Process& p) {
  for (SigAction& a : p.actions)
    if (a.kind == SigAction::Kind::catch_flag) a = SigAction::dfl();
}

// execve(2): "By default, file descriptors remain open across an execve(). File descriptors that
// are marked close-on-exec are closed; see the description of FD_CLOEXEC in fcntl(2)." Closing
// the last descriptor of a description releases its flock lock (close_fd).
void Kernel::exec_close_cloexec_descriptors(Process& p) {
  for (std::size_t fd = 0; fd < p.cloexec.size() && fd < p.fds.size(); ++fd)
    if (p.cloexec[fd] != 0 && p.fds[fd] != 0) close_fd(p, static_cast<Fd>(fd));
}

}  // namespace papaya::model
