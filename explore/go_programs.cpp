// The classic DPOR benchmarks with goroutines instead of processes (explore/programs.hpp): one Go
// program, pid 1, whose goroutines are the threads. The shared variables are files as in the
// process versions (pread/pwrite of one byte: a goroutine's file call is a Go syscall, run on one
// of the process's kernel threads), `go` spawns, and each goroutine ends by sending on a
// capacity-1 channel of its own that main receives from in turn: the joins are on distinct
// channels, so they order no goroutine after another.
#include <string>
#include <vector>

#include "explore/programs.hpp"
#include "explore/variables.hpp"

namespace papaya::explore {

namespace {

// Starts `body` as a goroutine that signals its end on a channel of its own.
void go_spawn(Os& os, std::vector<GoChan>& joins, std::function<void(Os&)> body) {
  const GoChan done = os.new_chan(1);
  joins.push_back(done);
  os.go([body = std::move(body), done](Os& g) {
    body(g);
    g.chan_send(done, 1);
  });
}

void go_join_all(Os& os, const std::vector<GoChan>& joins) {
  for (GoChan c : joins) (void)os.chan_recv(c);
}

}  // namespace

std::function<void(Os&)> go_readers_program(int n) {
  return [n](Os& os) {
    const Fd x = variables(os, 1)[0];
    std::vector<GoChan> joins;
    go_spawn(os, joins, [x](Os& g) { store(g, x, 1); });
    for (int i = 0; i < n; ++i) go_spawn(os, joins, [x](Os& g) { (void)load(g, x); });
    go_join_all(os, joins);
  };
}

std::function<void(Os&)> go_lastzero_program(int n) {
  return [n](Os& os) {
    const std::vector<Fd> a = variables(os, n + 1);
    std::vector<GoChan> joins;
    go_spawn(os, joins, [a, n](Os& g) {
      for (int i = n; load(g, a[static_cast<std::size_t>(i)]) != 0; --i) {
      }
    });
    for (int j = 1; j <= n; ++j)
      go_spawn(os, joins, [a, j](Os& g) {
        const char prev = load(g, a[static_cast<std::size_t>(j - 1)]);
        store(g, a[static_cast<std::size_t>(j)], static_cast<char>(prev + 1));
      });
    go_join_all(os, joins);
  };
}

}  // namespace papaya::explore
