// What a wake-up costs on this machine, per mechanism a server design would use to pass control
// from one flow of execution to another (docs/results.md, "Microbenchmarks"). One iteration is one
// round trip: A wakes B, B wakes A. Processes and threads are kernel context switches; Boost.Fiber
// is a user-space switch; goroutines are measured by bench/peers/pingpong_test.go.
//   build/bench/papaya_switch_bench --benchmark_repetitions=3
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/fiber/all.hpp>
#include <thread>

namespace {

void check(bool ok, benchmark::State& state, const char* what) {
  if (!ok) state.SkipWithError(what);
}

// Two processes, two pipes: one byte there, one byte back.
void BM_ProcessPipePingPong(benchmark::State& state) {
  int there[2], back[2];
  check(pipe(there) == 0 && pipe(back) == 0, state, "pipe");
  pid_t child = fork();
  if (child == 0) {
    close(there[1]);  // else the child holds the write end and never reads EOF
    close(back[0]);
    char c;
    while (read(there[0], &c, 1) == 1) {
      if (write(back[1], &c, 1) != 1) break;
    }
    _exit(0);
  }
  close(there[0]);
  close(back[1]);
  char c = 'x';
  for (auto _ : state) {
    if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1) state.SkipWithError("pipe io");
  }
  close(there[1]);  // the child reads EOF and exits
  waitpid(child, nullptr, 0);
  close(back[0]);
}
BENCHMARK(BM_ProcessPipePingPong)->UseRealTime();

extern "C" void on_usr1(int) {}

// Two processes, SIGUSR1 each way, each waiting in sigsuspend(2) with SIGUSR1 otherwise blocked
// (the wake-up the process design's Child SEND uses).
void BM_ProcessSignalPingPong(benchmark::State& state) {
  struct sigaction sa {};
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, nullptr);
  sigset_t usr1, old, wait_mask;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, &old);
  wait_mask = old;
  sigdelset(&wait_mask, SIGUSR1);
  const pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    for (;;) {
      sigsuspend(&wait_mask);
      kill(parent, SIGUSR1);
    }
  }
  for (auto _ : state) {
    kill(child, SIGUSR1);
    sigsuspend(&wait_mask);
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  sigprocmask(SIG_SETMASK, &old, nullptr);
}
BENCHMARK(BM_ProcessSignalPingPong)->UseRealTime();

// Two threads of one process, two pipes (the same exchange as the processes').
void BM_ThreadPipePingPong(benchmark::State& state) {
  int there[2], back[2];
  check(pipe(there) == 0 && pipe(back) == 0, state, "pipe");
  std::thread peer([&] {
    char c;
    while (read(there[0], &c, 1) == 1) {
      if (write(back[1], &c, 1) != 1) break;
    }
  });
  char c = 'x';
  for (auto _ : state) {
    if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1) state.SkipWithError("pipe io");
  }
  close(there[1]);
  peer.join();
  for (int fd : {there[0], back[0], back[1]}) close(fd);
}
BENCHMARK(BM_ThreadPipePingPong)->UseRealTime();

// Two Boost.Fiber fibers on one thread, a buffered channel each way.
void BM_FiberChannelPingPong(benchmark::State& state) {
  boost::fibers::buffered_channel<int> there(2), back(2);
  boost::fibers::fiber peer([&] {
    int v;
    while (there.pop(v) == boost::fibers::channel_op_status::success) back.push(v);
  });
  int v = 0;
  for (auto _ : state) {
    there.push(v);
    back.pop(v);
  }
  there.close();
  peer.join();
}
BENCHMARK(BM_FiberChannelPingPong)->UseRealTime();

// fork(2), the child _exit(2)s at once, the parent waitpid(2)s: the fixed cost of a process
// per client.
void BM_ForkExitWait(benchmark::State& state) {
  for (auto _ : state) {
    pid_t child = fork();
    if (child == 0) _exit(0);
    if (child < 0 || waitpid(child, nullptr, 0) != child) state.SkipWithError("fork/wait");
  }
}
BENCHMARK(BM_ForkExitWait)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
