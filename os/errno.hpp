// Errno: the kernel's error numbers as data. The seam never throws and never touches the C
// library's `errno`; every Os call returns its error as one of these values. RealOs maps Linux's
// numbers onto them (real/errno_map.cpp); the simulated kernel produces them directly.
#pragma once

#include <string_view>

namespace papaya {

enum class Errno : int {
  ok = 0,
  eperm,          // operation not permitted
  enoent,         // no such file or directory
  esrch,          // no such process
  eintr,          // interrupted by a signal
  eio,            // I/O error
  ebadf,          // bad file descriptor
  echild,         // no child processes
  eagain,         // would block (EWOULDBLOCK), or LOCK_NB conflict
  enomem,         // out of memory
  eacces,         // permission denied
  eexist,         // file exists
  eisdir,         // is a directory
  einval,         // invalid argument
  emfile,         // too many open files
  enospc,         // no space left on device
  espipe,         // illegal seek
  epipe,          // broken pipe
  enametoolong,   // file name too long
  enotsock,       // not a socket
  eaddrinuse,     // address in use
  eaddrnotavail,  // address not available
  econnrefused,   // connection refused
  econnreset,     // connection reset by peer
  enotconn,       // not connected
  etimedout,      // timed out
  other,          // an errno RealOs has no name for (kept honest rather than mis-mapped)
};

// The errno's conventional name ("EINTR"), for logs, traces and error messages.
std::string_view errno_name(Errno e);

}  // namespace papaya
