// The independence relation tested, not argued (explore/commute.hpp): on random reachable states
// of the DPOR benchmarks and of the chat, every pair of steps sim::dependent calls independent
// commutes (same statuses, same kernel digest, same observations, same effects in either order);
// and a relation made wrong on purpose is caught.
#include "explore/commute.hpp"

#include <gtest/gtest.h>

#include "explore/chat_program.hpp"
#include "explore/programs.hpp"
#include "explore/tests/relation_ignoring.hpp"

namespace papaya::explore {
namespace {

Program benchmark_program_for_commute(std::function<void(Os&)> init) {
  Program p;
  p.init = std::move(init);
  p.check_reads_order = false;
  return p;
}

Program chat_for_commute(int clients, int messages) {
  chat::Scenario s;
  s.clients = clients;
  s.messages = messages;
  chat::use_exploration_scenario(s);  // the exploration scenario, as `papaya explore` runs it
  return chat_program(s);
}

std::string commute_failures_text(const CommuteReport& r) {
  std::string s;
  for (std::size_t i = 0; i < r.failures.size() && i < 5; ++i) s += r.failures[i] + "\n";
  return s;
}

TEST(Commutation, IndependentStepsCommuteOnTheDporBenchmarks) {
  for (auto init : {readers_program(3), lastzero_program(3)}) {
    CommuteConfig c;
    c.runs = 6;
    c.states_per_run = 3;
    CommuteReport r = check_commutation(benchmark_program_for_commute(init), c);
    EXPECT_TRUE(r.failures.empty()) << commute_failures_text(r);
    EXPECT_GE(r.independent, 10u) << "too few pairs checked to mean anything";
    EXPECT_GE(r.dependent, 1u);
  }
}

TEST(Commutation, IndependentStepsCommuteOnTheChat) {
  for (auto [clients, messages] : {std::pair{1, 1}, std::pair{2, 0}}) {
    CommuteConfig c;
    c.runs = 3;
    c.states_per_run = 3;
    c.seed = 7;
    CommuteReport r = check_commutation(chat_for_commute(clients, messages), c);
    EXPECT_TRUE(r.failures.empty()) << commute_failures_text(r);
    EXPECT_GE(r.independent, 10u) << "too few pairs checked to mean anything";
  }
}

// With pids by fork path (as `papaya explore` runs dfs, dpor and optimal) forks of different
// parents are independent, and their states are compared like any other pair's.
TEST(Commutation, IndependentStepsCommuteOnTheChatWithPidsByForkPath) {
  CommuteConfig c;
  c.runs = 4;
  c.states_per_run = 4;
  c.seed = 11;
  Program p = chat_for_commute(2, 0);
  p.header.path_pids = true;
  CommuteReport r = check_commutation(p, c);
  EXPECT_TRUE(r.failures.empty()) << commute_failures_text(r);
  EXPECT_GE(r.independent, 10u) << "too few pairs checked to mean anything";
}

// A pwrite and a pread of one file declared independent: the read sees the byte in one order and
// not in the other.
TEST(Commutation, CatchesAStoreAndALoadOfOneVariableDeclaredIndependent) {
  CommuteConfig c;
  c.runs = 6;
  c.states_per_run = 3;
  c.independent = relation_ignoring({sim::Obj::bytes});
  CommuteReport r = check_commutation(benchmark_program_for_commute(readers_program(3)), c);
  EXPECT_FALSE(r.failures.empty()) << "the check passed a relation that ignores file contents";
}

}  // namespace
}  // namespace papaya::explore
