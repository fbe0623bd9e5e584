// Classic DPOR benchmarks as small programs over the seam (Abdulla et al., JACM 2017, section 9;
// the published execution counts are in explore/tests/counts_test.cpp): one file per shared
// variable, pread/pwrite of one byte as load/store, fork as thread spawn, waitpid as join.
#pragma once

#include <functional>

#include "os/os.hpp"

namespace papaya::explore {

// readers(n): one writer stores 1 into x; n readers load x. 2^n traces.
std::function<void(Os&)> readers_program(int n);
// lastzero(n): array[0..n] of zeros; thread 0 scans down for the last zero
// (for (i = n; array[i] != 0; i--);), thread j in 1..n stores array[j-1] + 1 into array[j].
std::function<void(Os&)> lastzero_program(int n);

// The same with goroutines (explore/go_programs.cpp): one Go program whose goroutines are the
// threads; the variables are still files, `go` spawns, a channel per goroutine joins.
std::function<void(Os&)> go_readers_program(int n);
std::function<void(Os&)> go_lastzero_program(int n);

}  // namespace papaya::explore
