// An end-of-file read follows the drop that enabled it (sim/event_log.hpp Event::eof): a read
// or recv that returned 0 on an empty pipe or stream whose other end was closed, run before that
// close, would have slept. Treating the pair as a race made optimal DPOR plan schedules no run
// can follow (docs/explore.md, "End of file follows the close"). With the edge: the same
// outcomes and traces as dfs, and none of those branches.
#include <gtest/gtest.h>

#include "explore/tests/edge_runs.hpp"

namespace papaya::explore {
namespace {

using edge_runs::Outcomes;

// read and pwrite outcomes, eof_joins_drop as given.
Result explore_eof(std::function<void(Os&)> init, StrategyName s, bool eof_joins, Outcomes& out) {
  Config c;
  c.strategy = s;
  c.eof_joins_drop = eof_joins;
  return edge_runs::explore_watching(std::move(init), c,
                                     {model::OpKind::read, model::OpKind::pwrite}, out);
}

// A pipe whose write end three processes hold: the parent closes its copy and reads to the end;
// child W writes one byte and exits; child X closes both its ends and then writes a file of its
// own (steps independent of the pipe). The parent's last read returns 0 only after W's exit and
// X's close, whichever is last.
std::function<void(Os&)> pipe_to_the_end_program() {
  return [](Os& os) {
    papaya::Result<std::pair<Fd, Fd>> pp = os.pipe();
    papaya::Result<Fd> f = os.open("/x", OpenFlags::rdwr | OpenFlags::creat, 0644);
    if (!pp || !f) os.exit(2);
    const auto [r, w] = *pp;
    const Fd fx = *f;
    papaya::Result<Pid> writer = os.fork([r, w](Os& o) {
      (void)o.close(r);
      (void)o.write(w, "w");
      o.exit(0);
    });
    papaya::Result<Pid> other = os.fork([r, w, fx](Os& o) {
      (void)o.close(r);
      (void)o.close(w);
      (void)o.pwrite(fx, "a", 0);
      (void)o.pwrite(fx, "b", 1);
      o.exit(0);
    });
    if (!writer || !other) os.exit(2);
    (void)os.close(w);
    char c = 0;
    while (true) {
      papaya::Result<size_t> n = os.read(r, std::span<char>(&c, 1));
      if (!n || *n == 0) break;
    }
    (void)os.waitpid(*writer, false);
    (void)os.waitpid(*other, false);
  };
}

TEST(EofFollowsTheClose, TheSameOutcomesAndTracesAsDfsAndNoBranchThatCannotBeFollowed) {
  Outcomes dfs_out;
  Result dfs = explore_eof(pipe_to_the_end_program(), StrategyName::dfs, true, dfs_out);
  ASSERT_TRUE(dfs.exhausted);
  EXPECT_GE(dfs.trace_names.size(), 2u);
  for (StrategyName s : {StrategyName::dpor, StrategyName::optimal}) {
    Outcomes out;
    Result r = explore_eof(pipe_to_the_end_program(), s, true, out);
    EXPECT_TRUE(r.exhausted) << strategy_name(s);
    EXPECT_EQ(out, dfs_out) << strategy_name(s);
    EXPECT_EQ(r.trace_names, dfs.trace_names) << strategy_name(s);
    if (s == StrategyName::optimal) {
      EXPECT_EQ(r.executions, r.trace_names.size());
      EXPECT_EQ(r.wakeup_divergences, 0u);
    }
  }
}

// A stream whose client hangs up without reading what the server sent: the server's recv then
// fails with ECONNRESET (the client's close reset the connection) or, when the close came
// before the server's send, returns 0. Either way it was enabled by the close: run before it,
// the recv would have slept (waits_for_reset). With `shut_first` the client shuts down its
// sending side first: then a recv before the close returns 0 rather than sleeping, and the
// ECONNRESET after it is a real race with the close, which no edge may hide. The client writes
// a file of its own too (steps independent of the stream).
std::function<void(Os&)> reset_by_the_close_program(bool shut_first) {
  return [shut_first](Os& os) {
    papaya::Result<Fd> l = os.listen("127.0.0.1", 0, 4);
    if (!l) os.exit(2);
    papaya::Result<std::uint16_t> port = os.local_port(*l);
    if (!port) os.exit(2);
    const std::uint16_t pt = *port;
    papaya::Result<Pid> client = os.fork([pt, shut_first](Os& o) {
      papaya::Result<Fd> c = o.connect("127.0.0.1", pt);
      papaya::Result<Fd> f = o.open("/y", OpenFlags::rdwr | OpenFlags::creat, 0644);
      if (!c || !f) o.exit(3);
      (void)o.pwrite(*f, "a", 0);
      if (shut_first) (void)o.shutdown(*c, ShutHow::wr);
      (void)o.close(*c);
      (void)o.pwrite(*f, "b", 1);
      o.exit(0);
    });
    papaya::Result<Fd> s = os.accept(*l);
    if (!s || !client) os.exit(4);
    (void)os.send(*s, "s");
    char c = 0;
    while (true) {
      papaya::Result<size_t> n = os.recv(*s, std::span<char>(&c, 1));
      if (!n || *n == 0) break;
    }
    (void)os.waitpid(*client, false);
  };
}

// The errors the server's recvs ended with, over every run.
std::set<int> recv_errors_seen(const Outcomes& runs) {
  std::set<int> errs;
  for (const auto& run : runs)
    for (const edge_runs::Step& st : run)
      if (std::get<1>(st) == static_cast<int>(model::OpKind::recv)) errs.insert(std::get<3>(st));
  return errs;
}

void expect_dpor_sees_what_dfs_sees(bool shut_first) {
  auto explore_reset = [shut_first](StrategyName s, Outcomes& out) {
    Config c;
    c.strategy = s;
    return edge_runs::explore_watching(reset_by_the_close_program(shut_first), c,
                                       {model::OpKind::recv, model::OpKind::pwrite}, out);
  };
  Outcomes dfs_out;
  Result dfs = explore_reset(StrategyName::dfs, dfs_out);
  ASSERT_TRUE(dfs.exhausted);
  // Both endings of the server's recv are seen: ECONNRESET and end-of-file.
  EXPECT_EQ(recv_errors_seen(dfs_out),
            (std::set<int>{static_cast<int>(Errno::ok), static_cast<int>(Errno::econnreset)}));
  for (StrategyName s : {StrategyName::dpor, StrategyName::optimal}) {
    Outcomes out;
    Result r = explore_reset(s, out);
    EXPECT_TRUE(r.exhausted) << strategy_name(s);
    EXPECT_EQ(out, dfs_out) << strategy_name(s);
    EXPECT_EQ(r.trace_names, dfs.trace_names) << strategy_name(s);
    if (s == StrategyName::optimal) {
      EXPECT_EQ(r.wakeup_divergences, 0u);
    }
  }
}

TEST(EofFollowsTheClose, AResetFollowsTheCloseThatLeftIt) { expect_dpor_sees_what_dfs_sees(false); }

// Joining the reset to the close here (dropping waits_for_reset's end-of-file condition) loses
// the runs where the recv returns 0 before the close and the next one fails.
TEST(EofFollowsTheClose, AResetAfterAShutdownStillRacesTheClose) {
  expect_dpor_sees_what_dfs_sees(true);
}

// The broken variant, on the chat with two clients: the first 3,000 executions of 2 x 0 with and
// without the edge.
// Without it, the clients' closes against their Child RECVs' end-of-stream recv (and init's close
// of the barrier pipe against the clients' reads) were planned the other way round.
TEST(EofFollowsTheClose, OnTheChatWithTwoClientsFewerBranchesNoRunCanFollow) {
  auto [with, without] =
      edge_runs::chat_with_and_without(2, 3'000, [](Config& c) { c.eof_joins_drop = false; });
  EXPECT_FALSE(with.violation);
  EXPECT_EQ(with.executions, 3'000u);
  EXPECT_EQ(without.executions, 3'000u);
  // Since wave 15 optimal DPOR declines such a reversal itself when nothing else in it can have
  // woken the recv (OptimalDporStrategy::enabled_by), so the branches it drops are as many either
  // way; the edge still spares it the sleep-set-blocked runs those races led to.
  EXPECT_LE(with.wakeup_divergences, without.wakeup_divergences);
  EXPECT_LT(with.abandoned, without.abandoned);
}

}  // namespace
}  // namespace papaya::explore
