// Goroutine programs in pictures: lanes per goroutine grouped by P, their states, the go/ready
// edges, and both renderers' structure (traces/render/tests/data/goroutines.jsonl: a Go program of
// two goroutines and two Ps; G2 parks on the Mutex G1 holds across a syscall).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "traces/jsonl.hpp"
#include "traces/render/dot.hpp"
#include "traces/render/infer.hpp"
#include "traces/render/load.hpp"
#include "traces/render/perfetto.hpp"
#include "traces/render/tests/test_data.hpp"

namespace papaya::render {
namespace {

using test::data_path;
using test::read_text;

RenderModel go_model() { return load_render_model_file(data_path("goroutines.jsonl")); }

const GoLane& lane_of(const RenderModel& m, std::uint32_t g) {
  auto it =
      std::find_if(m.go_lanes.begin(), m.go_lanes.end(), [g](const GoLane& l) { return l.g == g; });
  EXPECT_NE(it, m.go_lanes.end());
  return *it;
}

TEST(RenderGo, EachGoroutineHasALaneInThePItRanOnMost) {
  RenderModel m = go_model();
  ASSERT_EQ(m.go.size(), 11u);
  ASSERT_EQ(m.go_lanes.size(), 2u);
  EXPECT_TRUE(m.is_go(1));
  const GoLane& g1 = lane_of(m, 1);
  EXPECT_EQ(g1.home_p, 0);
  EXPECT_EQ(g1.go_steps, (std::vector<std::size_t>{1, 3, 5, 6, 7, 10}));
  EXPECT_EQ(g1.steps, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(g1.role, "server");
  const GoLane& g2 = lane_of(m, 2);
  EXPECT_EQ(g2.home_p, 1);
  EXPECT_EQ(g2.parent, 1u);
  EXPECT_EQ(g2.go_steps, (std::vector<std::size_t>{4, 9}));
  EXPECT_TRUE(g2.steps.empty());
  EXPECT_EQ(g2.role, "hub");
}

TEST(RenderGo, StepsAndGoLinesShareOneOrderAndKernelStepsGoToTheGoroutineInItsSyscall) {
  RenderModel m = go_model();
  EXPECT_EQ(m.step_pos, (std::vector<std::size_t>{6, 12}));
  EXPECT_EQ(m.go_pos, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11}));
  EXPECT_EQ(m.positions, 13u);
  EXPECT_EQ(m.events[0].g, 1u);  // G1 entered the syscall at go line 5
  EXPECT_EQ(m.events[1].g, 1u);  // exit: no syscall queued, the main goroutine
}

TEST(RenderGo, AStepsOwnGoroutineIdWinsOverTheSyscallOrder) {
  std::string text = read_text(data_path("goroutines.jsonl"));
  const std::string from = R"("op":"getpid","status")";
  text.replace(text.find(from), from.size(), R"("op":"getpid","g":2,"status")");
  RenderModel m = load_render_model(text, "g.jsonl");
  EXPECT_EQ(m.events[0].g, 2u);
  EXPECT_EQ(lane_of(m, 2).steps, (std::vector<std::size_t>{0}));
}

TEST(RenderGo, StatesFollowTheEventsAndRunningNamesItsP) {
  RenderModel m = go_model();
  std::vector<std::tuple<std::uint32_t, std::string, std::string, int, std::size_t, std::size_t>>
      got;
  for (const GoState& s : m.go_states) got.emplace_back(s.g, s.state, s.wait, s.p, s.begin, s.end);
  using T = decltype(got)::value_type;
  EXPECT_EQ(got,
            (decltype(got){T{1, "running", "", 0, 0, 5}, T{1, "syscall", "", -1, 5, 7},
                           T{1, "running", "", 0, 7, 11}, T{2, "runnable", "", -1, 1, 2},
                           T{2, "running", "", 1, 2, 4}, T{2, "waiting", "semacquire", -1, 4, 8},
                           T{2, "runnable", "", -1, 8, 9}, T{2, "running", "", 1, 9, 10}}));
}

TEST(RenderGo, GoAndReadyEdgesComeFromTheGoroutineThatDidIt) {
  RenderModel m = go_model();
  ASSERT_EQ(m.go_edges.size(), 2u);
  EXPECT_EQ(m.go_edges[0].kind, "go");
  EXPECT_EQ(m.go_edges[0].from_go, 1u);
  EXPECT_EQ(m.go_edges[0].to_g, 2u);
  EXPECT_EQ(m.go_edges[1].kind, "ready");
  EXPECT_EQ(m.go_edges[1].from_go, 7u);
  EXPECT_EQ(m.go_edges[1].label, "Mutex.Unlock");
}

TEST(RenderGo, DotDrawsAClusterPerProgramAndPerPWithTheGoroutineLanesInside) {
  const std::string dot = to_dot(go_model(), RenderOptions{});
  const auto program = dot.find("subgraph cluster_go1 {");
  const auto p0 = dot.find("subgraph cluster_go1_p0 {");
  const auto p1 = dot.find("subgraph cluster_go1_p1 {");
  const auto g1 = dot.find("hg1_1 [group=g1_1, label=\"G1: main server\"");
  const auto g2 = dot.find("hg1_2 [group=g1_2, label=\"G2: hub\"");
  ASSERT_NE(program, std::string::npos) << dot;
  ASSERT_NE(g1, std::string::npos) << dot;
  ASSERT_NE(g2, std::string::npos) << dot;
  EXPECT_LT(program, p0);
  EXPECT_LT(p0, g1);
  EXPECT_LT(g1, p1);  // G1 in P0's cluster, G2 in P1's
  EXPECT_LT(p1, g2);
  EXPECT_EQ(dot.find("  h1 ["), std::string::npos);  // no process lane for the Go program
  // the operations on the lanes, the syscall entries left out (their kernel step is drawn)
  EXPECT_NE(dot.find("q4 [group=g1_2, label=\"Mutex.Lock m1 parked (semacquire)\""),
            std::string::npos);
  EXPECT_NE(dot.find("q7 [group=g1_1, label=\"Mutex.Unlock m1\""), std::string::npos);
  EXPECT_NE(dot.find("s0 [group=g1_1"), std::string::npos);
  EXPECT_EQ(dot.find("q5 ["), std::string::npos);
  // G1's lane in order, G2 waits (dashed) from its park to its next node
  EXPECT_NE(dot.find("q1 -> q3 [weight=100"), std::string::npos);
  EXPECT_NE(dot.find("q3 -> s0 [weight=100"), std::string::npos);
  EXPECT_NE(dot.find("s0 -> q7 [weight=100"), std::string::npos);
  EXPECT_NE(dot.find("q4 -> q9 [weight=100, arrowhead=none, style=dashed"), std::string::npos);
  // go -> the new goroutine's first node; ready -> the readied one's next
  EXPECT_NE(dot.find("q1 -> q4 [color=\"#212529\""), std::string::npos);
  EXPECT_NE(dot.find("q7 -> q9 [color=\"#7048e8\""), std::string::npos);
}

TEST(RenderGo, PerfettoHasAProcessPerGoProgramWithAThreadPerPAndPerGoroutine) {
  const nlohmann::json j = nlohmann::json::parse(to_perfetto_json(go_model(), RenderOptions{}));
  std::vector<std::string> threads;
  bool program = false;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name" && e["pid"] == 1001)
      threads.push_back(e["args"]["name"]);
    if (e["ph"] == "M" && e["name"] == "process_name" && e["pid"] == 1001) program = true;
    if (e["ph"] == "M" && e["name"] == "thread_name") {
      EXPECT_NE(e["pid"], 1) << e.dump();
    }
  }
  EXPECT_TRUE(program);
  EXPECT_EQ(threads, (std::vector<std::string>{"P0", "P1", "G1: server", "G2: hub"}));
  auto slice = [&j](std::int64_t tid, const std::string& name) -> nlohmann::json {
    for (const auto& e : j["traceEvents"])
      if (e["ph"] == "X" && e["pid"] == 1001 && e["tid"] == tid && e["name"] == name) return e;
    return nullptr;
  };
  auto p1_g2 = slice(100001, "G2");  // P1 ran G2 from position 2 to 4 (and 9 to 10)
  ASSERT_FALSE(p1_g2.is_null());
  EXPECT_EQ(p1_g2["ts"], 2);
  EXPECT_EQ(p1_g2["dur"], 2);
  auto waiting = slice(2, "waiting: semacquire");
  ASSERT_FALSE(waiting.is_null());
  EXPECT_EQ(waiting["ts"], 4);
  EXPECT_EQ(waiting["dur"], 4);
  auto lock = slice(2, "Mutex.Lock parked");
  ASSERT_FALSE(lock.is_null());
  EXPECT_EQ(lock["args"]["obj"], 1);
  auto kernel = slice(1, "getpid = 1");  // G1's syscall, at its merged position
  ASSERT_FALSE(kernel.is_null()) << j.dump();
  EXPECT_EQ(kernel["ts"], 6);
  auto syscall = slice(1, "syscall");  // the kernel step's slice nests in it
  ASSERT_FALSE(syscall.is_null());
  EXPECT_EQ(syscall["ts"], 5);
  EXPECT_EQ(syscall["dur"], 2);
}

