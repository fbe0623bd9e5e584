// Shared variables of the DPOR benchmarks (variables.hpp).
#include "explore/variables.hpp"

#include <string>

namespace papaya::explore {

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

}  // namespace papaya::explore
