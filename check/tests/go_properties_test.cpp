// The isolation properties under RapidCheck for the goroutine design (chat/goroutine/): the correct
// design holds every property on generated scenarios and schedules, with 1 to 4 Ps (GOMAXPROCS)
// and sysmon's preemption offered before every goroutine step; each goroutine variant is found.
// No kill -9 and no full disk: the goroutine design is one server process (a kill ends every
// client) and its full-disk behaviour is a known finding (docs/goroutines.md), as in
// `papaya check` (check/suite.cpp).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "check/chat_run.hpp"
#include "check/minimise.hpp"
#include "scenario_gen.hpp"
#include "traces/jsonl.hpp"

namespace papaya::properties {
namespace {

// What one generated goroutine case is: a scenario, the chooser's seed and the Go runtime's shape.
struct GoRunCase {
  chat::Scenario scenario;
  std::uint64_t seed = 1;
  int gomaxprocs = 2;
};

// Smaller than the process design's generator (scenario_gen.hpp) so a case stays well under a
// second under ASan: 1 to 4 clients, 0 to 5 lines each of 1 to 6,000 bytes (some over a page and
// over the 4096-byte limit), gaps and join delays, late joiners, clients vanishing mid-line, and
// clients that stop reading for a while (slow-client). Joins and
// lines mostly come at once, so readers race at the two-line queue (go-cond-no-loop needs that).
rc::Gen<chat::ClientPlan> gen_go_plan() {
  using std::chrono::milliseconds;
  return rc::gen::apply(
      [](std::vector<std::size_t> lengths, int join_ms, int gap_ms, bool late, bool vanish,
         int stop_s) {
        chat::ClientPlan p;
        p.line_lengths = std::move(lengths);
        p.join_delay = milliseconds(join_ms);
        p.gap = milliseconds(gap_ms);
        p.late = late;
        p.vanish_mid_line = vanish;
        p.stop_reading_for = std::chrono::seconds(stop_s);
        return p;
      },
      rc::gen::mapcat(rc::gen::inRange(0, 6),
                      [](int n) {
                        return rc::gen::container<std::vector<std::size_t>>(
                            static_cast<std::size_t>(n),
                            rc::gen::weightedOneOf<std::size_t>(
                                {{6, rc::gen::inRange<std::size_t>(1, 200)},
                                 {2, rc::gen::inRange<std::size_t>(200, 4097)},
                                 {1, rc::gen::inRange<std::size_t>(4097, 6001)}}));
                      }),
      // Mostly at once (readers racing at the line queue), else spread over a few ms.
      rc::gen::weightedOneOf<int>({{2, rc::gen::just(0)}, {1, rc::gen::inRange(0, 10)}}),
      rc::gen::weightedOneOf<int>({{2, rc::gen::just(0)}, {1, rc::gen::inRange(0, 5)}}),
      rc::gen::weightedElement<bool>({{4, false}, {1, true}}),
      rc::gen::weightedElement<bool>({{5, false}, {1, true}}),
      rc::gen::weightedElement<int>({{6, 0}, {1, 3}}));
}

rc::Gen<GoRunCase> gen_go_case(chat::Variant v) {
  return rc::gen::apply(
      [v](std::vector<chat::ClientPlan> plans, std::size_t max_line, std::uint64_t seed,
          int procs) {
        GoRunCase c;
        c.scenario.plans = std::move(plans);
        c.scenario.clients = static_cast<int>(c.scenario.plans.size());
        c.scenario.server.design = chat::Design::goroutine;
        c.scenario.server.variant = v;
        c.scenario.server.max_line = max_line;
        c.seed = seed;
        c.gomaxprocs = procs;
        return c;
      },
      rc::gen::mapcat(rc::gen::inRange(1, 5),
                      [](int n) {
                        return rc::gen::container<std::vector<chat::ClientPlan>>(
                            static_cast<std::size_t>(n), gen_go_plan());
                      }),
      rc::gen::element<std::size_t>(4096, 16384), rc::gen::inRange<std::uint64_t>(1, 1u << 30),
      rc::gen::inRange(1, 5));
}

void showValue(const GoRunCase& c, std::ostream& os) {
  os << chat::describe(c.scenario) << ", seed " << c.seed << ", GOMAXPROCS " << c.gomaxprocs
     << ", preemption on";
}

sim::Options go_options(const GoRunCase& c) {
  sim::Options o;
  o.seed = c.seed;
  o.max_steps = 400'000;
  o.gomaxprocs = c.gomaxprocs;
  o.go_preempt = true;
  return o;
}

std::string save_trace(const traces::Trace& t, const std::string& name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "papaya-rapidcheck";
  std::filesystem::create_directories(dir);
  std::string path = (dir / (name + ".jsonl")).string();
  std::ofstream(path) << traces::to_jsonl(t);
  return path;
}

RC_GTEST_PROP(GoChatProperties, CorrectGoroutineDesignHoldsEveryPropertyOnEveryGeneratedScenario,
              ()) {
  const GoRunCase c = *gen_go_case(chat::Variant::correct);
  CheckedRun run = run_and_check(c.scenario, go_options(c));
  RC_TAG(c.scenario.clients, "GOMAXPROCS " + std::to_string(c.gomaxprocs),
         run.report.steps < 500    ? "<500 steps"
         : run.report.steps < 2000 ? "<2000 steps"
                                   : ">=2000 steps");
  for (const Finding& f : run.findings) {
    if (f.holds) continue;
    traces::Trace t = run.sim->trace();
    stamp_verdict(t, f);
    RC_LOG() << property_name(f.property) << ": " << f.detail << "\n  replay: papaya replay "
             << save_trace(t, "go-correct") << "\n";
    RC_FAIL(std::string(property_name(f.property)) + " failed");
  }
}

// RapidCheck must find `v` out within `max_success` generated cases; the case it shrinks to must
// still fail when run again, and its trace must replay to the same verdict.
void expect_found(chat::Variant v, int max_success) {
  GoRunCase last;
  bool seen = false;
  auto property = [&] {
    const GoRunCase c = *gen_go_case(v);
    CheckedRun run = run_and_check(c.scenario, go_options(c));
    if (!run.all_hold()) {
      last = c;
      seen = true;
    }
    RC_ASSERT(run.all_hold());
  };
  rc::detail::TestParams params;
  params.maxSuccess = max_success;
  params.maxSize = 100;
  rc::detail::TestMetadata meta;
  meta.id = std::string("go-variant/") + std::string(chat::variant_name(v));
  rc::detail::TestResult result = rc::detail::checkTestable(property, meta, params);
  ASSERT_TRUE(result.is<rc::detail::FailureResult>())
      << "RapidCheck did not find variant " << chat::variant_name(v) << " out in " << max_success
      << " cases";
  rc::detail::printResultMessage(result, std::cout);
  std::cout << "\n";
  ASSERT_TRUE(seen);
  CheckedRun run = run_and_check(last.scenario, go_options(last));
  ASSERT_FALSE(run.all_hold()) << "the shrunk case must still fail: "
                               << chat::describe(last.scenario);
  for (const Finding& f : run.findings) {
    if (f.holds) continue;
    traces::Trace t = run.sim->trace();
    stamp_verdict(t, f);
    const std::string path = save_trace(t, "go-" + std::string(chat::variant_name(v)));
    std::printf(
        "%s: %s fails on [%s], seed %llu, GOMAXPROCS %d, %llu steps\n  replay: papaya "
        "replay %s\n",
        std::string(chat::variant_name(v)).c_str(), std::string(property_name(f.property)).c_str(),
        chat::describe(last.scenario).c_str(), static_cast<unsigned long long>(last.seed),
        last.gomaxprocs, static_cast<unsigned long long>(run.report.steps), path.c_str());
    traces::LoadedTrace loaded = traces::read_jsonl_file(path);
    std::string error;
    std::optional<chat::Scenario> back = chat_from_header(loaded.header, error);
    ASSERT_TRUE(back.has_value()) << error;
    sim::Simulation replayed(sim::replay_options(loaded));
    sim::RunReport r = replayed.run(chat_init(*back));
    EXPECT_EQ(sim::replay_divergence(loaded, replayed, r), "");
    EXPECT_FALSE(
        check_all(chat_history(*back, replayed, r))[static_cast<std::size_t>(f.property)].holds);
    break;
  }
}

TEST(GoChatPropertiesFindVariant, CondNoLoop) { expect_found(chat::Variant::go_cond_no_loop, 300); }
TEST(GoChatPropertiesFindVariant, RecursiveRlock) {
  expect_found(chat::Variant::go_recursive_rlock, 300);
}
TEST(GoChatPropertiesFindVariant, BlockingFanout) {
  expect_found(chat::Variant::go_blocking_fanout, 300);
}

}  // namespace
}  // namespace papaya::properties
