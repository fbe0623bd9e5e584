// RealOs sockets on the real kernel: 127.0.0.1 and ephemeral ports only.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "os/io.hpp"
#include "real/real_os.hpp"
#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using namespace std::chrono_literals;
using testing::run_in_child;

constexpr std::string_view loopback = "127.0.0.1";

TEST(RealOsSockets, ListenOnPortZeroPicksAnEphemeralPort) {
  RealOs os;
  Result<Fd> l = os.listen(loopback, 0, 16);
  ASSERT_TRUE(l.ok()) << errno_name(l.error());
  Result<std::uint16_t> port = os.local_port(*l);
  ASSERT_TRUE(port.ok());
  EXPECT_NE(*port, 0);
  EXPECT_EQ(os.listen(loopback, *port, 16).error(), Errno::eaddrinuse);
  (void)os.close(*l);
}

TEST(RealOsSockets, ConnectAcceptSendRecvAndShutdownMakeAByteStream) {
  RealOs os;
  Fd l = *os.listen(loopback, 0, 16);
  std::uint16_t port = *os.local_port(l);
  Result<Fd> client = os.connect(loopback, port);
  ASSERT_TRUE(client.ok()) << errno_name(client.error());
  Result<Fd> server = os.accept(l);
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(send_all(os, *client, "ping\n").ok());
  Result<std::string> got = recv_exactly(os, *server, 5);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "ping\n");
  ASSERT_TRUE(os.shutdown(*client, ShutHow::wr).ok());
  char c;
  EXPECT_EQ(*os.recv(*server, std::span<char>(&c, 1)), 0u);  // end of stream
  ASSERT_TRUE(send_all(os, *server, "pong").ok());           // the other direction stays open
  EXPECT_EQ(*recv_exactly(os, *client, 4), "pong");
  for (Fd fd : {*client, *server, l}) (void)os.close(fd);
}

// Nagle's algorithm off on both ends, as Go leaves every TCPConn: otherwise a chat line sent
// behind an unacknowledged one waits for the peer's delayed ACK (docs/results.md, fan-out).
int tcp_nodelay_of(Fd fd) {
  int on = -1;
  socklen_t len = sizeof on;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len) != 0) return -1;
  return on;
}

TEST(RealOsSockets, AcceptedAndConnectedSocketsHaveNagleOff) {
  RealOs os;
  Fd l = *os.listen(loopback, 0, 4);
  Result<Fd> client = os.connect(loopback, *os.local_port(l));
  ASSERT_TRUE(client.ok()) << errno_name(client.error());
  Result<Fd> server = os.accept(l);
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(tcp_nodelay_of(*server), 1) << "accepted socket";
  EXPECT_EQ(tcp_nodelay_of(*client), 1) << "connected socket";
  EXPECT_EQ(tcp_nodelay_of(l), 0) << "the listener itself is left alone";
  for (Fd fd : {*client, *server, l}) (void)os.close(fd);
}

TEST(RealOsSockets, ConnectByHostNameLocalhostWorks) {
  RealOs os;
  Fd l = *os.listen("localhost", 0, 4);
  Result<Fd> c = os.connect("localhost", *os.local_port(l));
  ASSERT_TRUE(c.ok()) << errno_name(c.error());
  (void)os.close(*c);
  (void)os.close(l);
}

TEST(RealOsSockets, ConnectToAPortNobodyListensOnIsEconnrefused) {
  RealOs os;
  Fd l = *os.listen(loopback, 0, 4);
  std::uint16_t port = *os.local_port(l);
  (void)os.close(l);
  EXPECT_EQ(os.connect(loopback, port).error(), Errno::econnrefused);
}

TEST(RealOsSockets, ListenOnAnAddressThatIsNotOursIsEaddrnotavail) {
  RealOs os;
  EXPECT_EQ(os.listen("192.0.2.1", 0, 4).error(), Errno::eaddrnotavail);  // TEST-NET-1
  EXPECT_EQ(os.listen("no-such-host.invalid", 0, 4).error(), Errno::eaddrnotavail);
}

TEST(RealOsSockets, SendToAClosedPeerIsAnErrorNotSigpipe) {
  auto out = run_in_child([] {
    RealOs os;  // SIGPIPE keeps its default disposition (terminate) in this child
    Fd l = *os.listen(loopback, 0, 4);
    Fd c = *os.connect(loopback, *os.local_port(l));
    Fd s = *os.accept(l);
    CHILD_CHECK(os.close(s).ok());
    Errno last = Errno::ok;
    for (int i = 0; i < 100 && last == Errno::ok; ++i) {
      Result<size_t> n = os.send(c, "data that nobody reads");
      if (!n) last = n.error();
      (void)os.sleep(1ms);
    }
    // tcp(7): the first send after the peer closed draws an RST; later ones fail with EPIPE.
    CHILD_CHECK(last == Errno::epipe || last == Errno::econnreset);
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsSockets, SocketCallsOnAFileAreEnotsock) {
  RealOs os;
  auto [r, w] = *os.pipe();
  char c;
  EXPECT_EQ(os.recv(r, std::span<char>(&c, 1)).error(), Errno::enotsock);
  EXPECT_EQ(os.local_port(r).error(), Errno::enotsock);
  EXPECT_EQ(os.accept(r).error(), Errno::enotsock);
  (void)os.close(r);
  (void)os.close(w);
}

TEST(RealOsSockets, RecvOnAnUnconnectedSocketIsEnotconn) {
  RealOs os;
  Fd l = *os.listen(loopback, 0, 4);
  char c;
  EXPECT_EQ(os.recv(l, std::span<char>(&c, 1)).error(), Errno::enotconn);
  (void)os.close(l);
}

}  // namespace
}  // namespace papaya::real
