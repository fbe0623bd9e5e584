// FileOnlyOs: a deliberately tiny Os for unit-testing the log protocol's call sequence without a
// world. Fault model: files live in memory; each open() makes a new description with its own
// offset; flock never blocks (one process) but can be told to fail with EINTR; write() may be
// capped to force short writes; every call is recorded as a line ("flock 3 ex", "write 3 10",
// "kill -100 SIGUSR1", "pread 3 @0", ...); the signal mask is kept (sigprocmask answers the old
// one). Anything beyond files, kill, flock and the mask is a test bug and aborts. The faithful
// fake of a whole kernel is sim/'s SimOs; this one checks order only.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "os/os.hpp"

namespace papaya::chat::testing {

class FileOnlyOs : public Os {
 public:
  std::vector<std::string> calls;
  std::map<std::string, std::string> files;    // path -> contents
  size_t write_cap = 0;                        // > 0: write(2) writes at most this many bytes
  size_t disk_room = static_cast<size_t>(-1);  // bytes a file may hold: a full disk (ENOSPC)
  int flock_eintr = 0;                         // the next N flock calls fail with EINTR
  Pid pgid = 100;
  SigSet mask() const { return mask_; }

  Result<Fd> open(std::string_view path, OpenFlags flags, unsigned, Site) override {
    calls.push_back("open " + std::string(path));
    std::string p(path);
    if (!files.count(p) && !has_flag(flags, OpenFlags::creat)) return Errno::enoent;
    files[p];
    Fd fd = next_fd_++;
    descs_[fd] = Desc{p, 0, has_flag(flags, OpenFlags::append)};
    return fd;
  }
  Status close(Fd fd, Site) override {
    calls.push_back("close " + std::to_string(fd));
    return descs_.erase(fd) ? Status{} : Status{Errno::ebadf};
  }
  Status flock(Fd fd, FlockArgs a, Site) override {
    static constexpr const char* ops[] = {"sh", "ex", "un"};
    calls.push_back("flock " + std::to_string(fd) + " " + ops[int(a.op)]);
    if (flock_eintr > 0) {
      --flock_eintr;
      return Errno::eintr;
    }
    return {};
  }
  Result<size_t> write(Fd fd, std::string_view bytes, Site) override {
    Desc& d = descs_.at(fd);
    std::string& f = files[d.path];
    if (write_cap > 0 && bytes.size() > write_cap) bytes = bytes.substr(0, write_cap);
    if (d.append) d.off = static_cast<Offset>(f.size());
    const size_t room = disk_room > static_cast<size_t>(d.off) ? disk_room - d.off : 0;
    if (room == 0 && !bytes.empty()) {
      calls.push_back("write " + std::to_string(fd) + " ENOSPC");
      return Errno::enospc;
    }
    bytes = bytes.substr(0, std::min(bytes.size(), room));
    calls.push_back("write " + std::to_string(fd) + " " + std::to_string(bytes.size()));
    f.replace(static_cast<size_t>(d.off), bytes.size(), bytes);
    d.off += static_cast<Offset>(bytes.size());
    return bytes.size();
  }
  Result<size_t> pread(Fd fd, std::span<char> buf, Offset off, Site) override {
    calls.push_back("pread " + std::to_string(fd) + " @" + std::to_string(off));
    return copy_out(files[descs_.at(fd).path], buf, off);
  }
  Result<size_t> read(Fd fd, std::span<char> buf, Site) override {
    Desc& d = descs_.at(fd);
    calls.push_back("read " + std::to_string(fd) + " @" + std::to_string(d.off));
    size_t n = copy_out(files[d.path], buf, d.off);
    d.off += static_cast<Offset>(n);
    return n;
  }
  Result<Offset> lseek(Fd fd, Offset off, Whence w, Site) override {
    calls.push_back("lseek " + std::to_string(fd) + " " + std::to_string(off));
    if (w != Whence::set) std::abort();
    return descs_.at(fd).off = off;
  }
  Result<Offset> file_size(Fd fd, Site) override {
    return static_cast<Offset>(files[descs_.at(fd).path].size());
  }
  Status kill(Pid pid, Sig sig, Site) override {
    calls.push_back("kill " + std::to_string(pid) + " " + std::string(sig_name(sig)));
    return {};
  }