TEST(RenderGo, AMalformedGoLineIsAClearError) {
  std::string text = read_text(data_path("goroutines.jsonl"));
  auto bad = [&text](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    try {
      load_render_model(t, "g.jsonl");
    } catch (const traces::TraceError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(bad(R"("why":"created")", R"("why":"born")"),
            "g.jsonl:3: unknown G/P event reason \"born\"");
  EXPECT_EQ(bad(R"("op":"Mutex.Lock","obj":1,"status":"done")",
                R"("op":"Mutex.Grab","obj":1,"status":"done")"),
            "g.jsonl:5: unknown goroutine operation \"Mutex.Grab\"");
  EXPECT_EQ(
      bad(R"("to":"waiting","why":"park","wait":"semacquire")", R"("to":"waiting","why":"park")"),
      "g.jsonl:6: a G event has a \"wait\" reason exactly when it goes to waiting");
  EXPECT_EQ(bad(R"({"type":"go","step":1,"pid":1,"by":"exitsyscall")",
                R"({"type":"go","step":0,"pid":1,"by":"exitsyscall")"),
            "g.jsonl:9: a go line before step 0 where step 1 comes next");
  EXPECT_EQ(bad(R"("from":"idle","to":"running","why":"start")",
                R"("from":"idle","to":"asleep","why":"start")"),
            "g.jsonl:2: a P event's \"to\" is no state: \"asleep\"");
  EXPECT_EQ(bad(R"("by":"P1","ev")", R"("by":"Q1","ev")"),
            "g.jsonl:4: field \"by\" is not P<n>, exitsyscall, poller, sysmon or start: \"Q1\"");
}

}  // namespace
}  // namespace papaya::render
