// Pipes on the executor.
#include <gtest/gtest.h>

#include "os/io.hpp"
#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

TEST(SimPipes, AChildEchoesWhatItReadsUntilEndOfFile) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::string echoed;
    RunReport r = testing::run(
        [&](Os& os) {
          std::pair<Fd, Fd> to_child = *os.pipe();
          auto [back_rd, back_wr] = *os.pipe();
          Pid c = *os.fork(
              [in = to_child.first, out = back_wr, w = to_child.second, r = back_rd](Os& k) {
                (void)k.close(w);
                (void)k.close(r);
                std::vector<char> buf(7);
                for (;;) {
                  Result<size_t> n = k.read(in, std::span<char>(buf.data(), buf.size()));
                  if (!n || *n == 0) break;
                  (void)write_all(k, out, std::string_view(buf.data(), *n));
                }
              });
          (void)os.close(to_child.first);
          (void)os.close(back_wr);
          (void)write_all(os, to_child.second, "hello, pipe world");
          (void)os.close(to_child.second);
          std::vector<char> buf(64);
          for (;;) {
            Result<size_t> n = os.read(back_rd, std::span<char>(buf.data(), buf.size()));
            if (!n || *n == 0) break;
            echoed.append(buf.data(), *n);
          }
          (void)os.waitpid(c, false);
        },
        seed);
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_EQ(echoed, "hello, pipe world");
  }
}

TEST(SimPipes, WritingToAPipeNobodyReadsKillsWithSigpipe) {
  Result<WaitStatus> ws = Errno::other;
  testing::run([&](Os& os) {
    auto [rd, wr] = *os.pipe();
    (void)os.close(rd);
    Pid c = *os.fork([wr = wr](Os& k) {
      (void)k.write(wr, "x");
      (void)k.getpid();
    });
    ws = os.waitpid(c, false);
  });
  ASSERT_TRUE(ws.ok());
  EXPECT_TRUE(ws->signaled);
  EXPECT_EQ(ws->term_sig, Sig::pipe);
}

}  // namespace
}  // namespace papaya::sim
