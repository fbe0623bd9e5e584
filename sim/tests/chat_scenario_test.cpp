// The unmodified process design of chat/ on the simulator: the correct variant delivers every
// line under many seeds, deterministically; a flawed variant is caught under some seed.
#include <gtest/gtest.h>

#include <sstream>

#include "chat/scenario/scenario.hpp"
#include "sim/tests/helpers.hpp"
#include "traces/jsonl.hpp"

namespace papaya::sim {
namespace {

struct ChatRun {
  RunReport report;
  chat::ScenarioReport scenario;
  std::string trace;
};

ChatRun run_chat(std::uint64_t seed, chat::Variant v, int clients = 3, int messages = 5) {
  chat::Scenario s;
  s.clients = clients;
  s.messages = messages;
  s.server.variant = v;
  ChatRun out;
  Options o;
  o.seed = seed;
  Simulation sim(o);
  out.report = sim.run([&](Os& os) { out.scenario = chat::run_scenario_report(os, s); });
  out.trace = traces::to_jsonl(sim.trace());
  return out;
}

TEST(ChatScenario, TheCorrectProcessDesignDeliversEveryLineUnderManySeeds) {
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    ChatRun r = run_chat(seed, chat::Variant::correct);
    ASSERT_EQ(r.report.verdict, Verdict::ok) << "seed " << seed << ": " << r.report.detail;
    EXPECT_EQ(r.scenario.code, 0) << "seed " << seed;
    EXPECT_EQ(r.scenario.saw_every_line, 3) << "seed " << seed;
  }
}

TEST(ChatScenario, ARunOfTheChatIsDeterministic) {
  for (std::uint64_t seed : {1u, 42u})
    EXPECT_EQ(run_chat(seed, chat::Variant::correct).trace,
              run_chat(seed, chat::Variant::correct).trace);
}

TEST(ChatScenario, TheLostWakeupVariantLosesADeliveryUnderSomeSeed) {
  int lost = 0;
  for (std::uint64_t seed = 1; seed <= 40 && lost == 0; ++seed) {
    ChatRun r = run_chat(seed, chat::Variant::lost_wakeup);
    lost += r.scenario.saw_every_line < 3 ? 1 : 0;
  }
  EXPECT_GT(lost, 0);
}

TEST(ChatScenario, ARecordedChatRunReplaysStepForStep) {
  ChatRun first = run_chat(9, chat::Variant::correct);
  std::istringstream in(first.trace);
  traces::LoadedTrace t = traces::read_jsonl(in, "chat");
  chat::Scenario s;
  ReplayReport rep = replay(t, [&](Os& os) { (void)chat::run_scenario_report(os, s); });
  EXPECT_FALSE(rep.diverged) << rep.divergence;
}

}  // namespace
}  // namespace papaya::sim
