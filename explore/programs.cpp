#include "explore/programs.hpp"

#include <string>
#include <vector>

#include "explore/variables.hpp"

namespace papaya::explore {

namespace {

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
