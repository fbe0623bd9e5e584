// The Go runtime's G/P state changes in the trace (sim/go_events.hpp): recorded for every runtime
// step, written and read back as "go" lines, compared by replay.
#include <gtest/gtest.h>

#include <sstream>

#include "sim/simulation.hpp"
#include "sim/tests/helpers.hpp"
#include "traces/jsonl.hpp"

namespace papaya::sim {
namespace {

namespace go = model::go;

// main starts a goroutine that blocks on a Mutex main holds, then unlocks it and waits for it.
std::function<void(Os&)> handoff() {
  return [](Os& os) {
    GoMutex mu = os.new_mutex();
    GoChan done = os.new_chan(0);
    os.lock(mu);
    os.go([mu, done](Os& g) {
      g.lock(mu);
      g.unlock(mu);
      g.chan_send(done, 1);
    });
    os.gosched();
    os.unlock(mu);
    (void)os.chan_recv(done);
  };
}

std::string go_text(const traces::Trace& t) {
  std::string out;
  for (const std::string& l : traces::go_lines(t)) out += l + "\n";
  return out;
}

TEST(SimGoEvents, EveryRuntimeStepIsRecordedWithTheStateChangesItMade) {
  Options o = testing::checked(3);
  o.gomaxprocs = 1;
  Simulation sim(o);
  RunReport r = sim.run(handoff());
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  const traces::Trace& t = sim.trace();
  ASSERT_FALSE(t.go.empty());
  EXPECT_EQ(t.go.front().by, traces::GoBy::start);
  // G2 parks on the Mutex (semacquire), is readied by main's Unlock, runs and exits.
  const std::string text = go_text(t);
  EXPECT_NE(text.find(R"("g":2,"op":"Mutex.Lock","obj":1,"status":"parked")"), std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"({"g":2,"from":"running","to":"waiting","why":"park","wait":"semacquire","p":0})"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"("g":1,"op":"Mutex.Unlock","obj":1,"status":"done")"), std::string::npos);
  EXPECT_NE(text.find(R"({"g":2,"from":"waiting","to":"runnable","why":"ready"})"),
            std::string::npos);
  EXPECT_NE(text.find(R"({"g":2,"from":"running","to":"dead","why":"exit","p":0})"),
            std::string::npos);
  // every record lies between steps, in order; the events of all records are the runtime's
  std::size_t events = 0;
  for (std::size_t i = 0; i < t.go.size(); ++i) {
    if (i > 0) {
      EXPECT_LE(t.go[i - 1].at, t.go[i].at);
    }
    EXPECT_LE(t.go[i].at, t.steps.size());
    EXPECT_EQ(t.go[i].first_event, events);
    events += t.go[i].event_count;
  }
  EXPECT_EQ(events, t.go_events.size());
}

TEST(SimGoEvents, GoLinesRoundTripThroughTheFileAndAReplayReproducesThem) {
  Options o = testing::checked(5);
  o.go_preempt = true;
  Simulation sim(o);
  RunReport r = sim.run(handoff());
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  std::stringstream file;
  traces::write_jsonl(sim.trace(), file);
  traces::LoadedTrace loaded = traces::read_jsonl(file, "memory");
  EXPECT_EQ(loaded.go_lines, traces::go_lines(sim.trace()));
  ReplayReport rep = replay(loaded, handoff());
  EXPECT_FALSE(rep.diverged) << rep.divergence;
}

TEST(SimGoEvents, AReplayWhoseRuntimeDidSomethingElseDiverges) {
  Options o = testing::checked(5);
  o.gomaxprocs = 1;
  Simulation sim(o);
  ASSERT_EQ(sim.run(handoff()).verdict, Verdict::ok);
  std::stringstream file;
  traces::write_jsonl(sim.trace(), file);
  traces::LoadedTrace loaded = traces::read_jsonl(file, "memory");
  // a recording that says G2 parked on a channel rather than on the Mutex
  bool changed = false;
  for (std::string& l : loaded.go_lines) {
    auto at = l.find(R"("wait":"semacquire")");
    if (at == std::string::npos) continue;
    l.replace(at, 19, R"("wait":"chan receive")");
    changed = true;
    break;
  }
  ASSERT_TRUE(changed);
  ReplayReport rep = replay(loaded, handoff());
  EXPECT_TRUE(rep.diverged);
  EXPECT_NE(rep.divergence.find("chan receive"), std::string::npos) << rep.divergence;
}

TEST(SimGoEvents, TheSameSeedGivesTheSameGoLines) {
  Options o = testing::checked(11);
  o.go_preempt = true;
  EXPECT_EQ(check_determinism(o, handoff()), "");
  Simulation a(o), b(o);
  a.run(handoff());
  b.run(handoff());
  EXPECT_EQ(go_text(a.trace()), go_text(b.trace()));
  EXPECT_FALSE(a.trace().go.empty());
}

}  // namespace
}  // namespace papaya::sim
