#include "explore/programs.hpp"

#include <string>
#include <vector>

namespace papaya::explore {

namespace {

// One file per variable, opened by pid 1 before the threads exist (they inherit the fds), each
// initialised to 0.
std::vector<Fd> variables(Os& os, int n) {
  std::vector<Fd> fds;
  for (int i = 0; i < n; ++i) {
    Result<Fd> fd = os.open("v" + std::to_string(i), OpenFlags::rdwr | OpenFlags::creat);
    if (!fd) os.exit(2);
    char zero = 0;
    if (!os.pwrite(*fd, std::string_view(&zero, 1), 0)) os.exit(2);
    fds.push_back(*fd);
  }
  return fds;
}

char load(Os& os, Fd fd) {
  char c = 0;
  if (!os.pread(fd, std::span<char>(&c, 1), 0)) os.exit(3);
  return c;
}

void store(Os& os, Fd fd, char v) {
  if (!os.pwrite(fd, std::string_view(&v, 1), 0)) os.exit(3);
}

void join_all(Os& os, const std::vector<Pid>& threads) {
  for (Pid t : threads)
    if (!os.waitpid(t, false)) os.exit(4);
}

}  // namespace

std::function<void(Os&)> readers_program(int n) {
  return [n](Os& os) {
    const Fd x = variables(os, 1)[0];
    std::vector<Pid> threads;
    auto spawn = [&](std::function<void(Os&)> body) {
      Result<Pid> pid = os.fork(std::move(body));
      if (!pid) os.exit(5);
      threads.push_back(*pid);
    };
    spawn([x](Os& o) { store(o, x, 1); });
    for (int i = 0; i < n; ++i) spawn([x](Os& o) { (void)load(o, x); });
    join_all(os, threads);
  };
}

std::function<void(Os&)> lastzero_program(int n) {
  return [n](Os& os) {
    const std::vector<Fd> a = variables(os, n + 1);
    std::vector<Pid> threads;
    auto spawn = [&](std::function<void(Os&)> body) {
      Result<Pid> pid = os.fork(std::move(body));
      if (!pid) os.exit(5);
      threads.push_back(*pid);
    };
    spawn([a, n](Os& o) {
      for (int i = n; load(o, a[static_cast<std::size_t>(i)]) != 0; --i) {
      }
    });
    for (int j = 1; j <= n; ++j)
      spawn([a, j](Os& o) {
        const char prev = load(o, a[static_cast<std::size_t>(j - 1)]);
        store(o, a[static_cast<std::size_t>(j)], static_cast<char>(prev + 1));
      });
    join_all(os, threads);
  };
}

}  // namespace papaya::explore
