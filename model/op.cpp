#include "model/op.hpp"

#include <optional>

namespace papaya::model {

namespace {
constexpr std::string_view names[op_kinds] = {
    "fork",    "exit",      "getpid",      "waitpid",       "kill",     "setsid",      "setpgid",
    "getpgid", "sigaction", "sigprocmask", "sigsuspend",    "pause",    "take_caught", "alarm",
    "open",    "close",     "dup",         "pipe",          "read",     "write",       "pread",
    "pwrite",  "lseek",     "file_size",   "flock",         "unlink",   "listen",      "local_port",
    "accept",  "connect",   "recv",        "send",          "shutdown", "now",         "sleep",
    "log",     "exec",      "getppid",     "set_pdeathsig", "ftruncate"};

std::int64_t len(std::span<char> b) { return static_cast<std::int64_t>(b.size()); }
std::int64_t len(std::string_view b) { return static_cast<std::int64_t>(b.size()); }
std::int64_t num(auto e) { return static_cast<std::int64_t>(e); }

struct ArgsOf {
  OpArgs operator()(const op::Fork&) const { return {}; }
  OpArgs operator()(const op::Exit& o) const { return {{o.code, 0, 0}, {}}; }
  OpArgs operator()(const op::Getpid&) const { return {}; }
  OpArgs operator()(const op::Waitpid& o) const { return {{o.pid, o.nohang, 0}, {}}; }
  OpArgs operator()(const op::Kill& o) const { return {{o.pid, num(o.sig), 0}, {}}; }
  OpArgs operator()(const op::Setsid&) const { return {}; }
  OpArgs operator()(const op::Setpgid& o) const { return {{o.pid, o.pgid, 0}, {}}; }
  OpArgs operator()(const op::Getpgid& o) const { return {{o.pid, 0, 0}, {}}; }
  OpArgs operator()(const op::Sigaction& o) const {
    return {{num(o.sig), num(o.action.kind), o.action.restart}, {}};
  }
  OpArgs operator()(const op::Sigprocmask& o) const {
    return {{num(o.how), num(o.set.bits()), 0}, {}};
  }
  OpArgs operator()(const op::Sigsuspend& o) const { return {{num(o.mask.bits()), 0, 0}, {}}; }
  OpArgs operator()(const op::Pause&) const { return {}; }
  OpArgs operator()(const op::TakeCaught& o) const { return {{num(o.sig), 0, 0}, {}}; }
  OpArgs operator()(const op::Alarm& o) const { return {{o.after.count(), 0, 0}, {}}; }
  OpArgs operator()(const op::Open& o) const { return {{num(o.flags), o.mode, 0}, o.path}; }
  OpArgs operator()(const op::Close& o) const { return {{o.fd, 0, 0}, {}}; }
  OpArgs operator()(const op::Dup& o) const { return {{o.fd, 0, 0}, {}}; }
  OpArgs operator()(const op::Pipe&) const { return {}; }
  OpArgs operator()(const op::Read& o) const { return {{o.fd, len(o.buf), 0}, {}}; }
  OpArgs operator()(const op::Write& o) const { return {{o.fd, len(o.bytes), 0}, {}}; }
  OpArgs operator()(const op::Pread& o) const { return {{o.fd, len(o.buf), o.off}, {}}; }
  OpArgs operator()(const op::Pwrite& o) const { return {{o.fd, len(o.bytes), o.off}, {}}; }
  OpArgs operator()(const op::Lseek& o) const { return {{o.fd, o.off, num(o.whence)}, {}}; }
  OpArgs operator()(const op::FileSize& o) const { return {{o.fd, 0, 0}, {}}; }
  OpArgs operator()(const op::Flock& o) const {
    return {{o.fd, num(o.args.op), o.args.nonblocking}, {}};
  }
  OpArgs operator()(const op::Unlink& o) const { return {{}, o.path}; }
  OpArgs operator()(const op::Listen& o) const { return {{o.port, o.backlog, 0}, o.host}; }
  OpArgs operator()(const op::LocalPort& o) const { return {{o.fd, 0, 0}, {}}; }
  OpArgs operator()(const op::Accept& o) const { return {{o.fd, 0, 0}, {}}; }
  OpArgs operator()(const op::Connect& o) const { return {{o.port, 0, 0}, o.host}; }
  OpArgs operator()(const op::Recv& o) const { return {{o.fd, len(o.buf), 0}, {}}; }
  OpArgs operator()(const op::Send& o) const { return {{o.fd, len(o.bytes), 0}, {}}; }
  OpArgs operator()(const op::Shutdown& o) const { return {{o.fd, num(o.how), 0}, {}}; }
  OpArgs operator()(const op::Now&) const { return {}; }
  OpArgs operator()(const op::Sleep& o) const { return {{o.d.count(), 0, 0}, {}}; }
  OpArgs operator()(const op::Log& o) const { return {{num(o.level), 0, 0}, o.message}; }
  OpArgs operator()(const op::Exec& o) const { return {{o.found, 0, 0}, o.program}; }
  OpArgs operator()(const op::Getppid&) const { return {}; }
  OpArgs operator()(const op::SetPdeathsig& o) const { return {{num(o.sig), 0, 0}, {}}; }
  OpArgs operator()(const op::Ftruncate& o) const { return {{o.fd, o.length, 0}, {}}; }
};
}  // namespace

std::string_view op_name(OpKind k) {
  auto i = static_cast<int>(k);
  return i < op_kinds ? names[i] : "?";
}

std::optional<OpKind> parse_op_kind(std::string_view name) {
  for (int i = 0; i < op_kinds; ++i)
    if (names[i] == name) return static_cast<OpKind>(i);
  return std::nullopt;
}

OpArgs op_args(const Op& op) { return std::visit(ArgsOf{}, op); }

std::array<std::string_view, 3> op_arg_names(OpKind k) {
  switch (k) {
    case OpKind::exit: return {"code", "", ""};
    case OpKind::waitpid: return {"pid", "nohang", ""};
    case OpKind::kill: return {"pid", "sig", ""};
    case OpKind::setpgid: return {"pid", "pgid", ""};
    case OpKind::getpgid: return {"pid", "", ""};
    case OpKind::sigaction: return {"sig", "action", "restart"};
    case OpKind::sigprocmask: return {"how", "set", ""};
    case OpKind::sigsuspend: return {"mask", "", ""};
    case OpKind::take_caught: return {"sig", "", ""};
    case OpKind::alarm: return {"ns", "", ""};
    case OpKind::open: return {"flags", "mode", ""};
    case OpKind::close:
    case OpKind::dup:
    case OpKind::file_size:
    case OpKind::local_port:
    case OpKind::accept: return {"fd", "", ""};
    case OpKind::read:
    case OpKind::write:
    case OpKind::recv:
    case OpKind::send: return {"fd", "len", ""};
    case OpKind::pread:
    case OpKind::pwrite: return {"fd", "len", "off"};
    case OpKind::lseek: return {"fd", "off", "whence"};
    case OpKind::flock: return {"fd", "lock", "nb"};
    case OpKind::listen: return {"port", "backlog", ""};
    case OpKind::connect: return {"port", "", ""};
    case OpKind::shutdown: return {"fd", "how", ""};
    case OpKind::sleep: return {"ns", "", ""};
    case OpKind::log: return {"level", "", ""};
    case OpKind::exec: return {"found", "", ""};
    case OpKind::set_pdeathsig: return {"sig", "", ""};
    case OpKind::ftruncate: return {"fd", "length", ""};
    default: return {"", "", ""};
  }
}

std::string_view op_text_name(OpKind k) {
  switch (k) {
    case OpKind::open:
    case OpKind::unlink: return "path";
    case OpKind::listen:
    case OpKind::connect: return "host";
    case OpKind::log: return "message";
    case OpKind::exec: return "program";
    default: return "";
  }
}

}  // namespace papaya::model
