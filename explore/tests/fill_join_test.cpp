// A read follows the write that filled its empty channel (sim/event_log.hpp Event::fills,
// Event::fed): a blocking read or recv that returned bytes a write put into a channel that was
// empty, run before that write, would have slept until it and read the same bytes. Treating the
// pair as a race made optimal DPOR plan schedules no run can follow (docs/explore.md, "A read
// follows the write that filled the channel"). With the edge: the same outcomes and traces as
// dfs, and none of those branches; where the channel already held bytes the race stays (a read
// before the second write returns fewer bytes).
#include <gtest/gtest.h>

#include "explore/tests/edge_runs.hpp"

namespace papaya::explore {
namespace {

using edge_runs::Outcomes;

Result explore_fill(std::function<void(Os&)> init, StrategyName s, bool fill_joins,
                    std::initializer_list<model::OpKind> watch, Outcomes& out) {
  Config c;
  c.strategy = s;
  c.fill_joins_read = fill_joins;
  return edge_runs::explore_watching(std::move(init), c, watch, out);
}

// Two children write one byte each into a pipe; the parent reads with a buffer of `buffer` bytes
// until it has both. With a buffer of 2 a read can take both bytes or one: which the order of the
// reads and the second write decides (a real race the edge must not hide).
std::function<void(Os&)> two_writers_one_pipe_program(std::size_t buffer) {
  return [buffer](Os& os) {
    papaya::Result<std::pair<Fd, Fd>> pp = os.pipe();
    if (!pp) os.exit(2);
    const auto [r, w] = *pp;
    std::vector<Pid> kids;
    for (int i = 0; i < 2; ++i) {
      papaya::Result<Pid> kid = os.fork([r, w, i](Os& o) {
        (void)o.close(r);
        (void)o.write(w, i == 0 ? "A" : "B");
        o.exit(0);
      });
      if (!kid) os.exit(2);
      kids.push_back(*kid);
    }
    (void)os.close(w);
    std::vector<char> buf(buffer);
    std::size_t got = 0;
    while (got < 2) {
      papaya::Result<size_t> n = os.read(r, std::span<char>(buf.data(), buf.size()));
      if (!n || *n == 0) break;
      got += *n;
    }
    for (Pid k : kids) (void)os.waitpid(k, false);
  };
}

// A client sends two lines through a stream; the server receives with a buffer of `buffer`
// bytes until it has both (a recv takes one line or both).
std::function<void(Os&)> two_sends_one_stream_program(std::size_t buffer) {
  return [buffer](Os& os) {
    papaya::Result<Fd> l = os.listen("127.0.0.1", 0, 4);
    if (!l) os.exit(2);
    papaya::Result<std::uint16_t> port = os.local_port(*l);
    if (!port) os.exit(2);
    const std::uint16_t pt = *port;
    papaya::Result<Pid> client = os.fork([pt](Os& o) {
      papaya::Result<Fd> c = o.connect("127.0.0.1", pt);
      papaya::Result<Fd> f = o.open("/y", OpenFlags::rdwr | OpenFlags::creat, 0644);
      if (!c || !f) o.exit(3);
      (void)o.send(*c, "1\n");
      (void)o.pwrite(*f, "a", 0);
      (void)o.send(*c, "2\n");
      (void)o.close(*c);
      o.exit(0);
    });
    papaya::Result<Fd> s = os.accept(*l);
    if (!s || !client) os.exit(4);
    std::vector<char> buf(buffer);
    std::size_t got = 0;
    while (got < 4) {
      papaya::Result<size_t> n = os.recv(*s, std::span<char>(buf.data(), buf.size()));
      if (!n || *n == 0) break;
      got += *n;
    }
    (void)os.waitpid(*client, false);
  };
}

// dpor and optimal with the edge see what dfs sees; optimal follows every branch it plans.
// Returns optimal's runs without the edge, for the callers' comparisons.
Result expect_the_same_as_dfs(const std::function<void(Os&)>& program,
                              std::initializer_list<model::OpKind> watch) {
  Outcomes dfs_out;
  Result dfs = explore_fill(program, StrategyName::dfs, true, watch, dfs_out);
  EXPECT_TRUE(dfs.exhausted);
  for (StrategyName s : {StrategyName::dpor, StrategyName::optimal}) {
    Outcomes out;
    Result r = explore_fill(program, s, true, watch, out);
    EXPECT_TRUE(r.exhausted) << strategy_name(s);
    EXPECT_EQ(out, dfs_out) << strategy_name(s);
    EXPECT_EQ(r.trace_names, dfs.trace_names) << strategy_name(s);
    if (s == StrategyName::optimal) {
      EXPECT_EQ(r.executions, r.trace_names.size());
      EXPECT_EQ(r.abandoned, 0u);
      EXPECT_EQ(r.wakeup_divergences, 0u);
    }
  }
  Outcomes without_out;
  Result without = explore_fill(program, StrategyName::optimal, false, watch, without_out);
  EXPECT_EQ(without_out, dfs_out);
  EXPECT_EQ(without.trace_names, dfs.trace_names);
  return without;
}

std::size_t reads_returning(const Outcomes& runs, model::OpKind kind, std::int64_t n) {
  std::size_t count = 0;
  for (const auto& run : runs)
    for (const edge_runs::Step& st : run)
      if (std::get<1>(st) == static_cast<int>(kind) && std::get<2>(st) == n) ++count;
  return count;
}

// (Without the edge no branch is lost here either: "the first read before the first write" is
// followed by the run where it reads the other child's byte.)
TEST(FillJoinsRead, APipeReadOfOneByteFollowsTheWriteThatFilledIt) {
  expect_the_same_as_dfs(two_writers_one_pipe_program(1), {model::OpKind::read});
}

TEST(FillJoinsRead, APipeReadThatCanTakeBothBytesStillRacesTheSecondWrite) {
  Outcomes dfs_out;
  const auto program = two_writers_one_pipe_program(2);
  Result dfs = explore_fill(program, StrategyName::dfs, true, {model::OpKind::read}, dfs_out);
  ASSERT_TRUE(dfs.exhausted);
  // Both outcomes exist: one read of 2 bytes, or two reads of 1.
  EXPECT_GT(reads_returning(dfs_out, model::OpKind::read, 2), 0u);
  EXPECT_GT(reads_returning(dfs_out, model::OpKind::read, 1), 0u);
  expect_the_same_as_dfs(program, {model::OpKind::read});
}

TEST(FillJoinsRead, AStreamRecvFollowsTheSendThatFilledItAndRacesTheNext) {
  const auto program = two_sends_one_stream_program(8);
  Outcomes dfs_out;
  Result dfs = explore_fill(program, StrategyName::dfs, true, {model::OpKind::recv}, dfs_out);
  ASSERT_TRUE(dfs.exhausted);
  EXPECT_GT(reads_returning(dfs_out, model::OpKind::recv, 4), 0u);
  EXPECT_GT(reads_returning(dfs_out, model::OpKind::recv, 2), 0u);
  Result without = expect_the_same_as_dfs(program, {model::OpKind::recv, model::OpKind::pwrite});
  // Without the edge optimal planned "the first recv before the first send": it sleeps.
  EXPECT_GT(without.abandoned + without.wakeup_divergences, 0u);
}

// On the chat with two clients (each reporting its join through its own barrier pipe, and
// receiving its cluster's lines): the first 3,000 executions of 2 x 0 with and without the edge.
TEST(FillJoinsRead, OnTheChatWithTwoClientsFewerBranchesNoRunCanFollow) {
  auto [with, without] =
      edge_runs::chat_with_and_without(2, 3'000, [](Config& c) { c.fill_joins_read = false; });
  EXPECT_FALSE(with.violation);
  EXPECT_EQ(with.executions, 3'000u);
  EXPECT_EQ(without.executions, 3'000u);
  EXPECT_LT(with.abandoned, without.abandoned);
}

}  // namespace
}  // namespace papaya::explore
