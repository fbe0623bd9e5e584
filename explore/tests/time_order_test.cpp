// Virtual time orders steps (sim/event_log.hpp EventLog::time_moved): time moves only when every
// process is blocked, so a step after the move cannot be reordered before a step before it.
// Without that edge DPOR plans such reversals, and no run can follow them (docs/explore.md, "Time
// orders steps"). With it: the same traces, the same outcomes as dfs, none of those branches.
#include <gtest/gtest.h>

#include "explore/tests/edge_runs.hpp"

namespace papaya::explore {
namespace {

using edge_runs::Outcomes;

// pread and pwrite outcomes with their virtual times, time_orders_steps as given.
Result explore_timed(std::function<void(Os&)> init, StrategyName s, bool time_orders,
                     Outcomes& out) {
  Config c;
  c.strategy = s;
  c.time_orders_steps = time_orders;
  return edge_runs::explore_watching(std::move(init), c,
                                     {model::OpKind::pread, model::OpKind::pwrite}, out);
}

// The parent and a child each write one byte of file x at t = 0 (a race), the child then sleeps
// 1 s and writes again, and the parent reads x at t = 0 and, after waiting 2 s, once more. The
// child's second write and the parent's second read come after time moved; every other step
// before. Both writes at t = 0 race each other and the parent's first read; nothing after a move
// of time can run before the steps that led to it.
std::function<void(Os&)> sleeper_program() {
  return [](Os& os) {
    papaya::Result<Fd> x = os.open("/x", OpenFlags::rdwr | OpenFlags::creat, 0644);
    if (!x) os.exit(2);
    const Fd fd = *x;
    papaya::Result<Pid> child = os.fork([fd](Os& o) {
      (void)o.pwrite(fd, "c", 0);
      (void)o.sleep(std::chrono::seconds(1));
      (void)o.pwrite(fd, "C", 0);
      o.exit(0);
    });
    if (!child) os.exit(2);
    (void)os.pwrite(fd, "p", 0);
    char c = 0;
    (void)os.pread(fd, std::span<char>(&c, 1), 0);
    (void)os.sleep(std::chrono::seconds(2));
    (void)os.pread(fd, std::span<char>(&c, 1), 0);
    (void)os.waitpid(*child, false);
  };
}

// Two writers and a sleeper: B writes x, C writes y (independent of x), A sleeps 1 s and then
// reads x. B's write and A's read race only in appearance: A's read comes after time moved, which
// needs B to have written. Without the edge optimal DPOR plans "C's write, A's wake-up, A's read"
// before B's write, and no run can follow it past C's write.
std::function<void(Os&)> two_writers_and_a_sleeper_program() {
  return [](Os& os) {
    papaya::Result<Fd> x = os.open("/x", OpenFlags::rdwr | OpenFlags::creat, 0644);
    papaya::Result<Fd> y = os.open("/y", OpenFlags::rdwr | OpenFlags::creat, 0644);
    if (!x || !y) os.exit(2);
    const Fd fx = *x;
    const Fd fy = *y;
    papaya::Result<Pid> b = os.fork([fx](Os& o) {
      (void)o.pwrite(fx, "b", 0);
      o.exit(0);
    });
    papaya::Result<Pid> c = os.fork([fy](Os& o) {
      (void)o.pwrite(fy, "c", 0);
      o.exit(0);
    });
    if (!b || !c) os.exit(2);
    (void)os.sleep(std::chrono::seconds(1));
    char ch = 0;
    (void)os.pread(fx, std::span<char>(&ch, 1), 0);
    (void)os.waitpid(*b, false);
    (void)os.waitpid(*c, false);
  };
}

TEST(TimeOrdersSteps, TheSameTracesAndOutcomesAsDfsAndNoBranchThatCannotBeFollowed) {
  for (auto program : {sleeper_program, two_writers_and_a_sleeper_program}) {
    Outcomes dfs_out;
    Result dfs = explore_timed(program(), StrategyName::dfs, true, dfs_out);
    ASSERT_TRUE(dfs.exhausted);
    for (StrategyName s : {StrategyName::dpor, StrategyName::optimal}) {
      Outcomes out;
      Result r = explore_timed(program(), s, true, out);
      EXPECT_TRUE(r.exhausted) << strategy_name(s);
      EXPECT_EQ(out, dfs_out) << strategy_name(s);
      EXPECT_EQ(r.trace_names, dfs.trace_names) << strategy_name(s);
      EXPECT_EQ(r.executions, r.trace_names.size()) << strategy_name(s);
      if (s == StrategyName::optimal) {
        EXPECT_EQ(r.wakeup_divergences, 0u);
        EXPECT_EQ(r.abandoned, 0u);
      }
    }
  }
  Outcomes out;
  Result dfs = explore_timed(sleeper_program(), StrategyName::dfs, true, out);
  EXPECT_GE(dfs.trace_names.size(), 2u) << "the writes at t = 0 race: both orders are traces";
}

// The broken variant: without the edge, optimal DPOR still sees every outcome dfs sees, but it
// plans reversals across the move of time that no run can follow.
TEST(TimeOrdersSteps, WithoutTheEdgeOptimalPlansReversalsNoRunCanFollow) {
  Outcomes with_out;
  Outcomes without_out;
  Result with =
      explore_timed(two_writers_and_a_sleeper_program(), StrategyName::optimal, true, with_out);
  Result without =
      explore_timed(two_writers_and_a_sleeper_program(), StrategyName::optimal, false, without_out);
  EXPECT_EQ(without_out, with_out);
  EXPECT_EQ(with.executions, 1u);
  EXPECT_EQ(with.wakeup_divergences + with.abandoned, 0u);
  EXPECT_GT(without.wakeup_divergences, 0u);
  EXPECT_GT(without.abandoned, 0u);
}

// On the chat (the exploration scenario, no line): the daemon reaps its clusters at its 1 s
// accept tick, after every other process has blocked; its waitpid there raced the leaders'
// exits, a reversal no run can follow. One client showed it until wave 12 (each of 576 traces);
// since the accepted socket's drops commute (sock_holder) one client's 576 traces no longer
// meet it, two clients' do: the first 3,000 executions with the edge and without.
TEST(TimeOrdersSteps, OnTheChatFewerBranchesNoRunCanFollow) {
  auto [with, without] =
      edge_runs::chat_with_and_without(2, 3'000, [](Config& c) { c.time_orders_steps = false; });
  EXPECT_FALSE(with.violation);
  EXPECT_EQ(with.executions, 3'000u);
  EXPECT_EQ(without.executions, 3'000u);
  EXPECT_LT(with.wakeup_divergences, without.wakeup_divergences);
  EXPECT_LT(with.abandoned, without.abandoned);
}

}  // namespace
}  // namespace papaya::explore
