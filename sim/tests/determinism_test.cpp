// Determinism, replay and the trace format: same seed -> byte-identical traces; different seeds ->
// different schedules; a serialised trace replays step for step; a tampered one diverges and says
// where; malformed files are rejected naming the line.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "os/io.hpp"
#include "sim/tests/helpers.hpp"
#include "traces/jsonl.hpp"

namespace papaya::sim {
namespace {

// A small program with plenty of nondeterminism: processes, a lock, signals, a socket.
void program(Os& os) {
  (void)os.sigaction(Sig::usr1, SigAction::catch_flag(/*restart=*/true));  // else EINTR everywhere
  Fd l = *os.listen("127.0.0.1", 7000, 4);
  std::vector<Pid> kids;
  for (int i = 0; i < 3; ++i)
    kids.push_back(*os.fork([i, l](Os& k) {
      Fd f = *k.open("/log", OpenFlags::wronly | OpenFlags::creat | OpenFlags::append);
      (void)k.flock(f, {LockOp::ex, false});
      (void)write_all(k, f, std::string(10, static_cast<char>('a' + i)));
      (void)k.kill(0, Sig::usr1);
      (void)k.flock(f, {LockOp::un, false});
      if (i == 0) {
        Fd s = *k.accept(l);
        std::vector<char> buf(8);
        while (*k.recv(s, std::span<char>(buf.data(), buf.size())) > 0) {
        }
      }
    }));
  (void)os.close(l);
  Fd c = *os.connect("127.0.0.1", 7000);
  (void)send_all(os, c, "a message cut anywhere");
  (void)os.close(c);
  for (Pid k : kids) (void)os.waitpid(k, false);
  os.log(LogLevel::info, "done");
}

std::string trace_text(std::uint64_t seed) {
  Simulation sim(testing::checked(seed));
  EXPECT_EQ(sim.run(program).verdict, Verdict::ok);
  return traces::to_jsonl(sim.trace());
}

TEST(Determinism, TheSameSeedTwiceGivesByteIdenticalTraces) {
  for (std::uint64_t seed : {1u, 2u, 77u}) EXPECT_EQ(trace_text(seed), trace_text(seed));
  EXPECT_EQ(check_determinism(testing::checked(5), program), "");
}

TEST(Determinism, DifferentSeedsGiveDifferentSchedules) {
  std::set<std::string> distinct;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) distinct.insert(trace_text(seed));
  EXPECT_GE(distinct.size(), 9u);
}

traces::LoadedTrace load(const std::string& text) {
  std::istringstream in(text);
  return traces::read_jsonl(in, "t");
}

TEST(Replay, ASerialisedTraceReplaysStepForStep) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Simulation sim(testing::checked(seed));
    RunReport first = sim.run(program);
    traces::LoadedTrace t = load(traces::to_jsonl(sim.trace()));
    EXPECT_EQ(t.decisions, sim.trace().decisions);
    ReplayReport rep = replay(t, program);
    EXPECT_FALSE(rep.diverged) << rep.divergence;
    EXPECT_EQ(rep.run.steps, first.steps);
    EXPECT_EQ(rep.run.verdict, first.verdict);
  }
}

TEST(Replay, ADecisionOfAnotherKindIsADivergenceNamingTheStep) {
  Simulation sim(testing::checked(3));
  sim.run(program);
  traces::LoadedTrace t = load(traces::to_jsonl(sim.trace()));
  ASSERT_GT(t.decisions.size(), 10u);
  t.decisions[10].kind = t.decisions[10].kind == model::DecisionKind::schedule
                             ? model::DecisionKind::segment
                             : model::DecisionKind::schedule;
  ReplayReport rep = replay(t, program);
  EXPECT_TRUE(rep.diverged);
  EXPECT_EQ(rep.run.verdict, Verdict::replay_divergence);
  EXPECT_NE(rep.run.detail.find("step "), std::string::npos) << rep.run.detail;
  EXPECT_NE(rep.run.detail.find("decision 10 was recorded as a"), std::string::npos)
      << rep.run.detail;
}

