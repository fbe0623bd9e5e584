// The sink server (papaya bench's sink workload) on the simulator: what its daemon does while its
// clients are idle. waitpid(-1, WNOHANG) walks every child in the kernel (kernel/exit.c, do_wait
// over the children list), so a daemon that reaped at every 1 s accept tick cost O(N) a second
// with nothing to reap: 0.3 % of a core at 10,000 idle clients where the C server's cost is 0
// (docs/results.md, "Idle connections").
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include "chat/sink_server.hpp"
#include "sim/simulation.hpp"

namespace papaya::chat {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct SinkRun {
  sim::RunReport report;
  traces::Trace trace;
  Pid server = 0;
};

// init: a listener, the sink server in its own group, two clients that connect, stay idle for
// `idle`, then close; 1 s later SIGTERM to the server.
SinkRun run_idle_clients(std::uint64_t seed, Duration idle) {
  sim::Options o;
  o.seed = seed;
  o.check_invariants = true;
  sim::Simulation sim(o);
  SinkRun out;
  out.report = sim.run([&out, idle](Os& os) {
    (void)os.open("out", OpenFlags::wronly | OpenFlags::creat);
    Fd listener = *os.listen("127.0.0.1", 7000, 8);
    Pid server = *os.fork([listener](Os& s) {
      (void)s.setpgid(0, 0);
      SinkConfig cfg;
      cfg.output_path = "out";
      s.exit(run_sink_server(s, cfg, listener));
    });
    (void)os.setpgid(server, server);
    (void)os.close(listener);
    out.server = server;
    for (int i = 0; i < 2; ++i) {
      (void)os.fork([idle](Os& c) {
        Result<Fd> fd = c.connect("127.0.0.1", 7000);
        if (!fd) c.exit(1);
        (void)c.sleep(idle);
        (void)c.close(*fd);
        c.exit(0);
      });
    }
    for (int i = 0; i < 2; ++i) (void)os.waitpid(-1, /*nohang=*/false);
    (void)os.sleep(seconds(1));
    (void)os.kill(server, Sig::term);
    (void)os.waitpid(server, /*nohang=*/false);
  });
  out.trace = sim.trace();
  return out;
}

TEST(SinkServerSim, TheDaemonCallsWaitpidOnlyAfterAChildEndedNotAtEveryTick) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SinkRun r = run_idle_clients(seed, seconds(5));
    ASSERT_EQ(r.report.verdict, Verdict::ok) << r.report.detail;
    // The server's children (one per accepted client) and when the first of them ends (the
    // clients' closes reach them after `idle`).
    std::vector<Pid> children;
    for (const traces::Step& s : r.trace.steps) {
      if (s.pid == r.server && s.op == model::OpKind::fork && s.ret > 0) {
        children.push_back(static_cast<Pid>(s.ret));
      }
    }
    ASSERT_EQ(children.size(), 2u) << "seed " << seed;
    std::optional<std::int64_t> first_child_exit;
    int waits_before = 0, reaped = 0;
    for (const traces::Step& s : r.trace.steps) {
      if (s.op == model::OpKind::exit && !first_child_exit &&
          std::find(children.begin(), children.end(), s.pid) != children.end()) {
        first_child_exit = s.time_ns;
      }
      if (s.pid != r.server || s.op != model::OpKind::waitpid) continue;
      if (!first_child_exit) ++waits_before;
      if (s.status == model::StepStatus::done && s.ret > 0) ++reaped;
    }
    ASSERT_TRUE(first_child_exit) << "seed " << seed;
    EXPECT_EQ(waits_before, 0) << "seed " << seed << ": the daemon reaped on its tick while every "
                               << "client was idle (about 5 ticks in 5 s)";
    EXPECT_EQ(reaped, 2) << "seed " << seed << ": both client processes reaped";
  }
}

}  // namespace
}  // namespace papaya::chat
