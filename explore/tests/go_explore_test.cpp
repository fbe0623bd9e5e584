// Exploring goroutine programs (docs/explore.md, "Goroutine operations"): the event log's actors
// below the process, the Go runtime's footprints, and the proof that the reduction loses nothing:
// dfs, source-DPOR and optimal DPOR cover exactly the same Mazurkiewicz traces of small goroutine
// programs, and the goroutine versions of the DPOR benchmarks reach the published number of
// program-level traces.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include "explore/explorer.hpp"
#include "explore/program_trace.hpp"
#include "explore/programs.hpp"
#include "sim/event_log.hpp"
#include "sim/strategy.hpp"

namespace papaya::explore {
namespace {

struct GoRun {
  Result result;
  std::set<std::uint64_t> program_traces;
};

GoRun go_explore(std::function<void(Os&)> init, StrategyName s, int gomaxprocs,
                 std::uint64_t max = 200'000, int bound = -1, bool go_preempt = false) {
  auto names = std::make_shared<std::set<std::uint64_t>>();
  Program p;
  p.init = std::move(init);
  p.header.gomaxprocs = gomaxprocs;
  p.header.go_preempt = go_preempt;
  p.check = [names](const sim::Simulation& sim, const sim::RunReport& r) {
    names->insert(program_trace_name(sim.trace()));
    return r.verdict == Verdict::ok ? std::string()
                                    : std::string(verdict_name(r.verdict)) + ": " + r.detail;
  };
  Config c;
  c.strategy = s;
  c.max_executions = max;
  c.bound = bound;
  c.keep_trace_names = true;
  c.data_options = 1;
  GoRun out;
  out.result = explore(p, c);
  out.program_traces = *names;
  return out;
}

// Two goroutines each take a Mutex and write their number into one file under it; `shared`: the
// same Mutex, else one each (then only the file orders them).
std::function<void(Os&)> go_lockers(bool shared) {
  return [shared](Os& os) {
    papaya::Result<Fd> fd = os.open("x", OpenFlags::rdwr | OpenFlags::creat);
    if (!fd) os.exit(2);
    const GoMutex a = os.new_mutex();
    const GoMutex b = shared ? a : os.new_mutex();
    std::vector<GoChan> done;
    for (int w = 0; w < 2; ++w) {
      const GoChan d = os.new_chan(1);
      done.push_back(d);
      const GoMutex mu = w == 0 ? a : b;
      const Fd f = *fd;
      os.go([mu, d, f, w](Os& g) {
        g.lock(mu);
        const char c = static_cast<char>('0' + w);
        (void)g.pwrite(f, std::string_view(&c, 1), 0);
        g.unlock(mu);
        g.chan_send(d, 1);
      });
    }
    for (GoChan d : done) (void)os.chan_recv(d);
  };
}

// Two goroutines write their digit into one file, each then sending on a channel of its own.
std::function<void(Os&)> go_two_writers() {
  return [](Os& os) {
    papaya::Result<Fd> fd = os.open("x", OpenFlags::rdwr | OpenFlags::creat);
    if (!fd) os.exit(2);
    const Fd f = *fd;
    std::vector<GoChan> done;
    for (int w = 0; w < 2; ++w) {
      const GoChan d = os.new_chan(1);
      done.push_back(d);
      os.go([f, d, w](Os& g) {
        const char c = static_cast<char>('0' + w);
        (void)g.pwrite(f, std::string_view(&c, 1), 0);
        g.chan_send(d, 1);
      });
    }
    for (GoChan d : done) (void)os.chan_recv(d);
  };
}

// A producer sends two values on a buffered channel; a consumer receives them and writes each.
std::function<void(Os&)> go_pipeline() {
  return [](Os& os) {
    papaya::Result<Fd> fd = os.open("x", OpenFlags::rdwr | OpenFlags::creat);
    if (!fd) os.exit(2);
    const GoChan ch = os.new_chan(1);
    const GoChan done = os.new_chan(1);
    const Fd f = *fd;
    os.go([ch](Os& g) {
      g.chan_send(ch, 1);
      g.chan_send(ch, 2);
      g.chan_close(ch);
    });
    os.go([ch, done, f](Os& g) {
      for (;;) {
        GoReceived r = g.chan_recv(ch);
        if (!r.ok) break;
        const char c = static_cast<char>('0' + r.value);
        (void)g.pwrite(f, std::string_view(&c, 1), 0);
      }
      g.chan_send(done, 1);
    });
    (void)os.chan_recv(done);
  };
}

// readers(1) across a Go program and a process: pid 1 forks a Go program whose goroutine loads
// x, and a process that stores into x. The Go program's runtime steps are ordered among
// themselves, and against the writer only through the file.
std::function<void(Os&)> go_and_process_readers() {
  return [](Os& os) {
    papaya::Result<Fd> fd = os.open("x", OpenFlags::rdwr | OpenFlags::creat);
    if (!fd) os.exit(2);
    const Fd x = *fd;
    papaya::Result<Pid> a = os.fork([x](Os& o) {
      const GoChan done = o.new_chan(1);
      o.go([x, done](Os& g) {
        char c = 0;
        (void)g.pread(x, std::span<char>(&c, 1), 0);
        g.chan_send(done, 1);
      });
      (void)o.chan_recv(done);
    });
    papaya::Result<Pid> b = os.fork([x](Os& o) {
      const char one = 1;
      (void)o.pwrite(x, std::string_view(&one, 1), 0);
    });
    if (!a || !b) os.exit(3);
    (void)os.waitpid(*a, false);
    (void)os.waitpid(*b, false);
  };
}

TEST(GoExploreLog, GoActorsGetSlotsOfTheirOwnAndTheTraceNameIgnoresTheOrderTheyFirstStep) {
  // Two Go actors' independent steps in either order: one trace. Their ids are above every pid,
  // where a process-indexed log had no room.
  const Pid p0 = sim::go_actor_id(1, 0, 0);
  const Pid p1 = sim::go_actor_id(1, 0, 1);
  auto ev = [](Pid actor, std::uint32_t obj) {
    sim::Event e;
    e.effect.pid = actor;
    e.effect.access.push_back({sim::Obj::go_mutex, true, sim::go_obj_id(1, obj)});
    return e;
  };
  sim::EventLog a;
  a.add(ev(p0, 1));
  a.add(ev(p1, 2));
  sim::EventLog b;
  b.add(ev(p1, 2));
  b.add(ev(p0, 1));
  EXPECT_EQ(a.trace_hash(), b.trace_hash());
  EXPECT_FALSE(a.before(0, 1));
  // On one Mutex the two orders are two traces, and the second step is after the first.
  sim::EventLog c;
  c.add(ev(p0, 1));
  c.add(ev(p1, 1));
  sim::EventLog d;
  d.add(ev(p1, 1));
  d.add(ev(p0, 1));
  EXPECT_NE(c.trace_hash(), d.trace_hash());
  EXPECT_TRUE(c.before(0, 1));
  // A process gets the first free slot below the Go actors' the first time the log meets it, and
  // keeps it (pids by fork path can be large).
  sim::Event q;
  q.effect.pid = 290;
  c.add(q);
  EXPECT_EQ(c.event(2).actor_slot, 1u);
  q.effect.pid = 2;
  c.add(q);
  EXPECT_EQ(c.event(3).actor_slot, 2u);
  c.clear();
  c.add(q);
  EXPECT_EQ(c.event(0).actor_slot, 2u);
}

// Source-DPOR covers exactly dfs's traces (the sets of trace names are equal) and the same
// program-level traces; optimal DPOR covers a subset, all of them where none of its wakeup-tree
// branches was dropped (blocking operations leave the paper's model: docs/explore.md).
TEST(GoExplore, DporCoversExactlyTheTracesDfsCoversOnSmallGoroutinePrograms) {
  struct Case {
    const char* name;
    std::function<void(Os&)> init;
    int gomaxprocs;
  };
  for (const Case& c :
       {Case{"lockers(shared), GOMAXPROCS 1", go_lockers(true), 1},
        Case{"lockers(own), GOMAXPROCS 1", go_lockers(false), 1},
        Case{"pipeline, GOMAXPROCS 1", go_pipeline(), 1},
        Case{"Go reader and process writer, GOMAXPROCS 1", go_and_process_readers(), 1}}) {
    GoRun dfs = go_explore(c.init, StrategyName::dfs, c.gomaxprocs);
    GoRun dpor = go_explore(c.init, StrategyName::dpor, c.gomaxprocs);
    GoRun optimal = go_explore(c.init, StrategyName::optimal, c.gomaxprocs);
    ASSERT_TRUE(dfs.result.exhausted) << c.name;
    ASSERT_TRUE(dpor.result.exhausted) << c.name;
    ASSERT_TRUE(optimal.result.exhausted) << c.name;
    EXPECT_FALSE(dfs.result.violation) << c.name << ": " << dfs.result.violation->detail;
    EXPECT_EQ(dpor.result.trace_names, dfs.result.trace_names) << c.name;
    EXPECT_EQ(dpor.result.executions, dpor.result.traces) << c.name;
    EXPECT_EQ(dpor.program_traces, dfs.program_traces) << c.name;
    for (std::uint64_t t : optimal.result.trace_names) {
      EXPECT_TRUE(dfs.result.trace_names.count(t)) << c.name << ": a trace dfs never ran";
    }
    if (optimal.result.wakeup_divergences == 0) {
      EXPECT_EQ(optimal.result.trace_names, dfs.result.trace_names) << c.name;
    }
    std::printf(
        "%s: dfs %llu executions, %llu traces; dpor %llu (+%llu abandoned); optimal %llu "
        "(+%llu, %llu branches dropped); program-level traces %zu\n",
        c.name, static_cast<unsigned long long>(dfs.result.executions),
        static_cast<unsigned long long>(dfs.result.traces),
        static_cast<unsigned long long>(dpor.result.executions),
        static_cast<unsigned long long>(dpor.result.abandoned),
        static_cast<unsigned long long>(optimal.result.executions),
        static_cast<unsigned long long>(optimal.result.abandoned),
        static_cast<unsigned long long>(optimal.result.wakeup_divergences),
        dfs.program_traces.size());
  }
}

// The reader and the writer in either order: two program-level traces, whatever the runtime did.
TEST(GoExplore, AGoReaderAndAProcessWriterHaveTwoProgramLevelTraces) {
  GoRun dpor = go_explore(go_and_process_readers(), StrategyName::dpor, 1);
  EXPECT_TRUE(dpor.result.exhausted);
  EXPECT_EQ(dpor.program_traces.size(), 2u);
}

// Preemption bounding on goroutine programs (docs/explore.md, "Goroutine programs": a preemption
// is a schedule decision that switches away from the actor, a thread, that stepped last while it
// could still step). Bound 0 runs the goroutines as Go's run queues order them and switches
// threads only where the last one blocked: fewer traces; each larger bound reaches a superset,
// all within the unbounded space's, until they are all of them (source-DPOR's, which equal
// unbounded dfs's: DporCoversExactlyTheTracesDfsCoversOnSmallGoroutinePrograms).
TEST(GoExplore, BoundedDfsGrowsWithTheBoundToExactlyTheTracesOfUnboundedDfs) {
  const auto init = go_and_process_readers();
  const GoRun all = go_explore(init, StrategyName::dpor, 1);
  ASSERT_TRUE(all.result.exhausted);
  std::set<std::uint64_t> before;
  int covered_at = -1;
  for (int k = 0; k <= 2 && covered_at < 0; ++k) {
    const GoRun b = go_explore(init, StrategyName::dfs, 1, 200'000, k);
    ASSERT_TRUE(b.result.exhausted) << "bound " << k;
    EXPECT_TRUE(b.result.preemption_bounded) << "bound " << k << " cut nothing";
    for (std::uint64_t t : before) EXPECT_TRUE(b.result.trace_names.count(t)) << "bound " << k;
    for (std::uint64_t t : b.result.trace_names)
      EXPECT_TRUE(all.result.trace_names.count(t)) << "bound " << k << ": a trace dfs never ran";
    if (k == 0) {
      EXPECT_LT(b.result.traces, all.result.traces);
    }
    std::printf(
        "Go reader and process writer, GOMAXPROCS 1, dfs --bound %d: %llu executions, "
        "%llu traces (unbounded dpor: %llu, %llu)\n",
        k, static_cast<unsigned long long>(b.result.executions),
        static_cast<unsigned long long>(b.result.traces),
        static_cast<unsigned long long>(all.result.executions),
        static_cast<unsigned long long>(all.result.traces));
    if (b.result.trace_names == all.result.trace_names) covered_at = k;
    before = b.result.trace_names;
  }
  EXPECT_EQ(covered_at, 1);
}

// On one P the run queues fix the order of the two writes (runnext first: the second goroutine
// writes first); only sysmon's preemption of it (--go-preempt) lets the first write first. With
// a bound that preemption is counted: bound 0 keeps the one order, bound 1 reaches both; without
// a bound it is a data decision, not explored at the default --data-options 1.
TEST(GoExplore, SysmonsPreemptionIsCountedAgainstTheBoundAndOnlyItReordersWritersOnOneP) {
  const GoRun unbounded = go_explore(go_two_writers(), StrategyName::dfs, 1, 200'000, -1, true);
  const GoRun zero = go_explore(go_two_writers(), StrategyName::dfs, 1, 200'000, 0, true);
  const GoRun one = go_explore(go_two_writers(), StrategyName::dfs, 1, 200'000, 1, true);
  const GoRun plain_one = go_explore(go_two_writers(), StrategyName::dfs, 1, 200'000, 1, false);
  ASSERT_TRUE(unbounded.result.exhausted && zero.result.exhausted && one.result.exhausted &&
              plain_one.result.exhausted);
  EXPECT_EQ(unbounded.program_traces.size(), 1u);
  EXPECT_EQ(zero.program_traces.size(), 1u);
  EXPECT_EQ(zero.program_traces, unbounded.program_traces);
  EXPECT_EQ(plain_one.program_traces, unbounded.program_traces);
  EXPECT_EQ(one.program_traces.size(), 2u);
  EXPECT_TRUE(one.result.preemption_bounded);
  EXPECT_GT(one.result.per_bound.at(1), 0u);
  std::printf(
      "two writers, GOMAXPROCS 1, --go-preempt: dfs --bound 0 %llu executions, "
      "--bound 1 %llu (%llu with one preemption)\n",
      static_cast<unsigned long long>(zero.result.executions),
      static_cast<unsigned long long>(one.result.executions),
      static_cast<unsigned long long>(one.result.per_bound.at(1)));
}

}  // namespace
}  // namespace papaya::explore
