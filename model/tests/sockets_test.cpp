// Socket rules.
#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using testing::Harness;

struct Conn {
  Fd listener, client, server;
};

Conn connect_pair(Harness& h, Pid pid, std::uint16_t port = 7000) {
  Conn c;
  c.listener = static_cast<Fd>(h.ok(pid, op::Listen{"127.0.0.1", port, 8}));
  c.client = static_cast<Fd>(h.ok(pid, op::Connect{"127.0.0.1", port}));
  c.server = static_cast<Fd>(h.ok(pid, op::Accept{c.listener}));
  return c;
}

std::string recv(Harness& h, Pid pid, Fd fd, std::size_t n = 4096) {
  std::string buf(n, '\0');
  Outcome o = h.done(pid, op::Recv{fd, std::span<char>(buf.data(), n)});
  EXPECT_EQ(o.err, Errno::ok) << errno_name(o.err);
  buf.resize(o.err == Errno::ok ? static_cast<std::size_t>(o.ret) : 0);
  return buf;
}

TEST(Sockets, ConnectWithNobodyListeningIsEconnrefused) {
  Harness h;
  EXPECT_EQ(h.done(h.init, op::Connect{"127.0.0.1", 7000}).err, Errno::econnrefused);
}

TEST(Sockets, ListenOnATakenPortIsEaddrinuse) {
  Harness h;
  h.ok(h.init, op::Listen{"127.0.0.1", 7000, 8});
  EXPECT_EQ(h.done(h.init, op::Listen{"127.0.0.1", 7000, 8}).err, Errno::eaddrinuse);
}

TEST(Sockets, ListenOnPortZeroPicksAnEphemeralPort) {
  Harness h;
  Fd l = static_cast<Fd>(h.ok(h.init, op::Listen{"127.0.0.1", 0, 8}));
  EXPECT_GE(h.ok(h.init, op::LocalPort{l}), 32768);
}

TEST(Sockets, ConnectLandsInTheBacklogBeforeAnyAccept) {
  Harness h;
  Fd l = static_cast<Fd>(h.ok(h.init, op::Listen{"127.0.0.1", 7000, 8}));
  Fd c = static_cast<Fd>(h.ok(h.init, op::Connect{"127.0.0.1", 7000}));
  h.ok(h.init, op::Send{c, "early"});
  Fd s = static_cast<Fd>(h.ok(h.init, op::Accept{l}));
  EXPECT_EQ(recv(h, h.init, s), "early");
}

TEST(Sockets, AcceptBlocksUntilAConnectionArrives) {
  Harness h;
  Fd l = static_cast<Fd>(h.ok(h.init, op::Listen{"127.0.0.1", 7000, 8}));
  Pid c = h.fork(h.init);
  EXPECT_EQ(h.call(h.init, op::Accept{l}).status, StepStatus::blocked);
  h.ok(c, op::Connect{"127.0.0.1", 7000});
  EXPECT_TRUE(h.k.ready(h.init));
  EXPECT_EQ(h.again(h.init).err, Errno::ok);
}

TEST(Sockets, ConnectWaitsWhileTheBacklogIsFull) {
  Harness h;
  h.ok(h.init, op::Listen{"127.0.0.1", 7000, 0});  // Linux admits backlog + 1
  h.ok(h.init, op::Connect{"127.0.0.1", 7000});
  EXPECT_EQ(h.call(h.init, op::Connect{"127.0.0.1", 7000}).status, StepStatus::blocked);
}

TEST(Sockets, ASendMayArriveCutIntoSegmentsAsTheChooserDecides) {
  Harness h;
  Conn c = connect_pair(h, h.init);
  h.answers = {1, 2, 0};  // cut: yes, after 3 bytes; cut again: no
  h.ok(h.init, op::Send{c.client, "abcdef"});
  h.answers = {0};  // arrival: only the first segment is there yet
  EXPECT_EQ(recv(h, h.init, c.server), "abc");
  EXPECT_EQ(recv(h, h.init, c.server), "def");
}

TEST(Sockets, RecvReturnsWhateverHasArrivedUpToTheBuffer) {
  Harness h;
  Conn c = connect_pair(h, h.init);
  h.ok(h.init, op::Send{c.client, "abc"});
  h.ok(h.init, op::Send{c.client, "def"});
  h.answers = {1};  // both segments arrived
  EXPECT_EQ(recv(h, h.init, c.server), "abcdef");
  h.ok(h.init, op::Send{c.client, "ghijkl"});
  EXPECT_EQ(recv(h, h.init, c.server, 4), "ghij");
}

