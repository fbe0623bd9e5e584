// Operations as data. `Op` is the pending operation of a simulated process: one struct per Os
// call, known before it runs, so the executor (and later a DPOR explorer) can see its kind and
// what it touches (Kernel::footprint) before choosing who steps next.
//
// An Op refers to the caller's buffers (string_view, span): it is a request, valid while the call
// is pending (the calling fiber is suspended, its buffers untouched), never stored past it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "os/types.hpp"

namespace papaya::model {

namespace op {
struct Fork {};
struct Exit {
  int code = 0;
};
struct Getpid {};
struct Waitpid {
  Pid pid = -1;
  bool nohang = false;
};
struct Kill {
  Pid pid = 0;
  Sig sig = Sig::term;
};
struct Setsid {};
struct Setpgid {
  Pid pid = 0;
  Pid pgid = 0;
};
struct Getpgid {
  Pid pid = 0;
};
struct Sigaction {
  Sig sig = Sig::term;
  SigAction action;
};
struct Sigprocmask {
  SigHow how = SigHow::block;
  SigSet set;
};
struct Sigsuspend {
  SigSet mask;
};
struct Pause {};
struct TakeCaught {
  Sig sig = Sig::term;
};
struct Alarm {
  Duration after{0};
};
struct Open {
  std::string_view path;
  OpenFlags flags = OpenFlags::rdonly;
  unsigned mode = 0600;
};
struct Close {
  Fd fd = -1;
};
struct Dup {
  Fd fd = -1;
};
struct Pipe {};
struct Read {
  Fd fd = -1;
  std::span<char> buf;
};
struct Write {
  Fd fd = -1;
  std::string_view bytes;
};
struct Pread {
  Fd fd = -1;
  std::span<char> buf;
  Offset off = 0;
};
struct Pwrite {
  Fd fd = -1;
  std::string_view bytes;
  Offset off = 0;
};
struct Lseek {
  Fd fd = -1;
  Offset off = 0;
  Whence whence = Whence::set;
};
struct FileSize {
  Fd fd = -1;
};
struct Flock {
  Fd fd = -1;
  FlockArgs args{LockOp::un, false};
};
struct Unlink {
  std::string_view path;
};
struct Listen {
  std::string_view host;
  std::uint16_t port = 0;
  int backlog = 0;
};
struct LocalPort {
  Fd fd = -1;
};
struct Accept {
  Fd fd = -1;
};
struct Connect {
  std::string_view host;
  std::uint16_t port = 0;
};
struct Recv {
  Fd fd = -1;
  std::span<char> buf;
};
struct Send {
  Fd fd = -1;
  std::string_view bytes;
};
struct Shutdown {
  Fd fd = -1;
  ShutHow how = ShutHow::rdwr;
};
struct Now {};
struct Sleep {
  Duration d{0};
};
struct Log {
  LogLevel level = LogLevel::info;
  std::string_view message;
};
struct Exec {
  std::string_view program;
  bool found = false;  // a program of that name is registered (os/programs.hpp)
};
struct Getppid {};
struct SetPdeathsig {
  Sig sig = Sig::term;
};
struct Ftruncate {
  Fd fd = -1;
  Offset length = 0;
};
}  // namespace op

// The order of the alternatives is OpKind's order.
using Op = std::variant<op::Fork, op::Exit, op::Getpid, op::Waitpid, op::Kill, op::Setsid,
                        op::Setpgid, op::Getpgid, op::Sigaction, op::Sigprocmask, op::Sigsuspend,
                        op::Pause, op::TakeCaught, op::Alarm, op::Open, op::Close, op::Dup,
                        op::Pipe, op::Read, op::Write, op::Pread, op::Pwrite, op::Lseek,
                        op::FileSize, op::Flock, op::Unlink, op::Listen, op::LocalPort, op::Accept,
                        op::Connect, op::Recv, op::Send, op::Shutdown, op::Now, op::Sleep, op::Log,
                        op::Exec, op::Getppid, op::SetPdeathsig, op::Ftruncate>;

enum class OpKind : std::uint8_t {
  fork,
  exit,
  getpid,
  waitpid,
  kill,
  setsid,
  setpgid,
  getpgid,
  sigaction,
  sigprocmask,
  sigsuspend,
  pause,
  take_caught,
  alarm,
  open,
  close,
  dup,
  pipe,
  read,
  write,
  pread,
  pwrite,
  lseek,
  file_size,
  flock,
  unlink,
  listen,
  local_port,
  accept,
  connect,
  recv,
  send,
  shutdown,
  now,
  sleep,
  log,
  exec,
  getppid,
  set_pdeathsig,
  ftruncate,
};
inline constexpr int op_kinds = 40;
static_assert(std::variant_size_v<Op> == op_kinds);

inline OpKind kind_of(const Op& op) { return static_cast<OpKind>(op.index()); }
std::string_view op_name(OpKind k);  // "flock"
std::optional<OpKind> parse_op_kind(std::string_view name);

// An operation's arguments as at most three integers and one text (path, host, log message), for
// traces. Buffers appear as their length. `names` gives each integer's name ("fd", "len", ...).
struct OpArgs {
  std::array<std::int64_t, 3> v{};
  std::string_view text;
};
OpArgs op_args(const Op& op);
std::array<std::string_view, 3> op_arg_names(OpKind k);  // "" for unused slots
std::string_view op_text_name(OpKind k);                 // "path", "host", "message" or ""

}  // namespace papaya::model
