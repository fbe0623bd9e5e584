#include "sim/sim_os.hpp"

#include <stdexcept>

#include "model/limits.hpp"
#include "sim/executor.hpp"
#include "sim/process_exit.hpp"

namespace papaya::sim {

namespace op = model::op;
using model::Outcome;

namespace {
Status status_of(const Outcome& o) { return o.err == Errno::ok ? Status{} : Status{o.err}; }

template <class T>
Result<T> value_of(const Outcome& o) {
  if (o.err != Errno::ok) return o.err;
  return static_cast<T>(o.ret);
}
}  // namespace

Result<Pid> SimOs::fork(std::function<void(Os&)> child, Site site) {
  if (exec_.is_go(pid_)) throw std::logic_error("a goroutine program does not fork");
  exec_.hand_over_fork_body(pid_, std::move(child));
  return value_of<Pid>(exec_.call(pid_, gid_, op::Fork{}, site));
}

// On success the executor unwinds this image's stack and starts `program` on the same fiber:
// exec_.call does not return.
Status SimOs::exec(std::string_view program, ProgramArgs args, Site site) {
  if (exec_.is_go(pid_)) throw std::logic_error("a goroutine program does not exec");
  Program main = find_program(program);
  if (main != nullptr)
    exec_.hand_over_exec_image(pid_, [main, args = std::move(args)](Os& os) { main(os, args); });
  return status_of(exec_.call(pid_, gid_, op::Exec{program, main != nullptr}, site));
}

// The unwind starts in this frame (end_process_stack is inline): one frame fewer to walk than
// from inside Executor::call (docs/performance.md, "Wave 9").
void SimOs::exit(int code, Site site) {
  exec_.call_to_exit(pid_, gid_, op::Exit{code}, site);
  end_process_stack();
}

Pid SimOs::getpid(Site site) {
  return static_cast<Pid>(exec_.call(pid_, gid_, op::Getpid{}, site).ret);
}

Result<WaitStatus> SimOs::waitpid(Pid pid, bool nohang, Site site) {
  const Outcome& o = exec_.call(pid_, gid_, op::Waitpid{pid, nohang}, site);
  if (o.err != Errno::ok) return o.err;
  return o.wait;
}

Status SimOs::kill(Pid pid, Sig sig, Site site) {
  return status_of(exec_.call(pid_, gid_, op::Kill{pid, sig}, site));
}
Result<Pid> SimOs::setsid(Site site) {
  return value_of<Pid>(exec_.call(pid_, gid_, op::Setsid{}, site));
}
Status SimOs::setpgid(Pid pid, Pid pgid, Site site) {
  return status_of(exec_.call(pid_, gid_, op::Setpgid{pid, pgid}, site));
}
Result<Pid> SimOs::getpgid(Pid pid, Site site) {
  return value_of<Pid>(exec_.call(pid_, gid_, op::Getpgid{pid}, site));
}

Result<SigAction> SimOs::sigaction(Sig sig, SigAction action, Site site) {
  const Outcome& o = exec_.call(pid_, gid_, op::Sigaction{sig, action}, site);
  if (o.err != Errno::ok) return o.err;
  return SigAction{static_cast<SigAction::Kind>(o.ret), o.ret2 != 0};
}

Result<SigSet> SimOs::sigprocmask(SigHow how, SigSet set, Site site) {
  const Outcome& o = exec_.call(pid_, gid_, op::Sigprocmask{how, set}, site);
  if (o.err != Errno::ok) return o.err;
  return SigSet::from_bits(static_cast<std::uint64_t>(o.ret));
}

Status SimOs::sigsuspend(SigSet mask, Site site) {
  return status_of(exec_.call(pid_, gid_, op::Sigsuspend{mask}, site));
}
Status SimOs::pause(Site site) { return status_of(exec_.call(pid_, gid_, op::Pause{}, site)); }
bool SimOs::take_caught(Sig sig, Site site) {
  return exec_.call(pid_, gid_, op::TakeCaught{sig}, site).ret != 0;
}

Result<Duration> SimOs::alarm(Duration after, Site site) {
  const Outcome& o = exec_.call(pid_, gid_, op::Alarm{after}, site);
  if (o.err != Errno::ok) return o.err;
  return Duration{o.ret};
}

Result<Fd> SimOs::open(std::string_view path, OpenFlags flags, unsigned mode, Site site) {
  return value_of<Fd>(exec_.call(pid_, gid_, op::Open{path, flags, mode}, site));
}
Status SimOs::close(Fd fd, Site site) {
  return status_of(exec_.call(pid_, gid_, op::Close{fd}, site));
}
Result<Fd> SimOs::dup(Fd fd, Site site) {
  return value_of<Fd>(exec_.call(pid_, gid_, op::Dup{fd}, site));
}

Result<std::pair<Fd, Fd>> SimOs::pipe(Site site) {
  const Outcome& o = exec_.call(pid_, gid_, op::Pipe{}, site);
  if (o.err != Errno::ok) return o.err;
  return std::pair<Fd, Fd>{static_cast<Fd>(o.ret), static_cast<Fd>(o.ret2)};
}

Result<size_t> SimOs::read(Fd fd, std::span<char> buf, Site site) {
  return value_of<size_t>(exec_.call(pid_, gid_, op::Read{fd, buf}, site));
}
Result<size_t> SimOs::write(Fd fd, std::string_view bytes, Site site) {
  return value_of<size_t>(exec_.call(pid_, gid_, op::Write{fd, bytes}, site));
}
Result<size_t> SimOs::pread(Fd fd, std::span<char> buf, Offset off, Site site) {
  return value_of<size_t>(exec_.call(pid_, gid_, op::Pread{fd, buf, off}, site));
}
Result<size_t> SimOs::pwrite(Fd fd, std::string_view bytes, Offset off, Site site) {
  return value_of<size_t>(exec_.call(pid_, gid_, op::Pwrite{fd, bytes, off}, site));
}
Result<Offset> SimOs::lseek(Fd fd, Offset off, Whence whence, Site site) {
  return value_of<Offset>(exec_.call(pid_, gid_, op::Lseek{fd, off, whence}, site));
}
Result<Offset> SimOs::file_size(Fd fd, Site site) {
  return value_of<Offset>(exec_.call(pid_, gid_, op::FileSize{fd}, site));
}
Status SimOs::flock(Fd fd, FlockArgs args, Site site) {
  return status_of(exec_.call(pid_, gid_, op::Flock{fd, args}, site));
}
Status SimOs::unlink(std::string_view path, Site site) {
  return status_of(exec_.call(pid_, gid_, op::Unlink{path}, site));
}
Status SimOs::ftruncate(Fd fd, Offset length, Site site) {
  return status_of(exec_.call(pid_, gid_, op::Ftruncate{fd, length}, site));
}
Pid SimOs::getppid(Site site) {
  return static_cast<Pid>(exec_.call(pid_, gid_, op::Getppid{}, site).ret);
}
Status SimOs::set_parent_death_signal(Sig sig, Site site) {
  return status_of(exec_.call(pid_, gid_, op::SetPdeathsig{sig}, site));
}

Result<Fd> SimOs::listen(std::string_view host, std::uint16_t port, int backlog, Site site) {
  return value_of<Fd>(exec_.call(pid_, gid_, op::Listen{host, port, backlog}, site));
}
Result<std::uint16_t> SimOs::local_port(Fd fd, Site site) {
  return value_of<std::uint16_t>(exec_.call(pid_, gid_, op::LocalPort{fd}, site));
}
Result<Fd> SimOs::accept(Fd listener, Site site) {
  return value_of<Fd>(exec_.call(pid_, gid_, op::Accept{listener}, site));
}
Result<Fd> SimOs::connect(std::string_view host, std::uint16_t port, Site site) {
  return value_of<Fd>(exec_.call(pid_, gid_, op::Connect{host, port}, site));
}
Result<size_t> SimOs::recv(Fd fd, std::span<char> buf, Site site) {
  return value_of<size_t>(exec_.call(pid_, gid_, op::Recv{fd, buf}, site));
}
Result<size_t> SimOs::send(Fd fd, std::string_view bytes, Site site) {
  return value_of<size_t>(exec_.call(pid_, gid_, op::Send{fd, bytes}, site));
}
Status SimOs::shutdown(Fd fd, ShutHow how, Site site) {
  return status_of(exec_.call(pid_, gid_, op::Shutdown{fd, how}, site));
}

// On a goroutine, time.Now reads the clock without a system call (the vDSO): no step.
Duration SimOs::now(Site site) {
  if (exec_.is_go(pid_)) return exec_.clock();
  return Duration{exec_.call(pid_, gid_, op::Now{}, site).ret};
}
// On a goroutine, time.Sleep: a timer parks only the goroutine.
Status SimOs::sleep(Duration d, Site site) {
  if (exec_.is_go(pid_)) {
    exec_.go_sleep(pid_, gid_, d, site);
    return {};
  }
  return status_of(exec_.call(pid_, gid_, op::Sleep{d}, site));
}

void SimOs::log(LogLevel level, std::string_view message, Site site) {
  if (message.size() > model::limits::log_message)
    message = message.substr(0, model::limits::log_message);
  exec_.call(pid_, gid_, op::Log{level, message}, site);
}

}  // namespace papaya::sim
