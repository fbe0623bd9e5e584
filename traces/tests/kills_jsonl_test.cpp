// The trace header's kills (traces::KillFault: kill -9 from outside) in the JSON Lines format:
// written only when there are some, read back exactly, absent means none, and malformed ones are
// rejected naming the field. A victim's step carries "fault":"kill -9", kept in its canonical line
// (what a replay compares).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "traces/jsonl.hpp"

namespace papaya::traces {
namespace {

// A two-step trace: init's getpid, then process 2 dying of a kill from outside.
Trace small_trace(std::vector<KillFault> kills) {
  Trace t;
  t.header.papaya_version = "0.1.0";
  t.header.seed = 3;
  t.header.strategy = "random";
  t.header.max_steps = 100;
  t.header.kills = std::move(kills);
  Step& a = t.steps.emplace_back();
  a.pid = 1;
  a.op = model::OpKind::getpid;
  a.ret = 1;
  a.file = "sim/x.cpp";
  a.line = 7;
  Step& b = t.steps.emplace_back();
  b.pid = 2;
  b.op = model::OpKind::getpid;
  b.status = model::StepStatus::exited;
  b.ret2 = static_cast<std::int32_t>(Sig::kill);
  b.killed_from_outside = 1;
  b.file = "sim/x.cpp";
  b.line = 9;
  return t;
}

LoadedTrace load(const std::string& text) {
  std::istringstream in(text);
  return read_jsonl(in, "t");
}

std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

std::string header_line(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(KillsJsonl, TheHeadersKillsRoundTrip) {
  const std::vector<KillFault> kills{{5, 0}, {5, 2}, {9, 4'000'000'000u}, {123456789012, 1}};
  const Trace t = small_trace(kills);
  const std::string text = to_jsonl(t);
  EXPECT_NE(header_line(text).find("\"kills\":["), std::string::npos) << header_line(text);
  const LoadedTrace back = load(text);
  EXPECT_EQ(back.header.kills, kills);
  EXPECT_EQ(back.header.seed, 3u);
  // Written again, byte for byte the same.
  Trace again = small_trace(back.header.kills);
  EXPECT_EQ(to_jsonl(again), text);
}

TEST(KillsJsonl, AKilledStepSaysSoAndKeepsItInItsCanonicalLine) {
  const Trace t = small_trace({{1, 0}});
  const std::string text = to_jsonl(t);
  const std::vector<std::string> lines = step_lines(t);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].find("\"fault\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("\"fault\":\"kill -9\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"term_signal\":\"SIGKILL\""), std::string::npos) << lines[1];
  EXPECT_EQ(load(text).step_lines, lines);
  // The same step without the fault is another line: a replay that did not kill diverges.
  Trace plain = small_trace({{1, 0}});
  plain.steps[1].killed_from_outside = 0;
  EXPECT_NE(step_lines(plain)[1], lines[1]);
}

TEST(KillsJsonl, NoKillsMeansNoFieldAndAnAbsentFieldMeansNoKills) {
  const std::string text = to_jsonl(small_trace({}));
  EXPECT_EQ(header_line(text).find("kills"), std::string::npos) << header_line(text);
  EXPECT_TRUE(load(text).header.kills.empty());
  // An empty array is no kills too.
  std::string empty = text;
  empty.insert(header_line(text).size() - 1, ",\"kills\":[]");
  EXPECT_EQ(error_of(empty), "");
  EXPECT_TRUE(load(empty).header.kills.empty());
}

// The good trace with its header's "kills" value replaced by `kills`.
std::string with_kills(const std::string& kills) {
  std::string text = to_jsonl(small_trace({{5, 0}}));
  const std::string field = "\"kills\":";
  const std::size_t at = text.find(field);
  const std::size_t end = text.find(']', at);
  EXPECT_NE(at, std::string::npos);
  return text.replace(at + field.size(), end + 1 - (at + field.size()), kills);
}

TEST(KillsJsonl, MalformedKillsAreRejectedNamingTheField) {
  ASSERT_EQ(error_of(with_kills("[{\"step\":5,\"pick\":0}]")), "");
  const std::vector<std::string> bad = {
      "3",                                                  // not an array
      "{\"step\":5,\"pick\":0}",                            // an object, not an array of them
      "[7]",                                                // a kill that is not an object
      "[{\"step\":5}]",                                     // no pick
      "[{\"pick\":0}]",                                     // no step
      "[{\"step\":\"5\",\"pick\":0}]",                      // a step that is no number
      "[{\"step\":5,\"pick\":-1}]",                         // a negative pick
      "[{\"step\":-5,\"pick\":0}]",                         // a negative step
      "[{\"step\":5,\"pick\":4294967296}]",                 // a pick beyond 32 bits
      "[{\"step\":5,\"pick\":1.5}]",                        // not an integer
      "[{\"step\":9,\"pick\":0},{\"step\":5,\"pick\":0}]",  // out of step order
  };
  for (const std::string& kills : bad) {
    const std::string e = error_of(with_kills(kills));
    EXPECT_EQ(e.rfind("t:1: ", 0), 0u) << kills << " -> " << e;
    EXPECT_NE(e.find("kills"), std::string::npos) << kills << " -> " << e;
  }
  EXPECT_NE(error_of(with_kills("[{\"step\":5}]")).find("pick"), std::string::npos);
  EXPECT_NE(
      error_of(with_kills("[{\"step\":9,\"pick\":0},{\"step\":5,\"pick\":0}]")).find("step order"),
      std::string::npos);
  // Equal steps are in order (two kills at one step).
  EXPECT_EQ(error_of(with_kills("[{\"step\":5,\"pick\":0},{\"step\":5,\"pick\":1}]")), "");
}

TEST(KillsJsonl, APidKillRoundTripsAndInitIsRefused) {
  const std::vector<KillFault> kills{{5, 0, 4}, {7, 2}};
  const std::string text = to_jsonl(small_trace(kills));
  EXPECT_NE(header_line(text).find("{\"step\":5,\"pid\":4}"), std::string::npos)
      << header_line(text);
  EXPECT_EQ(load(text).header.kills, kills);
  std::string bad = text;
  bad.replace(bad.find("\"pid\":4"), 7, "\"pid\":1");
  EXPECT_NE(error_of(bad).find("\"kills\""), std::string::npos) << error_of(bad);
}

}  // namespace
}  // namespace papaya::traces
