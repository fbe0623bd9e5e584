// The sampler and the load generator on the real kernel: a forked tree is found whole, its CPU is
// measured from schedstat, its PSS is read; the generator's bytes reach a loopback listener.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "real/load/load_generator.hpp"
#include "real/sampler/proc_tree.hpp"
#include "real/sampler/tree_sampler.hpp"

namespace papaya::real::sampler {
namespace {

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// A child that forks a grandchild; the grandchild spins for `spin_s` CPU seconds, then both
// sleep until killed.
pid_t spawn_spinning_tree(double spin_s) {
  pid_t child = fork();
  if (child == 0) {
    setpgid(0, 0);
    if (fork() == 0) {
      double start = cpu_now();
      volatile unsigned long x = 0;
      while (cpu_now() - start < spin_s) x = x + 1;
      for (;;) pause();
    }
    for (;;) pause();
  }
  setpgid(child, child);
  return child;
}

void end_tree(pid_t root) {
  kill(-root, SIGKILL);
  waitpid(root, nullptr, 0);
}

TEST(SamplerLive, ProcessTreeFindsTheRootAndItsGrandchild) {
  pid_t root = spawn_spinning_tree(0);
  std::vector<int> tree;
  for (int i = 0; i < 100 && tree.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    tree = process_tree(root);
  }
  end_tree(root);
  ASSERT_EQ(tree.size(), 2u);
  EXPECT_EQ(tree[0], root);
}

TEST(SamplerLive, TreeCpuMatchesTheGrandchildsSpinWithinTenPercent) {
  pid_t root = spawn_spinning_tree(0.3);
  TreeSampler s({.server_root = root,
                 .co_roots = {},
                 .helpers = {},
                 .server_core = {},
                 .helper_core = {},
                 .quiet_pct = 10});
  s.start();
  double cpu_s = 0;
  for (int i = 0; i < 40; ++i) {  // the spin may be slowed by other tenants: up to 4 s
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Interval iv = s.sample();
    EXPECT_GE(iv.seconds, 0.09);
    cpu_s += iv.server_pct / 100 * iv.seconds;
    if (cpu_s >= 0.2 && iv.server_pct < 1) break;  // the spin is over
  }
  end_tree(root);
  EXPECT_NEAR(cpu_s, 0.3, 0.03);
}

// `papaya bench cpu --paired`: two trees in the same intervals, each its own CPU.
TEST(SamplerLive, TwoTreesSampledTogetherEachGetTheirOwnSpin) {
  pid_t spinning = spawn_spinning_tree(0.3);
  pid_t idle = spawn_spinning_tree(0);
  TreeSampler s({.server_root = idle,
                 .co_roots = {spinning},
                 .helpers = {},
                 .server_core = {},
                 .helper_core = {},
                 .quiet_pct = 10});
  s.start();
  double idle_s = 0, spin_s = 0;
  int co_processes = 0;
  for (int i = 0; i < 40; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Interval iv = s.sample();
    ASSERT_EQ(iv.co_pct.size(), 1u);
    idle_s += iv.server_pct / 100 * iv.seconds;
    spin_s += iv.co_pct[0] / 100 * iv.seconds;
    co_processes = iv.co_processes.at(0);
    if (spin_s >= 0.2 && iv.co_pct[0] < 1) break;
  }
  end_tree(spinning);
  end_tree(idle);
  EXPECT_NEAR(spin_s, 0.3, 0.03);
  EXPECT_LT(idle_s, 0.02);
  EXPECT_EQ(co_processes, 2);
}

TEST(SamplerLive, TreePssIsPositiveAndBelowTheRssOfTwoCopies) {
  pid_t root = spawn_spinning_tree(0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::uint64_t pss = tree_pss_kib(root);
  std::uint64_t anon = tree_anon_pss_kib(root);
  std::optional<std::string> rollup =
      read_proc_file("/proc/" + std::to_string(root) + "/smaps_rollup");
  end_tree(root);
  ASSERT_TRUE(rollup);
  std::optional<std::uint64_t> rss = parse_kib_field(*rollup, "Rss");
  ASSERT_TRUE(rss);
  EXPECT_GT(pss, 0u);
  EXPECT_LT(pss, 2 * *rss);  // shared pages counted once, not once per process
  EXPECT_GT(anon, 0u);       // a stack and a heap at least
  EXPECT_LT(anon, pss);      // the binary and libc are file-backed
  EXPECT_TRUE(kernel_share_kib().has_value());
}

TEST(LoadLive, BytesSentReachTheListenerAtTheRequestedRate) {
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(ls, 16), 0);
  ASSERT_EQ(getsockname(ls, reinterpret_cast<sockaddr*>(&a), &len), 0);
  std::atomic<std::uint64_t> received{0};
  std::thread server([&] {
    std::vector<std::thread> readers;
    for (int i = 0; i < 2; ++i) {
      int c = accept(ls, nullptr, nullptr);
      if (c < 0) break;
      readers.emplace_back([c, &received] {
        char buf[4096];
        ssize_t n;
        while ((n = read(c, buf, sizeof buf)) > 0) received += static_cast<std::uint64_t>(n);
        close(c);
      });
    }
    for (auto& t : readers) t.join();
  });
  load::LoadOptions o;
  o.port = ntohs(a.sin_port);
  std::string error;
  o.plan = *load::make_plan(2, 1e6, 1460, error);
  o.seconds = std::chrono::milliseconds(500);
  load::LoadReport r = load::run_load(o);
  server.join();
  close(ls);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.connections, 2);
  EXPECT_EQ(received.load(), r.bytes_sent);
  // 2 connections x 1 Mbit/s x 0.5 s = 125,000 bytes, about 86 lines; open loop: all due lines.
  EXPECT_NEAR(static_cast<double>(r.lines_due), 2 * 0.5 / 0.01168, 3);
  EXPECT_NEAR(r.rate_bps_per_connection(), 1e6, 0.1e6);
}

}  // namespace
}  // namespace papaya::real::sampler