TEST(Replay, RunningOutOfRecordedDecisionsIsADivergence) {
  Simulation sim(testing::checked(3));
  sim.run(program);
  traces::LoadedTrace t = load(traces::to_jsonl(sim.trace()));
  t.decisions.resize(5);
  ReplayReport rep = replay(t, program);
  EXPECT_TRUE(rep.diverged);
  EXPECT_NE(rep.run.detail.find("ran out"), std::string::npos) << rep.run.detail;
}

TEST(Replay, ADifferentProgramDivergesAtTheFirstDifferentStep) {
  Simulation sim(testing::checked(3));
  sim.run(program);
  traces::LoadedTrace t = load(traces::to_jsonl(sim.trace()));
  ReplayReport rep = replay(t, [](Os& os) {
    (void)os.getpid();
    program(os);
  });
  EXPECT_TRUE(rep.diverged);
  EXPECT_EQ(rep.divergence.rfind("step 0: recorded", 0), 0u) << rep.divergence;
}

std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const traces::TraceError& e) {
    return e.what();
  }
  return "";
}

TEST(TraceFormat, MalformedTracesAreRejectedNamingTheLine) {
  std::string good = trace_text(1);
  std::vector<std::string> lines;
  std::istringstream in(good);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  auto join = [](const std::vector<std::string>& ls) {
    std::string s;
    for (const auto& l : ls) s += l + "\n";
    return s;
  };
  EXPECT_EQ(error_of(good), "");
  EXPECT_EQ(error_of(""), "t: empty file (no header line)");
  // truncated: no verdict line
  std::vector<std::string> cut(lines.begin(), lines.begin() + 20);
  EXPECT_EQ(error_of(join(cut)), "t:20: truncated: the file ends without a verdict line");
  // truncated in the middle of a line
  EXPECT_NE(error_of(good.substr(0, good.size() / 2)).find("truncated"), std::string::npos);
  // malformed JSON
  auto bad = lines;
  bad[3] = "{\"type\":\"step\",";
  EXPECT_NE(error_of(join(bad)).find("t:4: malformed JSON"), std::string::npos);
  // wrong version
  bad = lines;
  bad[0].replace(bad[0].find("\"format\":2"), 10, "\"format\":3");
  EXPECT_EQ(error_of(join(bad)), "t:1: trace format version 3; this papaya reads version 2");
  // a missing field
  bad = lines;
  bad[5].replace(bad[5].find("\"op\""), 4, "\"po\"");
  EXPECT_EQ(error_of(join(bad)), "t:6: missing field \"op\"");
  // a step out of order
  bad = lines;
  std::swap(bad[2], bad[3]);
  EXPECT_NE(error_of(join(bad)).find("t:3: step 2 where step 1 was expected"), std::string::npos);
  // a decision outside its options
  bad = lines;
  for (auto& l : bad)
    if (auto p = l.find("[\"schedule\","); p != std::string::npos) {
      l.replace(p, l.find(']', p) - p + 1, "[\"schedule\",2,2]");
      break;
    }
  EXPECT_NE(error_of(join(bad)).find("chose outside its options"), std::string::npos);
  // data after the verdict
  bad = lines;
  bad.push_back(lines[1]);
  EXPECT_NE(error_of(join(bad)).find("data after the verdict line"), std::string::npos);
}

TEST(TraceFormat, StepLinesCarryTheCallSiteRelativeToTheSourceTree) {
  std::string t = trace_text(1);
  EXPECT_NE(t.find("\"site\":\"sim/tests/determinism_test.cpp:"), std::string::npos);
  EXPECT_NE(t.find("\"message\":\"done\""), std::string::npos);
}

}  // namespace
}  // namespace papaya::sim
