// Golden tests: small hand-written traces (tests/data/*.jsonl) rendered and compared byte for
// byte with the checked-in outputs. To regenerate them after an intended change:
//   PAPAYA_UPDATE_GOLDENS=1 build/<dir>/traces/render/tests/render_tests
//   --gtest_filter='RenderGolden*'
// and review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "traces/render/dot.hpp"
#include "traces/render/load.hpp"
#include "traces/render/perfetto.hpp"
#include "traces/render/tests/test_data.hpp"

namespace papaya::render {
namespace {

using test::data_path;
using test::read_text;

void check_golden(const std::string& actual, const std::string& golden_file) {
  std::string path = data_path(golden_file);
  const char* update = std::getenv("PAPAYA_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "wrote " << path;
  }
  std::string expected = read_text(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing: run with PAPAYA_UPDATE_GOLDENS=1";
  EXPECT_EQ(actual, expected) << "rendering differs from " << path
                              << " (PAPAYA_UPDATE_GOLDENS=1 regenerates it)";
}

RenderModel model_of(const std::string& trace) {
  // The model's name is the file's base name, so the goldens do not depend on the checkout's path.
  return load_render_model(read_text(data_path(trace)), trace);
}

TEST(RenderGolden, LocksDot) { check_golden(to_dot(model_of("locks.jsonl")), "locks.dot"); }
TEST(RenderGolden, LocksPerfetto) {
  check_golden(to_perfetto_json(model_of("locks.jsonl")), "locks.json");
}
TEST(RenderGolden, SignalsDotCollapsesAndHighlights) {
  check_golden(to_dot(model_of("signals.jsonl"), test::options({3}, false, 0, 0)), "signals.dot");
}
TEST(RenderGolden, SignalsDotFull) {
  check_golden(to_dot(model_of("signals.jsonl"), test::options({}, true, 0, 0)),
               "signals_full.dot");
}
TEST(RenderGolden, SignalsPerfetto) {
  check_golden(to_perfetto_json(model_of("signals.jsonl")), "signals.json");
}
TEST(RenderGolden, GroupsDotWindow) {
  check_golden(to_dot(model_of("groups.jsonl"), test::options({2}, false, 6, 6)),
               "groups_window.dot");
}
TEST(RenderGolden, GroupsDotSomeProcesses) {
  check_golden(to_dot(model_of("groups.jsonl"), test::options({}, false, 0, 0, {1, 3})),
               "groups_pids.dot");
}
TEST(RenderGolden, GroupsPerfettoSomeProcesses) {
  check_golden(to_perfetto_json(model_of("groups.jsonl"), test::options({}, false, 0, 0, {1, 3})),
               "groups_pids.json");
}
TEST(RenderGolden, GroupsPerfetto) {
  check_golden(to_perfetto_json(model_of("groups.jsonl")), "groups.json");
}

}  // namespace
}  // namespace papaya::render
