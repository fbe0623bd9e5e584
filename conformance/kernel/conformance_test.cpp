// The conformance suite: one test per scenario, Conformance.<ScenarioName>. Each runs the
// scenario once on the real kernel and asserts the outcome the scenario expects; then, when the
// simulator is built, under several seeds on the sim, asserting each outcome equals the real one.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <vector>

#include "conformance/kernel/registry.hpp"
#include "conformance/kernel/worlds.hpp"

namespace papaya::conformance {

namespace {

// The sim seeds each scenario runs under: 1..N with PAPAYA_CONFORMANCE_SEEDS=N (default 5), or
// exactly one with PAPAYA_CONFORMANCE_SEED=S (to rerun a reported mismatch).
std::vector<std::uint64_t> sim_seeds() {
  if (const char* one = std::getenv("PAPAYA_CONFORMANCE_SEED")) {
    return {std::strtoull(one, nullptr, 10)};
  }
  const char* env = std::getenv("PAPAYA_CONFORMANCE_SEEDS");
  std::uint64_t n = env == nullptr ? 5 : std::strtoull(env, nullptr, 10);
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = 1; seed <= n; ++seed) seeds.push_back(seed);
  return seeds;
}

// PAPAYA_CONFORMANCE_SHOW=1 prints every outcome (real, then each sim seed) as it is produced.
bool show_outcomes() {
  const char* env = std::getenv("PAPAYA_CONFORMANCE_SHOW");
  return env != nullptr && std::string(env) == "1";
}

std::string where(const Scenario& s) {
  return std::string(s.where.file_name()) + ":" + std::to_string(s.where.line());
}

class ConformanceTest : public ::testing::Test {
 public:
  explicit ConformanceTest(const Scenario& s) : s_(s) {}

  void TestBody() override {
#if !PAPAYA_CONFORMANCE_FIBER
    // Sanitizer builds leave Boost.Fiber out (docs/fiber.md), and a threads scenario's real side
    // runs its threads on real/fiber/: there is no Linux outcome to compare the sim's with.
    // The sim is held to the outcome the scenario expects instead.
    if (s_.threads) {
#if PAPAYA_CONFORMANCE_SIM
      for (std::uint64_t seed : sim_seeds()) {
        std::string notes;
        EXPECT_EQ(run_on_sim(s_, seed, &notes), s_.expected_outcome())
            << "The sim (seed " << seed << ") differs from the outcome the scenario expects "
            << "(no Boost.Fiber in this build, so no real run).\nrule: " << s_.rule
            << "\nscenario: " << where(s_) << "\n"
            << notes;
      }
#endif
      return;
    }
#endif
    const std::string real = run_on_real(s_);
    if (show_outcomes()) std::printf("--- real\n%s", real.c_str());
    EXPECT_EQ(real, s_.expected_outcome())
        << "The real kernel's outcome differs from the one the scenario expects.\n"
        << "rule: " << s_.rule << "\nscenario: " << where(s_);
#if PAPAYA_CONFORMANCE_SIM
    for (std::uint64_t seed : sim_seeds()) {
      std::string notes;
      const std::string sim = run_on_sim(s_, seed, &notes);
      if (show_outcomes())
        std::printf("--- sim seed %llu\n%s%s\n", (unsigned long long)seed, sim.c_str(),
                    notes.c_str());
      EXPECT_EQ(sim, real) << "The sim (seed " << seed << ") and the real kernel disagree.\n"
                           << "rule: " << s_.rule << "\nscenario: " << where(s_) << "\n"
                           << notes << "\nrerun: PAPAYA_CONFORMANCE_SEED=" << seed
                           << " conformance_tests --gtest_filter=Conformance." << s_.name;
    }
#else
    (void)sim_seeds;
#endif
  }

 private:
  const Scenario& s_;
};

const bool registered = [] {
  for (const Scenario& s : all_scenarios()) {
    ::testing::RegisterTest("Conformance", s.name.c_str(), nullptr, nullptr, s.where.file_name(),
                            static_cast<int>(s.where.line()),
                            [&s]() -> ::testing::Test* { return new ConformanceTest(s); });
  }
  return true;
}();

TEST(ConformanceRegistry, HasAtLeastFortyScenariosWithUniqueNamesAndRules) {
  ASSERT_TRUE(registered);
  std::set<std::string> names;
  for (const Scenario& s : all_scenarios()) {
    EXPECT_TRUE(names.insert(s.name).second) << "duplicate scenario name " << s.name;
    EXPECT_FALSE(s.rule.empty()) << s.name << " quotes no rule";
    bool cites = s.rule.find("(2)") != std::string::npos ||
                 s.rule.find("(7)") != std::string::npos ||
                 s.rule.find("POSIX") != std::string::npos ||
                 s.rule.find("fs/locks.c") != std::string::npos;  // where flock(2) is out of date
    EXPECT_TRUE(cites) << s.name << " cites no man page";
    EXPECT_FALSE(s.expected.empty()) << s.name << " expects nothing";
    EXPECT_TRUE(static_cast<bool>(s.body)) << s.name << " has no body";
  }
  EXPECT_GE(all_scenarios().size(), 40u);
}

// The harness itself: a scenario that never ends is killed at its deadline and says so, in
// both worlds; a failed helper step is recorded as FAILED and never passes for an outcome.
Scenario hanging_scenario() {
  return {.name = "Hangs",
          .rule = "none",
          .body =
              [](Os& os, const Ctx& c) {
                Channel never = channel(os, c);
                c.observe(os, "about to wait for ever");
                await(os, c, never);
              },
          .expected = "about to wait for ever\n"};
}

TEST(ConformanceHarness, AScenarioThatNeverEndsIsKilledAtTheDeadlineAndReported) {
  Scenario s = hanging_scenario();
  std::string real = run_on_real(s, std::chrono::milliseconds(300));
  EXPECT_EQ(real.rfind("about to wait for ever\nHARNESS: timed out after 300 ms", 0), 0u) << real;
#if PAPAYA_CONFORMANCE_SIM
  std::string sim = run_on_sim(s, 1);
  EXPECT_NE(sim.find("HARNESS: sim verdict deadlock"), std::string::npos) << sim;
#endif
}

TEST(ConformanceHarness, AFailedHelperStepIsRecordedAndEndsTheProcessWith99) {
  Scenario s{.name = "FailsAStep",
             .rule = "none",
             .body = [](Os& os, const Ctx& c) { c.open(os, "missing", OpenFlags::rdonly); },
             .expected = ""};
  EXPECT_EQ(run_on_real(s), "FAILED: open missing: ENOENT\nroot: exited 99\n");
#if PAPAYA_CONFORMANCE_SIM
  EXPECT_EQ(run_on_sim(s, 1), "FAILED: open missing: ENOENT\nroot: exited 99\n");
#endif
}

}  // namespace

}  // namespace papaya::conformance
