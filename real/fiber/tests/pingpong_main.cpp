// papaya_fiber_pingpong [threads] [round-trips]: two goroutines bounce a value over two unbuffered
// channels through FiberOs; prints the time per round trip. With 2 threads the goroutines start
// on different threads (round-robin), so every hand-off is a cross-thread wakeup (eventfd).
// docs/fiber.md has the figures.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "real/fiber/fiber_os.hpp"

int main(int argc, char** argv) {
  const unsigned threads = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 1;
  const long trips = argc > 2 ? std::atol(argv[2]) : 100'000;
  if (threads == 0 || trips <= 0) {
    std::fprintf(stderr, "usage: papaya_fiber_pingpong [threads>0] [round-trips>0]\n");
    return 2;
  }
  return papaya::real::fiber::run_main({}, threads, [&](papaya::Os& os) {
    papaya::GoChan ping = os.new_chan(0);
    papaya::GoChan pong = os.new_chan(0);
    papaya::GoChan done = os.new_chan(0);
    // Started from main (thread 0): with 2 threads the first goes to thread 1, the second to 0.
    os.go([=](papaya::Os& g) {
      for (long i = 0; i < trips; ++i) g.chan_send(pong, g.chan_recv(ping).value + 1);
    });
    os.go([=](papaya::Os& g) {
      auto start = std::chrono::steady_clock::now();
      std::int64_t v = 0;
      for (long i = 0; i < trips; ++i) {
        g.chan_send(ping, v);
        v = g.chan_recv(pong).value;
      }
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
      std::printf("threads %u: %ld round trips, %.0f ns per round trip (value %lld)\n", threads,
                  trips, static_cast<double>(ns) / static_cast<double>(trips),
                  static_cast<long long>(v));
      g.chan_send(done, 1);
    });
    os.chan_recv(done);
    return 0;
  });
}
