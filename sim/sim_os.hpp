// SimOs: the Os of one simulated process. Each call builds the operation as data (model::Op),
// hands it to the executor with its call site and waits (its fiber suspended) until the scheduler
// has stepped it; then it turns the kernel's Outcome into the Os answer. One SimOs per process, and
// one per goroutine of a Go program; it knows its pid and goroutine id (0: the process's first
// thread, which is the main goroutine once the process made a goroutine call).
#pragma once

#include "os/os.hpp"

namespace papaya::sim {

class Executor;

class SimOs final : public Os {
 public:
  SimOs(Executor& exec, Pid pid, std::uint32_t gid = 0) : exec_(exec), pid_(pid), gid_(gid) {}

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

  Result<SigAction> sigaction(Sig sig, SigAction action, Site = Site::current()) override;
  Result<SigSet> sigprocmask(SigHow how, SigSet set, Site = Site::current()) override;
  Status sigsuspend(SigSet mask, Site = Site::current()) override;
  Status pause(Site = Site::current()) override;
  bool take_caught(Sig sig, Site = Site::current()) override;
  Result<Duration> alarm(Duration after, Site = Site::current()) override;

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

  Result<Fd> listen(std::string_view host, std::uint16_t port, int backlog,
                    Site = Site::current()) override;
  Result<std::uint16_t> local_port(Fd fd, Site = Site::current()) override;
  Result<Fd> accept(Fd listener, Site = Site::current()) override;
  Result<Fd> connect(std::string_view host, std::uint16_t port, Site = Site::current()) override;
  Result<size_t> recv(Fd fd, std::span<char> buf, Site = Site::current()) override;
  Result<size_t> send(Fd fd, std::string_view bytes, Site = Site::current()) override;
  Status shutdown(Fd fd, ShutHow how, Site = Site::current()) override;

  Duration now(Site = Site::current()) override;
  Status sleep(Duration d, Site = Site::current()) override;
  void log(LogLevel level, std::string_view message, Site = Site::current()) override;

  void go(std::function<void(Os&)> body, Site = Site::current()) override;
  void gosched(Site = Site::current()) override;
  GoMutex new_mutex(Site = Site::current()) override;
  void lock(GoMutex m, Site = Site::current()) override;
  void unlock(GoMutex m, Site = Site::current()) override;
  bool try_lock(GoMutex m, Site = Site::current()) override;
  GoRWMutex new_rwmutex(Site = Site::current()) override;
  void rlock(GoRWMutex rw, Site = Site::current()) override;
  void runlock(GoRWMutex rw, Site = Site::current()) override;
  void lock(GoRWMutex rw, Site = Site::current()) override;
  void unlock(GoRWMutex rw, Site = Site::current()) override;
  GoCond new_cond(GoMutex m, Site = Site::current()) override;
  void wait(GoCond c, Site = Site::current()) override;
  void signal(GoCond c, Site = Site::current()) override;
  void broadcast(GoCond c, Site = Site::current()) override;
  GoChan new_chan(std::size_t capacity, Site = Site::current()) override;
  void chan_send(GoChan ch, std::int64_t v, Site = Site::current()) override;
  GoReceived chan_recv(GoChan ch, Site = Site::current()) override;
  void chan_close(GoChan ch, Site = Site::current()) override;
  GoSelected select(std::span<const GoCase> cases, bool with_default,
                    Site = Site::current()) override;
  GoChan signal_notify(SigSet sigs, Site = Site::current()) override;

 private:
  // The relay goroutine of signal_notify (Go's signal_recv loop): never returns.
  [[noreturn]] void relay_signals(SigSet sigs, GoChan ch);

  Executor& exec_;
  Pid pid_;
  std::uint32_t gid_;
};

}  // namespace papaya::sim
