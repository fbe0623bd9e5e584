// Linux errno numbers <-> papaya's Errno, both ways. The seam speaks Errno only; RealOs translates
// at the syscall boundary so chat/ never sees <cerrno>.
#pragma once

#include "os/errno.hpp"

namespace papaya::real {

// Linux errno -> Errno. EWOULDBLOCK is EAGAIN on Linux; anything without a name becomes
// Errno::other (kept honest rather than mis-mapped).
Errno from_errno(int linux_errno);
// Errno -> Linux errno (Errno::other -> EIO, Errno::ok -> 0), for tests and for code that must
// hand an error back to the C library.
int to_errno(Errno e);
// The calling thread's errno, mapped: `from_errno(errno)`.
Errno last_errno();

}  // namespace papaya::real