TEST(Sockets, RecvReturnsZeroAfterThePeerShutsDownWriting) {
  Harness h;
  Conn c = connect_pair(h, h.init);
  h.ok(h.init, op::Send{c.client, "bye"});
  h.ok(h.init, op::Shutdown{c.client, ShutHow::wr});
  EXPECT_EQ(recv(h, h.init, c.server), "bye");
  EXPECT_EQ(recv(h, h.init, c.server), "");
  EXPECT_EQ(h.done(h.init, op::Send{c.client, "x"}).err, Errno::epipe);
}

TEST(Sockets, RecvBlocksUntilDataOrEndOfStream) {
  Harness h;
  Conn c = connect_pair(h, h.init);
  Pid k = h.fork(h.init);
  h.ok(k, op::Close{c.client});
  char buf[8];
  EXPECT_EQ(h.call(k, op::Recv{c.server, std::span<char>(buf, 8)}).status, StepStatus::blocked);
  h.ok(h.init, op::Send{c.client, "x"});
  EXPECT_TRUE(h.k.ready(k));
  EXPECT_EQ(h.again(k).ret, 1);
  EXPECT_EQ(h.call(k, op::Recv{c.server, std::span<char>(buf, 8)}).status, StepStatus::blocked);
  h.ok(h.init, op::Close{c.client});
  EXPECT_TRUE(h.k.ready(k));
  Outcome o = h.again(k);
  EXPECT_EQ(o.err, Errno::ok);
  EXPECT_EQ(o.ret, 0);
}

TEST(Sockets, AfterThePeerClosedTheFirstSendSucceedsAndLaterOnesFailWithEpipe) {
  Harness h;
  Conn c = connect_pair(h, h.init);
  h.ok(h.init, op::Close{c.server});
  EXPECT_EQ(recv(h, h.init, c.client), "");
  EXPECT_EQ(h.ok(h.init, op::Send{c.client, "x"}), 1);
  EXPECT_EQ(h.done(h.init, op::Send{c.client, "x"}).err, Errno::epipe);
}

TEST(Sockets, ClosingWithUnreadDataResetsThePeer) {
  Harness h;
  Conn c = connect_pair(h, h.init);
  h.ok(h.init, op::Send{c.client, "unread"});
  h.ok(h.init, op::Close{c.server});
  char buf[8];
  EXPECT_EQ(h.done(h.init, op::Recv{c.client, std::span<char>(buf, 8)}).err, Errno::econnreset);
  EXPECT_EQ(h.done(h.init, op::Send{c.client, "x"}).err, Errno::epipe);
}

TEST(Sockets, WriteToAResetSocketRaisesSigpipeButSendDoesNot) {
  Harness h;
  Conn c = connect_pair(h, h.init);
  h.ok(h.init, op::Close{c.server});
  h.ok(h.init, op::Send{c.client, "x"});  // answered by an RST
  EXPECT_EQ(h.done(h.init, op::Send{c.client, "x"}).err, Errno::epipe);
  EXPECT_TRUE(h.k.process(h.init).pending_signals.empty());
  EXPECT_EQ(h.done(h.init, op::Write{c.client, "x"}).err, Errno::epipe);
  EXPECT_TRUE(h.k.process(h.init).pending_signals.has(Sig::pipe));
}

TEST(Sockets, ClosingAListenerResetsConnectionsNobodyAccepted) {
  Harness h;
  Fd l = static_cast<Fd>(h.ok(h.init, op::Listen{"127.0.0.1", 7000, 8}));
  Fd c = static_cast<Fd>(h.ok(h.init, op::Connect{"127.0.0.1", 7000}));
  h.ok(h.init, op::Close{l});
  char buf[8];
  EXPECT_EQ(h.done(h.init, op::Recv{c, std::span<char>(buf, 8)}).err, Errno::econnreset);
  EXPECT_EQ(h.done(h.init, op::Connect{"127.0.0.1", 7000}).err, Errno::econnrefused);
}

TEST(Sockets, RecvOnAFileIsEnotsock) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  char buf[8];
  EXPECT_EQ(h.done(h.init, op::Recv{a, std::span<char>(buf, 8)}).err, Errno::enotsock);
}

}  // namespace
}  // namespace papaya::model
