#include "real/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace papaya::real {

namespace {

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Reads up to key_file_max_bytes + 1, so "too large" is detectable without reading it all.
Checked<std::string> read_bounded(int fd, const std::string& path) {
  std::string out;
  char buf[4096];
  while (out.size() <= key_file_max_bytes) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return refuse<std::string>("cannot read key file " + path + ": " + std::strerror(errno));
    if (n == 0) return Checked<std::string>{out, {}};
    out.append(buf, static_cast<size_t>(n));
  }
  return refuse<std::string>("key file " + path + " is larger than " +
                             std::to_string(key_file_max_bytes) + " bytes; expected one line");
}

}  // namespace

Checked<std::string> read_key_file(const std::string& path) {
  // O_NONBLOCK so that nothing blocks before the check: fifo(7): "A process can open a FIFO in
  // nonblocking mode. In this case, opening for read-only succeeds even if no one has opened on
  // the write side yet". For a regular file it changes nothing (open(2): "Note that this flag has
  // no effect for regular files and block devices").
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return refuse<std::string>("cannot open key file " + path + ": " + std::strerror(errno));
  struct stat st = {};
  Checked<std::string> out;
  if (::fstat(fd, &st) < 0) {
    out = refuse<std::string>("cannot stat key file " + path + ": " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    out = refuse<std::string>("key file " + path + " is not a regular file");
  } else if ((st.st_mode & 077) != 0) {
    out = refuse<std::string>("key file " + path +
                              " is readable or writable by group or others (mode " +
                              octal_mode(st.st_mode) + "); chmod 600 it");
  } else {
    out = read_bounded(fd, path);
  }
  ::close(fd);
  return out;
}

}  // namespace papaya::real
