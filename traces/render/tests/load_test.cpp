// Reading traces for rendering: what a RenderModel holds, and the errors a bad file gets (each
// one line naming the file, the line and the problem).
#include "traces/render/load.hpp"

#include <gtest/gtest.h>

#include "traces/render/tests/test_data.hpp"

namespace papaya::render {
namespace {

using test::data_path;
using test::header_line;
using test::read_text;
using test::trace_of;

std::string error_of(const std::string& text) {
  try {
    load_render_model(text, "t.jsonl");
  } catch (const traces::TraceError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(RenderLoad, ParsesEveryFieldTheRenderersUse) {
  RenderModel m = load_render_model_file(data_path("locks.jsonl"));
  ASSERT_EQ(m.events.size(), 13u);
  const Event& w = m.events[5];
  EXPECT_EQ(w.step, 5u);
  EXPECT_EQ(w.line, 7u);
  EXPECT_EQ(w.pid, 1);
  EXPECT_EQ(w.op, model::OpKind::write);
  EXPECT_EQ(w.num("fd"), 3);
  EXPECT_EQ(w.num("len"), 10);
  EXPECT_EQ(w.inode, 1u);
  EXPECT_EQ(w.pos, 0);
  EXPECT_EQ(w.moved, 10);
  EXPECT_EQ(w.ret, 10);
  EXPECT_EQ(w.site, "tests/locks.cpp:13");
  EXPECT_EQ(w.site_file(), "tests/locks.cpp");
  EXPECT_EQ(m.events[0].text, "/log");
  EXPECT_EQ(m.events[3].str("lock"), "ex");
  EXPECT_EQ(m.events[3].num("nb"), 0);
  EXPECT_EQ(m.events[4].status, model::StepStatus::blocked);
  EXPECT_EQ(m.events[10].status, model::StepStatus::exited);
  EXPECT_EQ(m.events[10].exit_code, 0);
}

TEST(RenderLoad, KeepsWarningsVerdictAndHeader) {
  RenderModel m = load_render_model_file(data_path("signals.jsonl"));
  EXPECT_EQ(m.header.variant, "lost-wakeup");
  EXPECT_EQ(m.header.seed, 7u);
  EXPECT_EQ(m.verdict, Verdict::lost_delivery);
  EXPECT_EQ(m.detail, "client 1 never saw m001");
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_EQ(m.warnings[0].step, 13u);
  EXPECT_EQ(m.events[8].err, "EINTR");
  EXPECT_FALSE(m.events[8].ret.has_value());
  EXPECT_EQ(m.events[11].term_signal, "SIGTERM");
  EXPECT_EQ(m.events[2].str("set"), "{SIGUSR1}");
  EXPECT_EQ(m.events[4].text, "child \"SEND\" ready");
}

TEST(RenderLoad, MalformedLineIsAnErrorNamingTheLine) {
  std::string text =
      trace_of({R"("pid":1,"op":"getpid","status":"done","ret":1,"site":"a.cpp:1")"});
  text.insert(text.find('\n') + 1, "{\"type\":\"step\",\n");
  EXPECT_EQ(error_of(text).rfind("t.jsonl:2: malformed JSON", 0), 0u) << error_of(text);
}

TEST(RenderLoad, WrongFormatVersionIsAnError) {
  std::string text = trace_of({});
  text.replace(text.find("\"format\":2"), 10, "\"format\":3");
  EXPECT_EQ(error_of(text), "t.jsonl:1: trace format version 3; this papaya reads version 2");
}

TEST(RenderLoad, FileEndingBeforeItsVerdictIsTruncated) {
  std::string text =
      trace_of({R"("pid":1,"op":"getpid","status":"done","ret":1,"site":"a.cpp:1")"});
  text = text.substr(0, text.find("{\"type\":\"verdict\""));
  EXPECT_EQ(error_of(text), "t.jsonl:2: truncated: the file ends without a verdict line");
}

TEST(RenderLoad, LastLineCutMidwayIsTruncated) {
  std::string text =
      trace_of({R"("pid":1,"op":"getpid","status":"done","ret":1,"site":"a.cpp:1")"});
  text = text.substr(0, text.size() - 20);
  EXPECT_EQ(error_of(text), "t.jsonl:3: truncated (the last line is not complete JSON)");
}

TEST(RenderLoad, EmptyFileIsAnError) {
  EXPECT_EQ(error_of(""), "t.jsonl: empty file (no header line)");
}

TEST(RenderLoad, MissingFileIsAnError) {
  EXPECT_THROW(load_render_model_file(data_path("no-such-trace.jsonl")), traces::TraceError);
}

TEST(RenderLoad, StepFieldsOfTheWrongTypeAreErrorsNamingTheLine) {
  EXPECT_EQ(error_of(trace_of(
                {R"("pid":1,"op":"read","args":{"fd":3,"len":4},"inode":1,"pos":"0","moved":4,)"
                 R"("status":"done","ret":4,"site":"a.cpp:1")"})),
            "t.jsonl:2: field \"pos\" is not an integer");
  EXPECT_EQ(error_of(trace_of({R"("pid":1,"op":"read","args":{"fd":3,"len":4},"inode":1,"pos":0,)"
                               R"("status":"done","ret":4,"site":"a.cpp:1")"})),
            "t.jsonl:2: fields \"pos\" and \"moved\" come together");
  EXPECT_EQ(
      error_of(trace_of({R"("pid":0,"op":"getpid","status":"done","ret":1,"site":"a.cpp:1")"})),
      "t.jsonl:2: field \"pid\" is not a process id");
  EXPECT_EQ(
      error_of(trace_of(
          {R"("pid":1,"op":"close","args":{"fd":{"x":1}},"status":"done","ret":0,"site":"a.cpp:1")"})),
      "t.jsonl:2: argument \"fd\" has the wrong type");
  EXPECT_EQ(error_of(trace_of(
                {R"("pid":1,"op":"close","args":{"fd":3},"status":"done","site":"a.cpp:1")"})),
            "t.jsonl:2: a completed step without \"ret\" or \"errno\"");
}

TEST(RenderLoad, UnknownOperationIsAnError) {
  EXPECT_EQ(
      error_of(trace_of({R"("pid":1,"op":"frobnicate","status":"done","ret":1,"site":"a.cpp:1")"})),
      "t.jsonl:2: unknown operation \"frobnicate\"");
}

TEST(RenderLoad, HeaderOnlyTraceHasNoLanes) {
  RenderModel m = load_render_model(trace_of({}), "t.jsonl");
  EXPECT_TRUE(m.events.empty());
  EXPECT_TRUE(m.lanes.empty());
  EXPECT_NE(std::string(header_line).find("\"format\":2"), std::string::npos);
}

}  // namespace
}  // namespace papaya::render
