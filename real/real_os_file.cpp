// RealOs: files. open(2), close(2), dup(2), pipe(2), read(2), write(2), pread(2), pwrite(2),
// lseek(2), fstat(2), flock(2), unlink(2), ftruncate(2).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "real/errno_map.hpp"
#include "real/real_os.hpp"

namespace papaya::real {

namespace {

int to_native(OpenFlags f) {
  int out = O_RDONLY;
  if (has_flag(f, OpenFlags::wronly)) out |= O_WRONLY;
  if (has_flag(f, OpenFlags::rdwr)) out |= O_RDWR;
  if (has_flag(f, OpenFlags::creat)) out |= O_CREAT;
  if (has_flag(f, OpenFlags::append)) out |= O_APPEND;
  if (has_flag(f, OpenFlags::cloexec)) out |= O_CLOEXEC;
  if (has_flag(f, OpenFlags::trunc)) out |= O_TRUNC;
  if (has_flag(f, OpenFlags::excl)) out |= O_EXCL;
  return out;
}

int to_native(Whence w) {
  switch (w) {
    case Whence::set: return SEEK_SET;
    case Whence::cur: return SEEK_CUR;
    case Whence::end: return SEEK_END;
  }
  return SEEK_SET;
}

int to_native(FlockArgs a) {
  int op = a.op == LockOp::sh ? LOCK_SH : a.op == LockOp::ex ? LOCK_EX : LOCK_UN;
  return a.nonblocking ? (op | LOCK_NB) : op;
}

Result<size_t> sized(ssize_t n) {
  if (n < 0) return last_errno();
  return static_cast<size_t>(n);
}

}  // namespace

Result<Fd> RealOs::open(std::string_view path, OpenFlags flags, unsigned mode, Site) {
  std::string p(path);  // open(2) wants a NUL-terminated path
  int fd = ::open(p.c_str(), to_native(flags), static_cast<mode_t>(mode));
  if (fd < 0) return last_errno();
  return Fd{fd};
}

Status RealOs::close(Fd fd, Site) {
  // close(2): on Linux the descriptor is released even when close reports EINTR, so EINTR is
  // returned as information, never as an invitation to close again.
  if (::close(fd) < 0) return last_errno();
  return {};
}

Result<Fd> RealOs::dup(Fd fd, Site) {
  int out = ::dup(fd);
  if (out < 0) return last_errno();
  return Fd{out};
}

Result<std::pair<Fd, Fd>> RealOs::pipe(Site) {
  // Plain pipe(2), no O_CLOEXEC: the Os contract is pipe(2)'s. Both ends survive fork either
  // way (close-on-exec acts only at execve(2), which papaya never calls).
  int fds[2];
  if (::pipe(fds) < 0) return last_errno();
  return std::pair<Fd, Fd>{fds[0], fds[1]};
}

Result<size_t> RealOs::read(Fd fd, std::span<char> buf, Site) {
  return sized(::read(fd, buf.data(), buf.size()));
}

Result<size_t> RealOs::write(Fd fd, std::string_view bytes, Site) {
  return sized(::write(fd, bytes.data(), bytes.size()));
}

Result<size_t> RealOs::pread(Fd fd, std::span<char> buf, Offset off, Site) {
  return sized(::pread(fd, buf.data(), buf.size(), static_cast<off_t>(off)));
}

Result<size_t> RealOs::pwrite(Fd fd, std::string_view bytes, Offset off, Site) {
  // pwrite(2) BUGS: "if a file is opened with O_APPEND, pwrite() appends data to the end of the
  // file, regardless of the value of offset." Linux's behaviour, passed through.
  return sized(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(off)));
}

Result<Offset> RealOs::lseek(Fd fd, Offset off, Whence whence, Site) {
  off_t r = ::lseek(fd, static_cast<off_t>(off), to_native(whence));
  if (r < 0) return last_errno();
  return Offset{r};
}

Result<Offset> RealOs::file_size(Fd fd, Site) {
  struct stat st = {};
  if (::fstat(fd, &st) < 0) return last_errno();
  return Offset{st.st_size};
}

Status RealOs::flock(Fd fd, FlockArgs args, Site) {
  // flock(2): "Locks created by flock() are associated with an open file description"; a
  // blocked request is interrupted (EINTR) by a caught signal; LOCK_NB conflicts: EWOULDBLOCK.
  if (::flock(fd, to_native(args)) < 0) return last_errno();
  return {};
}

Status RealOs::ftruncate(Fd fd, Offset length, Site) {
  for (;;) {
    if (::ftruncate(fd, static_cast<off_t>(length)) == 0) return {};
    if (errno != EINTR) return last_errno();
  }
}

Status RealOs::unlink(std::string_view path, Site) {
  std::string p(path);
  if (::unlink(p.c_str()) < 0) return last_errno();
  return {};
}

}  // namespace papaya::real
