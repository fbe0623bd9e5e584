#include "os/errno.hpp"

namespace papaya {

std::string_view errno_name(Errno e) {
  switch (e) {
    case Errno::ok: return "OK";
    case Errno::eperm: return "EPERM";
    case Errno::enoent: return "ENOENT";
    case Errno::esrch: return "ESRCH";
    case Errno::eintr: return "EINTR";
    case Errno::eio: return "EIO";
    case Errno::ebadf: return "EBADF";
    case Errno::echild: return "ECHILD";
    case Errno::eagain: return "EAGAIN";
    case Errno::enomem: return "ENOMEM";
    case Errno::eacces: return "EACCES";
    case Errno::eexist: return "EEXIST";
    case Errno::eisdir: return "EISDIR";
    case Errno::einval: return "EINVAL";
    case Errno::emfile: return "EMFILE";
    case Errno::enospc: return "ENOSPC";
    case Errno::espipe: return "ESPIPE";
    case Errno::epipe: return "EPIPE";
    case Errno::enametoolong: return "ENAMETOOLONG";
    case Errno::enotsock: return "ENOTSOCK";
    case Errno::eaddrinuse: return "EADDRINUSE";
    case Errno::eaddrnotavail: return "EADDRNOTAVAIL";
    case Errno::econnrefused: return "ECONNREFUSED";
    case Errno::econnreset: return "ECONNRESET";
    case Errno::enotconn: return "ENOTCONN";
    case Errno::etimedout: return "ETIMEDOUT";
    case Errno::other: return "EOTHER";
  }
  return "E?";
}

}  // namespace papaya
