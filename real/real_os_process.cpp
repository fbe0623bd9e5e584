// RealOs: processes. fork(2), _exit(2), waitpid(2), kill(2), setsid(2), setpgid(2), getpgid(2),
// getppid(2), prctl(2) PR_SET_PDEATHSIG.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "real/errno_map.hpp"
#include "real/exec_image.hpp"
#include "real/real_os.hpp"
#include "real/signal_map.hpp"

namespace papaya::real {

namespace {
// A child body that throws has no caller to catch it: say so on stderr (one write(2), no stdio
// buffers) and end the child with status 1.
void report_escaped_exception(const char* what) {
  const char prefix[] = "papaya: exception escaped a forked child's body: ";
  [[maybe_unused]] ssize_t n = ::write(2, prefix, sizeof prefix - 1);
  n = ::write(2, what, std::strlen(what));
  n = ::write(2, "\n", 1);
}
}  // namespace

Result<Pid> RealOs::fork(std::function<void(Os&)> child, Site) {
  // fork(2): "The child process is created with a single thread" and a copy of the parent's
  // memory, fd table (sharing open file descriptions), dispositions and mask; pending signals
  // are empty. That is the Os contract as is.
  pid_t pid = ::fork();
  if (pid < 0) return last_errno();
  if (pid > 0) return Pid{pid};
  int code = 0;
  try {
    child(*this);
  } catch (const std::exception& e) {
    report_escaped_exception(e.what());
    code = 1;
  } catch (...) {
    report_escaped_exception("(not a std::exception)");
    code = 1;
  }
  // _exit(2), not exit(3): the parent's stdio buffers and atexit handlers must not run twice.
  ::_exit(code);
}

// execve(2) of this very binary, whose main() hands the argv to run_exec_image (exec_image.hpp):
// the kernel's own rules decide what survives. ENOENT without a syscall when the program is not
// registered (the new image would have no such entry point either).
Status RealOs::exec(std::string_view program, ProgramArgs args, Site) {
  if (find_program(program) == nullptr) return Errno::enoent;
  std::vector<std::string> words = {"papaya-exec", kExecImageFlag, std::string(program)};
  for (std::string& a : args) words.push_back(std::move(a));
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  return last_errno();
}

void RealOs::exit(int code, Site) { ::_exit(code); }

Pid RealOs::getpid(Site) { return ::getpid(); }

Result<WaitStatus> RealOs::waitpid(Pid pid, bool nohang, Site) {
  int status = 0;
  pid_t r = ::waitpid(pid, &status, nohang ? WNOHANG : 0);
  if (r < 0) return last_errno();
  WaitStatus ws;
  ws.pid = r;  // waitpid(2): 0 with WNOHANG when no child has changed state yet
  if (r == 0) return ws;
  if (WIFEXITED(status)) {
    ws.exited = true;
    ws.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    ws.signaled = true;
    // A signal papaya has no name for (SIGSEGV, SIGABRT, ...) keeps its Linux number: Sig has a
    // fixed underlying type, so the value is representable, and sig_name() prints "SIG?".
    ws.term_sig = from_signo(WTERMSIG(status)).value_or(static_cast<Sig>(WTERMSIG(status)));
  }
  return ws;
}

Status RealOs::kill(Pid pid, Sig sig, Site) {
  if (::kill(pid, to_signo(sig)) < 0) return last_errno();
  return {};
}

Result<Pid> RealOs::setsid(Site) {
  pid_t sid = ::setsid();
  if (sid < 0) return last_errno();
  return Pid{sid};
}

Status RealOs::setpgid(Pid pid, Pid pgid, Site) {
  if (::setpgid(pid, pgid) < 0) return last_errno();
  return {};
}

Result<Pid> RealOs::getpgid(Pid pid, Site) {
  pid_t pgid = ::getpgid(pid);
  if (pgid < 0) return last_errno();
  return Pid{pgid};
}

Pid RealOs::getppid(Site) { return ::getppid(); }

Status RealOs::set_parent_death_signal(Sig sig, Site) {
  if (::prctl(PR_SET_PDEATHSIG, static_cast<unsigned long>(to_signo(sig))) < 0) return last_errno();
  return {};
}

}  // namespace papaya::real
