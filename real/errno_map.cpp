#include "real/errno_map.hpp"

#include <cerrno>
#include <iterator>

namespace papaya::real {

namespace {
struct Pair {
  Errno ours;
  int linux_errno;
};
// One row per Errno that has a Linux twin; the table is the whole mapping, read in both
// directions, so the two directions cannot disagree.
constexpr Pair table[] = {
    {Errno::eperm, EPERM},
    {Errno::enoent, ENOENT},
    {Errno::esrch, ESRCH},
    {Errno::eintr, EINTR},
    {Errno::eio, EIO},
    {Errno::ebadf, EBADF},
    {Errno::echild, ECHILD},
    {Errno::eagain, EAGAIN},
    {Errno::enomem, ENOMEM},
    {Errno::eacces, EACCES},
    {Errno::eexist, EEXIST},
    {Errno::eisdir, EISDIR},
    {Errno::einval, EINVAL},
    {Errno::emfile, EMFILE},
    {Errno::enospc, ENOSPC},
    {Errno::espipe, ESPIPE},
    {Errno::epipe, EPIPE},
    {Errno::enametoolong, ENAMETOOLONG},
    {Errno::enotsock, ENOTSOCK},
    {Errno::eaddrinuse, EADDRINUSE},
    {Errno::eaddrnotavail, EADDRNOTAVAIL},
    {Errno::econnrefused, ECONNREFUSED},
    {Errno::econnreset, ECONNRESET},
    {Errno::enotconn, ENOTCONN},
    {Errno::etimedout, ETIMEDOUT},
};
static_assert(EWOULDBLOCK == EAGAIN, "flock(2)'s EWOULDBLOCK must map to Errno::eagain");
static_assert(std::size(table) == static_cast<size_t>(Errno::other) - 1,
              "every named Errno (all but ok and other) has exactly one row");
}  // namespace

Errno from_errno(int linux_errno) {
  for (const Pair& p : table) {
    if (p.linux_errno == linux_errno) return p.ours;
  }
  return Errno::other;
}

int to_errno(Errno e) {
  if (e == Errno::ok) return 0;
  for (const Pair& p : table) {
    if (p.ours == e) return p.linux_errno;
  }
  return EIO;
}

Errno last_errno() { return from_errno(errno); }

}  // namespace papaya::real
