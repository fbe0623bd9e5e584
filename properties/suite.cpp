#include "properties/suite.hpp"

#include <chrono>

namespace papaya::properties {

namespace {

using std::chrono::milliseconds;

chat::Scenario base(chat::Variant v) {
  chat::Scenario s;
  s.server.variant = v;
  return s;
}

chat::ClientPlan plan(std::vector<std::size_t> lengths, milliseconds gap = milliseconds(0)) {
  chat::ClientPlan p;
  p.line_lengths = std::move(lengths);
  p.gap = gap;
  return p;
}

}  // namespace

std::vector<SuiteScenario> builtin_suite(chat::Variant v) {
  std::vector<SuiteScenario> out;

  // Short lines from three clients at once: appends race, notifications coalesce.
  chat::Scenario chatter = base(v);
  chatter.clients = 3;
  chatter.messages = 4;
  chatter.line_length = 24;
  out.push_back({"chatter", chatter});

  // Lines over a page: a write becomes visible page by page, and more than 4096 bytes arrive
  // between two wakeups. The limit is raised so the server accepts them.
  chat::Scenario pages = base(v);
  pages.server.max_line = 16384;
  pages.plans = {plan({6000, 5000}), plan({7000, 300})};
  out.push_back({"pages", pages});

  // Many readers: five Child SENDs read the log while lines arrive.
  chat::Scenario readers = base(v);
  readers.clients = 5;
  readers.messages = 1;
  readers.line_length = 40;
  out.push_back({"readers", readers});

  // A late joiner arrives mid-conversation and must get the history window, then the rest; a
  // refused oversize line and a client vanishing mid-line must leave no trace in the log.
  chat::Scenario mixed = base(v);
  mixed.server.history = 3;
  chat::ClientPlan late = plan({30});
  late.late = true;
  late.join_delay = milliseconds(5);
  chat::ClientPlan vanishing = plan({26});
  vanishing.vanish_mid_line = true;
  mixed.plans = {plan({20, 21, 22, 23, 24, 25}, milliseconds(2)),
                 plan({30, 5000, 31}, milliseconds(3)), late, vanishing};
  out.push_back({"mixed", mixed});

  return out;
}

}  // namespace papaya::properties
