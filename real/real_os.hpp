// RealOs: the Os seam on Linux. Every member is the syscall its comment in os/os.hpp names, with
// the calling thread's errno mapped to Errno (real/errno_map.hpp) and returned, never thrown.
//
// Choices the seam leaves to the implementation (docs/real.md has the full list):
//  - fork runs the child's body on this same RealOs object and then _exit(0)s: no stdio buffers
//    or atexit handlers of the parent run twice. A body that throws ends the child with status 1.
//  - SigAction::catch_flag installs one trampoline that sets a per-signal atomic flag
//    (real/caught_flags.hpp); `restart` is SA_RESTART. A handler installed by someone else
//    reads back as catch_flag.
//  - pipe() is plain pipe(2) (no O_CLOEXEC), the Os contract's semantics; sockets are opened
//    SOCK_CLOEXEC: exec closes them (the model does the same).
//  - exec re-executes this binary (/proc/self/exe) with an argv naming the registered program;
//    the binary's main() must call run_exec_image (real/exec_image.hpp) first thing.
//  - EINTR is always returned, never retried (sleep, connect, accept, recv, flock, ...): the
//    caller decides, as chat/'s alarm-bounded reads require.
//  - log() writes one line per call, `2024-05-01T12:00:00.123Z papaya[pid] info: text`, to stderr
//    with a single write(2) (so concurrent processes' lines do not interleave), or to syslog(3)
//    when Options::syslog is set.
#pragma once

#include <string>

#include "os/os.hpp"

namespace papaya::real {

class RealOs : public Os {  // not final: real/fiber/ adds goroutines (FiberOs)
 public:
  struct Options {
    bool syslog = false;           // log() to syslog(3) (facility LOG_DAEMON) instead of stderr
    std::string ident = "papaya";  // syslog ident and the stderr prefix's program name
  };

  RealOs();
  explicit RealOs(Options options);
  ~RealOs() override;
  RealOs(const RealOs&) = delete;
  RealOs& operator=(const RealOs&) = delete;

  const Options& options() const { return options_; }

  // ---- processes (real_os_process.cpp) ----
  Result<Pid> fork(std::function<void(Os&)> child, Site = Site::current()) override;
  [[noreturn]] void exit(int code, Site = Site::current()) override;
  Pid getpid(Site = Site::current()) override;
  Result<WaitStatus> waitpid(Pid pid, bool nohang, Site = Site::current()) override;
  Status kill(Pid pid, Sig sig, Site = Site::current()) override;
  Result<Pid> setsid(Site = Site::current()) override;
  Status setpgid(Pid pid, Pid pgid, Site = Site::current()) override;
  Result<Pid> getpgid(Pid pid, Site = Site::current()) override;
  Status exec(std::string_view program, ProgramArgs args, Site = Site::current()) override;
  Pid getppid(Site = Site::current()) override;
  Status set_parent_death_signal(Sig sig, Site = Site::current()) override;

  // ---- signals (real_os_signal.cpp) ----
  Result<SigAction> sigaction(Sig sig, SigAction action, Site = Site::current()) override;
  Result<SigSet> sigprocmask(SigHow how, SigSet set, Site = Site::current()) override;
  Status sigsuspend(SigSet mask, Site = Site::current()) override;
  Status pause(Site = Site::current()) override;
  bool take_caught(Sig sig, Site = Site::current()) override;
  Result<Duration> alarm(Duration after, Site = Site::current()) override;

  // ---- files (real_os_file.cpp) ----
  Result<Fd> open(std::string_view path, OpenFlags flags, unsigned mode = 0600,
                  Site = Site::current()) override;
  Status close(Fd fd, Site = Site::current()) override;
  Result<Fd> dup(Fd fd, Site = Site::current()) override;
  Result<std::pair<Fd, Fd>> pipe(Site = Site::current()) override;
  Result<size_t> read(Fd fd, std::span<char> buf, Site = Site::current()) override;
  Result<size_t> write(Fd fd, std::string_view bytes, Site = Site::current()) override;
  Result<size_t> pread(Fd fd, std::span<char> buf, Offset off, Site = Site::current()) override;
  Result<size_t> pwrite(Fd fd, std::string_view bytes, Offset off, Site = Site::current()) override;
  Result<Offset> lseek(Fd fd, Offset off, Whence whence, Site = Site::current()) override;
  Result<Offset> file_size(Fd fd, Site = Site::current()) override;
  Status flock(Fd fd, FlockArgs args, Site = Site::current()) override;
  Status unlink(std::string_view path, Site = Site::current()) override;
  Status ftruncate(Fd fd, Offset length, Site = Site::current()) override;

  // ---- sockets (real_os_socket.cpp) ----
  Result<Fd> listen(std::string_view host, std::uint16_t port, int backlog,
                    Site = Site::current()) override;
  Result<std::uint16_t> local_port(Fd fd, Site = Site::current()) override;
  Result<Fd> accept(Fd listener, Site = Site::current()) override;
  Result<Fd> connect(std::string_view host, std::uint16_t port, Site = Site::current()) override;
  Result<size_t> recv(Fd fd, std::span<char> buf, Site = Site::current()) override;
  Result<size_t> send(Fd fd, std::string_view bytes, Site = Site::current()) override;
  Status shutdown(Fd fd, ShutHow how, Site = Site::current()) override;

  // ---- time and logging (real_os_time.cpp, real_os_log.cpp) ----
  Duration now(Site = Site::current()) override;
  Status sleep(Duration d, Site = Site::current()) override;
  void log(LogLevel level, std::string_view message, Site = Site::current()) override;

 private:
  Options options_;
};

}  // namespace papaya::real
