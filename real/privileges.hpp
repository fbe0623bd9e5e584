// Dropping root: `papaya serve --user NAME` binds its port and opens its logs as root, then
// becomes NAME for good before it serves a single client.
#pragma once

#include <sys/types.h>

#include <string>

#include "real/checked.hpp"

namespace papaya::real {

struct UserIds {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;  // the user's primary group, from the password database
};

// getpwnam_r(3). Refused with "no such user: NAME" when the user does not exist.
Checked<UserIds> lookup_user(const std::string& name);

// Whether the process may become `user`: as root, always; otherwise only if it already is that
// user (then dropping is a no-op). Empty string when it may, else the reason.
std::string can_become(const UserIds& user);

// As root: setgroups(2) to the primary group alone, then setgid(2), then setuid(2) -- in that
// order, since after setuid the process may no longer change its groups. Then checks that root
// cannot be regained (setuid(0) must fail). Not root and already `user`: nothing to do.
// Empty string on success, else the reason.
std::string drop_privileges(const UserIds& user);

}  // namespace papaya::real