  // Not used by the log protocol.
  Result<Pid> fork(std::function<void(Os&)>, Site) override { no("fork"); }
  [[noreturn]] void exit(int, Site) override { no("exit"); }
  Pid getpid(Site) override { return pgid; }
  Result<WaitStatus> waitpid(Pid, bool, Site) override { no("waitpid"); }
  Result<Pid> setsid(Site) override { no("setsid"); }
  Status setpgid(Pid, Pid, Site) override { no("setpgid"); }
  Result<Pid> getpgid(Pid, Site) override { return pgid; }
  Result<SigAction> sigaction(Sig, SigAction, Site) override { no("sigaction"); }
  Result<SigSet> sigprocmask(SigHow how, SigSet set, Site) override {
    static constexpr const char* hows[] = {"block", "unblock", "setmask"};
    std::string line = std::string("sigprocmask ") + hows[int(how)];
    for (Sig sig : all_signals) {
      if (set.has(sig)) line += " " + std::string(sig_name(sig));
    }
    calls.push_back(line);
    SigSet old = mask_;
    if (how == SigHow::block) mask_ = SigSet::from_bits(mask_.bits() | set.bits());
    if (how == SigHow::unblock) mask_ = SigSet::from_bits(mask_.bits() & ~set.bits());
    if (how == SigHow::setmask) mask_ = set;
    return old;
  }
  Status sigsuspend(SigSet, Site) override { no("sigsuspend"); }
  Status pause(Site) override { no("pause"); }
  bool take_caught(Sig, Site) override { no("take_caught"); }
  Result<Duration> alarm(Duration, Site) override { no("alarm"); }
  Result<Fd> dup(Fd, Site) override { no("dup"); }
  Result<std::pair<Fd, Fd>> pipe(Site) override { no("pipe"); }
  Result<size_t> pwrite(Fd, std::string_view, Offset, Site) override { no("pwrite"); }
  Status unlink(std::string_view, Site) override { no("unlink"); }
  Status ftruncate(Fd fd, Offset length, Site) override {
    calls.push_back("ftruncate " + std::to_string(fd) + " " + std::to_string(length));
    files[descs_.at(fd).path].resize(static_cast<size_t>(length), '\0');
    return {};
  }
  Pid getppid(Site) override { no("getppid"); }
  Status set_parent_death_signal(Sig, Site) override { no("set_parent_death_signal"); }
  Result<Fd> listen(std::string_view, std::uint16_t, int, Site) override { no("listen"); }
  Result<std::uint16_t> local_port(Fd, Site) override { no("local_port"); }
  Result<Fd> accept(Fd, Site) override { no("accept"); }
  Result<Fd> connect(std::string_view, std::uint16_t, Site) override { no("connect"); }
  Result<size_t> recv(Fd, std::span<char>, Site) override { no("recv"); }
  Result<size_t> send(Fd, std::string_view, Site) override { no("send"); }
  Status shutdown(Fd, ShutHow, Site) override { no("shutdown"); }
  Duration now(Site) override { no("now"); }
  Status sleep(Duration, Site) override { no("sleep"); }
  void log(LogLevel, std::string_view, Site) override {}

 private:
  struct Desc {
    std::string path;
    Offset off = 0;
    bool append = false;
  };
  [[noreturn]] static void no(const char* what) {
    std::fprintf(stderr, "FileOnlyOs: %s is not modelled here\n", what);
    std::abort();
  }
  static size_t copy_out(const std::string& f, std::span<char> buf, Offset off) {
    if (off >= static_cast<Offset>(f.size())) return 0;
    size_t n = std::min(buf.size(), f.size() - static_cast<size_t>(off));
    f.copy(buf.data(), n, static_cast<size_t>(off));
    return n;
  }
  std::map<Fd, Desc> descs_;
  SigSet mask_;
  Fd next_fd_ = 3;
};

}  // namespace papaya::chat::testing
