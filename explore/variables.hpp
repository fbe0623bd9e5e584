// Shared variables of the DPOR benchmarks (explore/programs.cpp, explore/go_programs.cpp): one
// file per variable, each initialised to 0, a one-byte pread as load and pwrite as store.
#pragma once

#include <vector>

#include "os/os.hpp"

namespace papaya::explore {

// Opened by the program's first process before its threads or goroutines exist (they share the
// descriptors). Exit 2 if a file cannot be made.
std::vector<Fd> variables(Os& os, int n);
// Exit 3 if the variable cannot be read or written.
char load(Os& os, Fd fd);
void store(Os& os, Fd fd, char v);

}  // namespace papaya::explore
