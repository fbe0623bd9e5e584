// The pid file, which is also the "already running" lock.
//
// Decision: liveness is the flock(2) on the file, not the number in it. `acquire` opens the file
// and takes LOCK_EX|LOCK_NB; the lock belongs to the open file description, which every process
// of the server inherits through fork, so it is held exactly as long as any process of the
// server lives, and released by the kernel however they die. A second `papaya serve` with the
// same pid file is refused ("held by running process N"); a file left behind without a lock is
// stale and reused. Reading the number and probing it with kill(pid, 0) would be fooled by pid
// reuse and by a crash that leaves children behind.
#pragma once

#include <sys/types.h>

#include <string>

#include "real/checked.hpp"

namespace papaya::real {

class PidFile {
 public:
  PidFile() = default;
  PidFile(PidFile&& other) noexcept;
  PidFile& operator=(PidFile&& other) noexcept;
  ~PidFile();  // closes this process's descriptor; the lock lives on in other holders

  // Opens `path` (created 0644) and locks it. Refused when another process holds the lock.
  static Checked<PidFile> acquire(const std::string& path);

  // Replaces the contents with "<pid>\n". Empty string on success, else the reason.
  std::string write_pid(pid_t pid) const;
  // Unlinks the file (clean shutdown). Failure (a server that dropped privileges may not write
  // the directory) is harmless: an unlocked file is stale.
  void remove() const;

  bool held() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace papaya::real
