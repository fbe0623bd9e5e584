#include "real/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace papaya::real {

namespace {
std::string failed(const char* call, const UserIds& user) {
  return std::string(call) + " for user " + user.name + " failed: " + std::strerror(errno);
}
}  // namespace

Checked<UserIds> lookup_user(const std::string& name) {
  long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(hint > 0 ? static_cast<size_t>(hint) : 16384);
  passwd pw = {};
  passwd* found = nullptr;
  // getpwnam_r(3): returns 0 with *result NULL when there is no such user.
  int rc = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0) return refuse<UserIds>("cannot look up user " + name + ": " + std::strerror(rc));
  if (found == nullptr) return refuse<UserIds>("no such user: " + name);
  return Checked<UserIds>{UserIds{name, pw.pw_uid, pw.pw_gid}, {}};
}

std::string can_become(const UserIds& user) {
  if (::geteuid() == 0 || (::getuid() == user.uid && ::geteuid() == user.uid)) return {};
  return "--user " + user.name + " needs root (running as uid " + std::to_string(::geteuid()) + ")";
}

std::string drop_privileges(const UserIds& user) {
  if (::geteuid() != 0) return can_become(user);
  gid_t groups[] = {user.gid};
  if (::setgroups(1, groups) < 0) return failed("setgroups", user);
  if (::setgid(user.gid) < 0) return failed("setgid", user);
  if (::setuid(user.uid) < 0) return failed("setuid", user);
  // Paired check: the drop is only real if it cannot be undone (setuid(2) as a non-root user
  // may only set the real or saved uid, both now user.uid).
  if (user.uid != 0 && ::setuid(0) == 0)
    return "dropped to user " + user.name + " but root came back";
  if (::getuid() != user.uid || ::geteuid() != user.uid || ::getegid() != user.gid) {
    return "dropped to user " + user.name + " but the ids did not change";
  }
  return {};
}

}  // namespace papaya::real
