// Format 2: a step names its actor below the process, the goroutine ("g") and the kernel thread
// ("m") that made it, written only when not 0 (a plain process's steps read as before). A trace
// in format 1 (before goroutine ids) is refused with one line that says how to get a new one.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "traces/jsonl.hpp"

namespace papaya::traces {
namespace {

Trace two_steps() {
  Trace t;
  t.header.papaya_version = "0.1.0";
  t.header.seed = 3;
  t.header.strategy = "random";
  t.header.max_steps = 100;
  Step& a = t.steps.emplace_back();
  a.pid = 1;
  a.op = model::OpKind::getpid;
  a.ret = 1;
  a.file = "sim/x.cpp";
  a.line = 7;
  Step& b = t.steps.emplace_back();
  b.pid = 2;
  b.g = 5;
  b.m = 1;
  b.op = model::OpKind::getpid;
  b.ret = 2;
  b.file = "sim/x.cpp";
  b.line = 9;
  return t;
}

std::string actor_trace_error(const std::string& text) {
  std::istringstream in(text);
  try {
    (void)read_jsonl(in, "t");
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

TEST(ActorJsonl, AGoroutinesStepNamesItsGoroutineAndThreadAndAPlainStepNeither) {
  const std::string text = to_jsonl(two_steps());
  EXPECT_NE(text.find("\"format\":2"), std::string::npos) << text;
  const std::vector<std::string> lines = step_lines(two_steps());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].find("\"g\""), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("\"m\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("\"pid\":2,\"g\":5,\"m\":1,"), std::string::npos) << lines[1];
  std::istringstream in(text);
  const LoadedTrace back = read_jsonl(in, "t");
  EXPECT_EQ(back.step_lines, lines);  // what a replay compares keeps the actor
}

TEST(ActorJsonl, AFormatOneTraceIsRefusedWithOneLineSayingToReRecordIt) {
  std::string text = to_jsonl(two_steps());
  text.replace(text.find("\"format\":2"), 10, "\"format\":1");
  const std::string e = actor_trace_error(text);
  EXPECT_EQ(e.rfind("t:1: trace format 1 predates goroutine ids; re-record it", 0), 0u) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(ActorJsonl, AGoroutineIdThatIsNotAWhole32BitNumberIsRefused) {
  std::string text = to_jsonl(two_steps());
  std::string bad = text;
  bad.replace(bad.find("\"g\":5"), 5, "\"g\":-5");
  EXPECT_NE(actor_trace_error(bad).find("field \"g\" is out of range"), std::string::npos)
      << actor_trace_error(bad);
  bad = text;
  bad.replace(bad.find("\"g\":5"), 5, "\"g\":\"x\"");
  EXPECT_NE(actor_trace_error(bad).find("field \"g\" is not a whole number"), std::string::npos);
  bad = text;
  bad.replace(bad.find("\"m\":1"), 5, "\"m\":70000");
  EXPECT_NE(actor_trace_error(bad).find("field \"m\" is out of range"), std::string::npos);
}

}  // namespace
}  // namespace papaya::traces
