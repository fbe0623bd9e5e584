// A stream is two byte queues, one into each end (sim/independence.cpp stream_io): a send and a
// recv through one end touch different queues and commute; each process's drops of an end are an
// object of their own (sock_holder), which the peer's sends and empty recvs read. Checked on
// effects computed from a real kernel state, as independence_test.cpp does.
#include <gtest/gtest.h>

#include <vector>

#include "model/kernel.hpp"
#include "sim/independence.hpp"

namespace papaya::sim {
namespace {

struct NoStreamChoices final : model::Choices {
  std::uint32_t choose(std::uint32_t, model::DecisionKind) override { return 0; }
};

// Pid 1 listens (fd 3), connects to itself (fd 4: the client end) and accepts (fd 5: the server
// end), then forks pid 2, which holds all three too. `a_before` / `b_before` run first, each
// step to its end; then the effects of `a_next` (pid 1) and `b_next` (pid 2) in that state.
struct StreamPair {
  NoStreamChoices ch;
  model::Kernel k{ch};
  Pid a = 0, b = 0;
  StreamPair(bool accept) {
    a = k.create_init();
    run(a, model::op::Listen{"127.0.0.1", 0, 4}, 3);
    k.submit(a, model::op::LocalPort{3});
    const auto port = static_cast<std::uint16_t>(k.step(a).ret);
    run(a, model::op::Connect{"127.0.0.1", port}, 4);
    if (accept) run(a, model::op::Accept{3}, 5);
    k.submit(a, model::op::Fork{});
    b = static_cast<Pid>(k.step(a).ret);
  }
  void run(Pid p, const model::Op& op, std::int64_t expect) {
    k.submit(p, op);
    EXPECT_EQ(k.step(p).ret, expect);
  }
  void run(Pid p, const model::Op& op) {
    k.submit(p, op);
    EXPECT_EQ(k.step(p).status, model::StepStatus::done);
  }
};

constexpr Fd listener_fd = 3;
constexpr Fd client_fd = 4;
constexpr Fd server_fd = 5;

bool streams_dependent(const std::vector<model::Op>& a_before,
                       const std::vector<model::Op>& b_before, const model::Op& a_next,
                       const model::Op& b_next, bool accept = true) {
  StreamPair t(accept);
  for (const model::Op& op : a_before) t.run(t.a, op);
  for (const model::Op& op : b_before) t.run(t.b, op);
  t.k.submit(t.a, a_next);
  t.k.submit(t.b, b_next);
  return dependent(effect_of(t.k, t.a), effect_of(t.k, t.b));
}

char stream_buf[4];
model::Op recv_on(Fd fd) { return model::op::Recv{fd, std::span<char>(stream_buf, 2)}; }
model::Op send_on(Fd fd) { return model::op::Send{fd, "x"}; }

TEST(StreamIndependence, ASendAndARecvThroughOneEndTouchDifferentQueues) {
  // The queue into the server end is empty (the recv would sleep) ...
  EXPECT_FALSE(streams_dependent({}, {}, send_on(server_fd), recv_on(server_fd)));
  // ... or holds the client's bytes (the recv takes them).
  EXPECT_FALSE(streams_dependent({send_on(client_fd)}, {}, send_on(server_fd), recv_on(server_fd)));
  // write(2) and read(2) on a socket are send and recv.
  EXPECT_FALSE(streams_dependent({}, {}, model::op::Write{server_fd, "x"},
                                 model::op::Read{server_fd, std::span<char>(stream_buf, 2)}));
}

TEST(StreamIndependence, ASendIsDependentOnTheRecvAtTheOtherEndAndOnAnotherSendThroughItsEnd) {
  EXPECT_TRUE(streams_dependent({}, {}, send_on(client_fd), recv_on(server_fd)));
  EXPECT_TRUE(streams_dependent({}, {}, send_on(server_fd), send_on(server_fd)));
  EXPECT_TRUE(streams_dependent({}, {}, recv_on(server_fd), recv_on(server_fd)));
}

TEST(StreamIndependence, EveryDropOfAnEndOrdersThePeersSendsAndEmptyRecvs) {
  // Pid 2 drops its copy of the client end: the last one or not (pid 1 holds one too), a send
  // through the server end and a recv that finds its queue empty read every holder's references
  // to the client end: whichever drop is the last, they are ordered with it.
  EXPECT_TRUE(streams_dependent({}, {}, send_on(server_fd), model::op::Close{client_fd}));
  EXPECT_TRUE(streams_dependent({}, {}, recv_on(server_fd), model::op::Close{client_fd}));
  const std::vector<model::Op> a_closed_client{model::op::Close{client_fd}};
  EXPECT_TRUE(
      streams_dependent(a_closed_client, {}, send_on(server_fd), model::op::Close{client_fd}));
  EXPECT_TRUE(
      streams_dependent(a_closed_client, {}, recv_on(server_fd), model::op::Close{client_fd}));
  // A recv that takes bytes already queued does not look: they are read either way.
  EXPECT_FALSE(streams_dependent({send_on(client_fd), model::op::Close{client_fd}}, {},
                                 recv_on(server_fd), model::op::Close{client_fd}));
  // Nor does a send or recv through the end being dropped (its holder holds it still).
  EXPECT_FALSE(streams_dependent({}, {}, send_on(client_fd), model::op::Close{client_fd}));
  EXPECT_FALSE(streams_dependent({}, {}, recv_on(client_fd), model::op::Close{client_fd}));
}

TEST(StreamIndependence, DropsOfOneEndByDifferentProcessesCommuteWhicheverIsLast) {
  EXPECT_FALSE(streams_dependent({}, {}, model::op::Close{server_fd}, model::op::Close{server_fd}));
  EXPECT_FALSE(streams_dependent({}, {}, model::op::Close{server_fd}, model::op::Exit{0}));
}

TEST(StreamIndependence, ShutdownOrdersBothWays) {
  EXPECT_TRUE(
      streams_dependent({}, {}, recv_on(client_fd), model::op::Shutdown{server_fd, ShutHow::wr}));
  EXPECT_TRUE(
      streams_dependent({}, {}, send_on(client_fd), model::op::Shutdown{server_fd, ShutHow::rd}));
}

TEST(StreamIndependence, AfterThePeerClosedARecvAndASendThroughOneEndCommuteButTwoSendsDoNot) {
  // The peer (the client end, both copies) is closed: a recv that finds the queue empty returns
  // 0 whatever the sends do, and the first send only records the reset, which makes the second
  // fail with EPIPE.
  const std::vector<model::Op> closed{model::op::Close{client_fd}};
  EXPECT_FALSE(streams_dependent(closed, closed, send_on(server_fd), recv_on(server_fd)));
  EXPECT_TRUE(streams_dependent(closed, closed, send_on(server_fd), send_on(server_fd)));
  // ... and the recv, like every step that looks at the end's flags, is ordered after the close.
  EXPECT_TRUE(streams_dependent(closed, {}, recv_on(server_fd), model::op::Close{client_fd}));
}

TEST(StreamIndependence, TheLastClosesOfTheTwoEndsCommute) {
  // Pid 1 dropped its client end and pid 2 its server end: each one's next close is the last of
  // its end. Each discards its own queue and sets the other's flags, which nobody reads again.
  EXPECT_FALSE(streams_dependent({model::op::Close{client_fd}}, {model::op::Close{server_fd}},
                                 model::op::Close{server_fd}, model::op::Close{client_fd}));
}

TEST(StreamIndependence, TheListenersLastCloseResetsTheConnectionsNobodyAccepted) {
  // Not accepted: the connection waits in the listener's queue, and the listener's last close
  // resets it (the client's send then fails, its recv reports ECONNRESET).
  const std::vector<model::Op> a_closed_listener{model::op::Close{listener_fd}};
  EXPECT_TRUE(streams_dependent(a_closed_listener, {}, send_on(client_fd),
                                model::op::Close{listener_fd}, /*accept=*/false));
  EXPECT_TRUE(streams_dependent(a_closed_listener, {}, recv_on(client_fd),
                                model::op::Close{listener_fd}, /*accept=*/false));
  // Not the last close: nothing happens to the connection.
  EXPECT_FALSE(streams_dependent({}, {}, send_on(client_fd), model::op::Close{listener_fd},
                                 /*accept=*/false));
}

}  // namespace
}  // namespace papaya::sim
