#include "real/pid_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace papaya::real {

namespace {

// The number a running holder wrote, for the refusal message ("?" before it wrote one).
std::string holder_pid(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "?" : s;
}

}  // namespace

PidFile::PidFile(PidFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

PidFile& PidFile::operator=(PidFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

PidFile::~PidFile() {
  if (fd_ >= 0) ::close(fd_);
}

Checked<PidFile> PidFile::acquire(const std::string& path) {
  // No O_CLOEXEC: papaya never execs, and every forked server process must hold the
  // description (and with it the lock) for as long as it lives.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOCTTY, 0644);
  if (fd < 0) return refuse<PidFile>("cannot open pid file " + path + ": " + std::strerror(errno));
  // flock(2): LOCK_NB "Nonblocking request"; EWOULDBLOCK when another description holds it.
  if (::flock(fd, LOCK_EX | LOCK_NB) < 0) {
    std::string why = errno == EWOULDBLOCK
                          ? "pid file " + path + " is held by running process " + holder_pid(fd) +
                                "; is papaya serve already running?"
                          : "cannot lock pid file " + path + ": " + std::strerror(errno);
    ::close(fd);
    return refuse<PidFile>(why);
  }
  Checked<PidFile> out;
  out.value.fd_ = fd;
  out.value.path_ = path;
  return out;
}

std::string PidFile::write_pid(pid_t pid) const {
  std::string text = std::to_string(pid) + "\n";
  if (::ftruncate(fd_, 0) < 0)
    return "cannot truncate pid file " + path_ + ": " + std::strerror(errno);
  ssize_t n = ::pwrite(fd_, text.data(), text.size(), 0);
  if (n != static_cast<ssize_t>(text.size())) {
    return "cannot write pid file " + path_ + ": " + std::strerror(n < 0 ? errno : EIO);
  }
  return {};
}

void PidFile::remove() const {
  if (!path_.empty()) ::unlink(path_.c_str());
}

}  // namespace papaya::real
