// Sockets on the executor: an echo over TCP with segments and partial receives.
#include <gtest/gtest.h>

#include "os/io.hpp"
#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

TEST(SimSockets, AnEchoServerReturnsEveryByteHoweverTheStreamIsCut) {
  const std::string msg = "line one\nline two\nline three\n";
  int split = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    std::string got;
    int reads = 0;
    RunReport r = testing::run(
        [&](Os& os) {
          Fd l = *os.listen("127.0.0.1", 7000, 4);
          Pid server = *os.fork([l](Os& k) {
            Fd s = *k.accept(l);
            std::vector<char> buf(64);
            for (;;) {
              Result<size_t> n = k.recv(s, std::span<char>(buf.data(), buf.size()));
              if (!n || *n == 0) break;
              (void)send_all(k, s, std::string_view(buf.data(), *n));
            }
            (void)k.close(s);
          });
          (void)os.close(l);
          Fd c = *os.connect("127.0.0.1", 7000);
          (void)send_all(os, c, msg);
          (void)os.shutdown(c, ShutHow::wr);
          std::vector<char> buf(64);
          for (;;) {
            Result<size_t> n = os.recv(c, std::span<char>(buf.data(), buf.size()));
            if (!n || *n == 0) break;
            got.append(buf.data(), *n);
            ++reads;
          }
          (void)os.waitpid(server, false);
        },
        seed);
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_EQ(got, msg) << "seed " << seed;
    split += reads > 1 ? 1 : 0;
  }
  EXPECT_GT(split, 0);  // some schedule cut the stream
}

TEST(SimSockets, ConnectingToAPortNobodyListensOnIsRefused) {
  Result<Fd> c = 0;
  testing::run([&](Os& os) { c = os.connect("127.0.0.1", 9); });
  EXPECT_EQ(c.error(), Errno::econnrefused);
}

TEST(SimSockets, SendAfterThePeerIsGoneFailsWithEpipeAndNoSignal) {
  Result<size_t> second = 0;
  RunReport r = testing::run([&](Os& os) {
    Fd l = *os.listen("127.0.0.1", 0, 4);
    std::uint16_t port = *os.local_port(l);
    Fd c = *os.connect("127.0.0.1", port);
    Fd s = *os.accept(l);
    (void)os.close(s);
    (void)os.send(c, "x");  // the peer answers with RST
    second = os.send(c, "x");
  });
  EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_EQ(second.error(), Errno::epipe);
}

}  // namespace
}  // namespace papaya::sim
