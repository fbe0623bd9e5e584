#include "real/serve.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "real/daemon.hpp"
#include "real/pid_file.hpp"
#include "real/privileges.hpp"
#include "real/real_os.hpp"
#include "real/supervisor.hpp"

namespace papaya::real {

namespace {

constexpr int exit_refused = 2;
constexpr int exit_failed = 1;

int say(int code, const std::string& message) {
  std::fprintf(stderr, "papaya serve: %s\n", message.c_str());
  return code;
}

// Everything prepared while still privileged.
struct Prepared {
  std::optional<UserIds> user;
  PidFile pid_file;
  Fd listener = -1;
};

// Creates the log if needed (O_APPEND, 0660) and hands it to --user, so the server's processes
// can open it after dropping privileges. Empty string on success.
std::string prepare_log(const std::string& path, const std::optional<UserIds>& user) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0660);
  if (fd < 0) return "cannot open log " + path + ": " + std::strerror(errno);
  std::string why;
  if (user && ::geteuid() == 0 && ::fchown(fd, user->uid, user->gid) < 0) {
    why = "cannot hand log " + path + " to user " + user->name + ": " + std::strerror(errno);
  }
  ::close(fd);
  return why;
}

// Steps 1-4. Returns 0 and fills `out`, or the exit code after saying why.
int prepare(const ServeOptions& o, Prepared& out) {
  for (const std::string* path : {&o.log_path, &o.pid_file}) {
    if (!o.foreground && !path->empty() && path->front() != '/') {
      return say(exit_refused, "a daemon works in /, so " + *path + " must be an absolute path");
    }
  }
  if (!o.user.empty()) {
    Checked<UserIds> u = lookup_user(o.user);
    if (!u.ok()) return say(exit_refused, u.error);
    if (std::string why = can_become(u.value); !why.empty()) return say(exit_refused, why);
    out.user = u.value;
  }
  if (!o.pid_file.empty()) {
    Checked<PidFile> p = PidFile::acquire(o.pid_file);
    if (!p.ok()) return say(exit_refused, p.error);
    out.pid_file = std::move(p.value);
  }
  if (std::string why = prepare_log(o.log_path, out.user); !why.empty())
    return say(exit_refused, why);
  RealOs os;
  Result<Fd> l = os.listen(o.host, o.port, o.backlog);
  if (!l) {
    return say(exit_refused, "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                                 std::string(errno_name(l.error())));
  }
  out.listener = *l;
  Result<std::uint16_t> port = os.local_port(*l);
  say(0, "listening on " + o.host + ":" + std::to_string(port.value_or(o.port)));
  return 0;
}

// After dropping privileges the server's processes open the log by its path: check now, as the
// user they run as, so a log they cannot reach is refused at start, not after "ready".
std::string log_reachable(const std::string& path, const std::optional<UserIds>& user) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    std::string as = user ? " as user " + user->name : "";
    return "cannot open log " + path + as + ": " + std::strerror(errno);
  }
  ::close(fd);
  return {};
}

// Step 5's common part, in the process that will serve: drop, check, write the pid.
std::string drop_and_mark(const ServeOptions& o, const Prepared& p) {
  if (p.user) {
    if (std::string why = drop_privileges(*p.user); !why.empty()) return why;
  }
  if (std::string why = log_reachable(o.log_path, p.user); !why.empty()) return why;
  if (p.pid_file.held()) return p.pid_file.write_pid(::getpid());
  return {};
}

int run_foreground(const ServeOptions& o, const Prepared& p, const ServerBody& server) {
  RealOs os(RealOs::Options{false, o.ident});
  if (std::string why = drop_and_mark(o, p); !why.empty()) return say(exit_failed, why);
  int code = supervise(os, [&](Os& child_os) { return server(child_os, p.listener); });
  if (p.pid_file.held()) p.pid_file.remove();
  return code;
}

int run_daemon(const ServeOptions& o, const Prepared& p, const ServerBody& server) {
  LaunchOutcome launched = daemonise(
      [&](Readiness& ready) {
        RealOs os(RealOs::Options{true, o.ident});  // openlog(LOG_NDELAY) before dropping
        if (std::string why = drop_and_mark(o, p); !why.empty()) {
          ready.failed(exit_failed, why);
          return exit_failed;
        }
        os.log(LogLevel::info, "daemon started, pid " + std::to_string(::getpid()));
        ready.ready();
        int code = server(os, p.listener);
        os.log(LogLevel::info, "daemon stopped with exit code " + std::to_string(code));
        if (p.pid_file.held()) p.pid_file.remove();
        return code;
      },
      o.ready_timeout);
  if (launched.exit_code != 0) return say(launched.exit_code, launched.error);
  return 0;
}

}  // namespace

int serve(const ServeOptions& options, const ServerBody& server) {
  Prepared p;
  if (int code = prepare(options, p); code != 0) return code;
  // signal(7): SIGPIPE's default ends the process. A server must not die because a log reader
  // (`papaya serve --foreground 2>&1 | head`) went away: writes then fail with EPIPE instead.
  // Sockets are written with MSG_NOSIGNAL anyway; this covers stderr. Inherited by every child.
  RealOs os;
  (void)os.sigaction(Sig::pipe, SigAction::ign());
  int code =
      options.foreground ? run_foreground(options, p, server) : run_daemon(options, p, server);
  if (p.listener >= 0) ::close(p.listener);
  return code;
}

}  // namespace papaya::real
