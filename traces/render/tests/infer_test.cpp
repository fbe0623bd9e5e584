// The inference passes: roles, fork / kill / unlock -> grant / write -> read / reap edges, and
// the lock-held and blocked intervals.
#include "traces/render/infer.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "traces/render/dot.hpp"
#include "traces/render/label.hpp"
#include "traces/render/load.hpp"
#include "traces/render/perfetto.hpp"
#include "traces/render/tests/test_data.hpp"

namespace papaya::render {
namespace {

using test::data_path;
using test::trace_of;

bool has_edge(const RenderModel& m, EdgeKind k, std::size_t from, std::size_t to,
              const std::string& label) {
  return std::find(m.edges.begin(), m.edges.end(), Edge{k, from, to, label}) != m.edges.end();
}

std::vector<Edge> edges_of(const RenderModel& m, EdgeKind k) {
  std::vector<Edge> out;
  for (const Edge& e : m.edges)
    if (e.kind == k) out.push_back(e);
  return out;
}

TEST(RenderInfer, ForkEdgeGoesFromTheForkToTheChildsFirstStep) {
  RenderModel m = load_render_model_file(data_path("locks.jsonl"));
  EXPECT_TRUE(has_edge(m, EdgeKind::fork, 1, 2, "fork"));
  EXPECT_EQ(edges_of(m, EdgeKind::fork).size(), 1u);
  ASSERT_NE(m.lane(2), nullptr);
  EXPECT_EQ(m.lane(2)->parent, 1);
  EXPECT_EQ(m.lane(2)->steps, (std::vector<std::size_t>{2, 4, 7, 8, 9, 10}));
}

TEST(RenderInfer, UnlockEdgeGoesToTheGrantItUnblocked) {
  RenderModel m = load_render_model_file(data_path("locks.jsonl"));
  EXPECT_EQ(edges_of(m, EdgeKind::unlock_grant),
            (std::vector<Edge>{{EdgeKind::unlock_grant, 6, 7, "LOCK_EX"}}));
}

TEST(RenderInfer, WriteEdgeGoesToTheReadOfThoseBytes) {
  RenderModel m = load_render_model_file(data_path("locks.jsonl"));
  EXPECT_EQ(edges_of(m, EdgeKind::write_read),
            (std::vector<Edge>{{EdgeKind::write_read, 5, 8, "[0,10)"}}));
}

TEST(RenderInfer, ExitEdgeGoesToTheWaitpidThatReapedIt) {
  RenderModel m = load_render_model_file(data_path("locks.jsonl"));
  EXPECT_TRUE(has_edge(m, EdgeKind::reap, 10, 11, "exit 0"));
}

TEST(RenderInfer, LockHeldAndBlockedIntervals) {
  RenderModel m = load_render_model_file(data_path("locks.jsonl"));
  std::vector<Interval> expected{
      {IntervalKind::lock_ex, 1, 3, 6, false, 1, ""},
      {IntervalKind::blocked, 2, 4, 7, false, 0, "flock"},
      {IntervalKind::lock_ex, 2, 7, 9, false, 1, ""},
  };
  EXPECT_EQ(m.intervals, expected);
}

TEST(RenderInfer, ReadSeesOnlyTheLatestWriteOfEachByte) {
  // pid 1 writes [0,4), pid 2 overwrites [2,6), pid 3 reads [0,6): both writes; pid 3 reads [3,5):
  // only pid 2's.
  RenderModel m = load_render_model(
      trace_of({
          R"("pid":1,"op":"pwrite","args":{"fd":3,"len":4,"off":0},"inode":7,"pos":0,"moved":4,"status":"done","ret":4,"site":"a:1")",
          R"("pid":2,"op":"pwrite","args":{"fd":3,"len":4,"off":2},"inode":7,"pos":2,"moved":4,"status":"done","ret":4,"site":"a:2")",
          R"("pid":3,"op":"pread","args":{"fd":3,"len":9,"off":0},"inode":7,"pos":0,"moved":6,"status":"done","ret":6,"site":"a:3")",
          R"("pid":3,"op":"pread","args":{"fd":3,"len":2,"off":3},"inode":7,"pos":3,"moved":2,"status":"done","ret":2,"site":"a:4")",
          R"("pid":3,"op":"pread","args":{"fd":3,"len":2,"off":3},"inode":8,"pos":3,"moved":2,"status":"done","ret":2,"site":"a:5")",
      }),
      "t");
  EXPECT_EQ(edges_of(m, EdgeKind::write_read),
            (std::vector<Edge>{{EdgeKind::write_read, 0, 2, "[0,2)"},
                               {EdgeKind::write_read, 1, 2, "[2,6)"},
                               {EdgeKind::write_read, 1, 3, "[3,5)"}}));
}

TEST(RenderInfer, KillEdgeGoesToEintrAndToDeathBySignal) {
  RenderModel m = load_render_model_file(data_path("signals.jsonl"));
  EXPECT_EQ(edges_of(m, EdgeKind::kill), (std::vector<Edge>{{EdgeKind::kill, 7, 8, "SIGUSR1"},
                                                            {EdgeKind::kill, 10, 11, "SIGTERM"}}));
  EXPECT_TRUE(has_edge(m, EdgeKind::reap, 11, 12, "SIGTERM"));
}

TEST(RenderInfer, GroupKillSkipsProcessesThatIgnoreTheSignal) {
  RenderModel m = load_render_model_file(data_path("groups.jsonl"));
  // SIGUSR1 to group 2: pid 2 and pid 4 ignore it (pid 4 inherited SIG_IGN), pid 3 catches it.
  // SIGTERM to group 2 kills all three.
  EXPECT_EQ(edges_of(m, EdgeKind::kill), (std::vector<Edge>{{EdgeKind::kill, 8, 9, "SIGUSR1"},
                                                            {EdgeKind::kill, 10, 11, "SIGTERM"},
                                                            {EdgeKind::kill, 10, 12, "SIGTERM"},
                                                            {EdgeKind::kill, 10, 13, "SIGTERM"}}));
}

TEST(RenderInfer, CaughtSignalNoticedByTakeCaughtIsAnEffect) {
  RenderModel m = load_render_model(
      trace_of({
          R"("pid":1,"op":"fork","status":"done","ret":2,"site":"a:1")",
          R"("pid":2,"op":"sigaction","args":{"sig":"SIGTERM","action":"catch","restart":false},"status":"done","ret":0,"site":"a:2")",
          R"("pid":1,"op":"kill","args":{"pid":2,"sig":"SIGTERM"},"status":"done","ret":0,"site":"a:3")",
          R"("pid":2,"op":"take_caught","args":{"sig":"SIGINT"},"status":"done","ret":0,"site":"a:4")",
          R"("pid":2,"op":"take_caught","args":{"sig":"SIGTERM"},"status":"done","ret":1,"site":"a:5")",
      }),
      "t");
  EXPECT_EQ(edges_of(m, EdgeKind::kill), (std::vector<Edge>{{EdgeKind::kill, 2, 4, "SIGTERM"}}));
}

TEST(RenderInfer, RolesComeFromInitAcceptAndCallSites) {
  RenderModel m = load_render_model(
      trace_of({
          R"("pid":1,"op":"fork","status":"done","ret":2,"site":"chat/scenario.cpp:146")",
          R"("pid":2,"op":"setpgid","args":{"pid":0,"pgid":0},"status":"done","ret":0,"site":"chat/scenario.cpp:147")",
          R"("pid":2,"op":"accept","args":{"fd":3},"status":"done","ret":4,"site":"chat/process_server.cpp:77")",
          R"("pid":2,"op":"fork","status":"done","ret":3,"site":"chat/process_server.cpp:114")",
          R"("pid":3,"op":"recv","args":{"fd":4,"len":128},"status":"done","ret":128,"site":"chat/process_auth.cpp:30")",
          R"("pid":3,"op":"fork","status":"done","ret":4,"site":"chat/process_auth.cpp:83")",
          R"("pid":4,"op":"sigprocmask","args":{"how":"block","set":["SIGUSR1"]},"status":"done","ret":0,"site":"chat/process_send.cpp:53")",
          R"("pid":3,"op":"recv","args":{"fd":4,"len":4096},"status":"done","ret":5,"site":"chat/process_recv.cpp:45")",
          R"("pid":1,"op":"fork","status":"done","ret":5,"site":"chat/scenario.cpp:167")",
          R"("pid":5,"op":"connect","args":{"port":7000},"host":"127.0.0.1","status":"done","ret":3,"site":"chat/scenario.cpp:101")",
          R"("pid":1,"op":"fork","status":"done","ret":6,"site":"chat/scenario.cpp:167")",
          R"("pid":6,"op":"send","args":{"fd":3,"len":24},"status":"done","ret":24,"site":"os/io.cpp:28")",
      }),
      "t");
  std::vector<std::pair<Pid, std::string>> roles;
  for (const Lane& l : m.lanes) roles.emplace_back(l.pid, l.role);
  EXPECT_EQ(roles, (std::vector<std::pair<Pid, std::string>>{{1, "init"},
                                                             {2, "daemon"},
                                                             {3, "auth -> Child RECV"},
                                                             {4, "Child SEND"},
                                                             {5, "client"},
                                                             {6, ""}}));
}

TEST(RenderInfer, HighlightsAddTheLastStepWhenTheVerdictIsNotOk) {
  RenderModel ok = load_render_model_file(data_path("locks.jsonl"));
  EXPECT_EQ(highlighted_steps(ok, test::options({5, 2, 5}, false, 0, 0)),
            (std::vector<std::size_t>{2, 5}));
  RenderModel failed = load_render_model_file(data_path("signals.jsonl"));
  EXPECT_EQ(highlighted_steps(failed, test::options({3}, false, 0, 0)),
            (std::vector<std::size_t>{3, 13}));
}

TEST(RenderInfer, WindowIsClippedToTheTrace) {
  RenderModel m = load_render_model_file(data_path("locks.jsonl"));  // 13 steps
  Window w = window_of(m, test::options({}, false, 10, 5));
  EXPECT_EQ(w.begin, 10u);
  EXPECT_EQ(w.end, 13u);
  EXPECT_TRUE(w.truncated(13));
  w = window_of(m, test::options({}, false, 0, 0));
  EXPECT_EQ(w.end, 13u);
  EXPECT_FALSE(w.truncated(13));
}

// A kill -9 from outside (a KillFault's victim, "fault":"kill -9") has no sender: no kill edge,
// its step says so, and both renderers mark it as a fault.
TEST(RenderInfer, AKillFromOutsideIsAFaultWithNoSender) {
  RenderModel m = load_render_model(
      trace_of({
          R"("pid":1,"op":"fork","status":"done","ret":2,"site":"a:1")",
          R"("pid":2,"op":"getpid","status":"exited","fault":"kill -9","term_signal":"SIGKILL","site":"a:2")",
          R"("pid":1,"op":"waitpid","args":{"pid":2,"nohang":false},"status":"done","ret":2,"term_signal":"SIGKILL","site":"a:3")",
      }),
      "t");
  ASSERT_EQ(m.events.size(), 3u);
  EXPECT_TRUE(m.events[1].killed_from_outside);
  EXPECT_FALSE(m.events[2].killed_from_outside);
  EXPECT_TRUE(edges_of(m, EdgeKind::kill).empty());
  EXPECT_EQ(result_text(m.events[1]), "killed by kill -9 from outside");
  const std::string dot = to_dot(m, test::options({}, /*full=*/true));
  EXPECT_NE(dot.find("killed by kill -9 from outside"), std::string::npos);
  const std::string json = to_perfetto_json(m);
  EXPECT_NE(json.find("\"name\":\"kill -9 from outside\",\"cat\":\"fault\""), std::string::npos)
      << json;
}

}  // namespace
}  // namespace papaya::render
