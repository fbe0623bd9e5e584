// Pipe rules.
#include "model/limits.hpp"
#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using testing::Harness;

std::pair<Fd, Fd> make_pipe(Harness& h, Pid pid) {
  Outcome o = h.done(pid, op::Pipe{});
  return {static_cast<Fd>(o.ret), static_cast<Fd>(o.ret2)};
}

TEST(Pipes, PipeReturnsAReadEndAndAWriteEnd) {
  Harness h;
  auto [r, w] = make_pipe(h, h.init);
  EXPECT_EQ(r, 3);
  EXPECT_EQ(w, 4);
  h.ok(h.init, op::Write{w, "abc"});
  EXPECT_EQ(h.read(h.init, r), "abc");
}

TEST(Pipes, ReadOfAnEmptyPipeBlocksUntilDataArrives) {
  Harness h;
  auto [r, w] = make_pipe(h, h.init);
  Pid c = h.fork(h.init);
  char buf[8];
  EXPECT_EQ(h.call(c, op::Read{r, std::span<char>(buf, 8)}).status, StepStatus::blocked);
  h.ok(h.init, op::Write{w, "hi"});
  EXPECT_EQ(h.again(c).ret, 2);
}

TEST(Pipes, ReadSeesEndOfFileOnceEveryWriteEndIsClosed) {
  Harness h;
  auto [r, w] = make_pipe(h, h.init);
  Pid c = h.fork(h.init);
  h.ok(c, op::Close{w});
  char buf[8];
  EXPECT_EQ(h.call(c, op::Read{r, std::span<char>(buf, 8)}).status, StepStatus::blocked);
  h.ok(h.init, op::Close{w});
  Outcome o = h.again(c);
  EXPECT_EQ(o.err, Errno::ok);
  EXPECT_EQ(o.ret, 0);
}

TEST(Pipes, WriteWithNoReaderRaisesSigpipeAndFailsWithEpipe) {
  Harness h;
  auto [r, w] = make_pipe(h, h.init);
  h.ok(h.init, op::Sigaction{Sig::pipe, SigAction::ign()});
  h.ok(h.init, op::Close{r});
  EXPECT_EQ(h.done(h.init, op::Write{w, "x"}).err, Errno::epipe);
  Pid c = h.fork(h.init);
  h.ok(c, op::Sigaction{Sig::pipe, SigAction::dfl()});
  EXPECT_EQ(h.done(c, op::Write{w, "x"}).err, Errno::epipe);
  EXPECT_EQ(h.call(c, op::Getpid{}).status, StepStatus::exited);  // SIGPIPE's default action
  EXPECT_EQ(h.k.process(c).status.term_sig, Sig::pipe);
}

TEST(Pipes, AWriteUpToPipeBufIsAtomicAndWaitsForRoom) {
  Harness h;
  auto [r, w] = make_pipe(h, h.init);
  Pid c = h.fork(h.init);
  std::string fill(limits::pipe_capacity - 10, 'f');
  for (std::size_t off = 0; off < fill.size(); off += limits::pipe_buf)
    h.ok(h.init, op::Write{w, std::string_view(fill).substr(off, limits::pipe_buf)});
  std::string msg(100, 'm');
  EXPECT_EQ(h.call(c, op::Write{w, msg}).status,
            StepStatus::blocked);  // 10 bytes of room: not enough
  h.read(h.init, r, 4096);
  EXPECT_TRUE(h.k.ready(c));
  EXPECT_EQ(h.again(c).ret, 100);
}

TEST(Pipes, AWriteBeyondPipeBufGoesPageByPageAndMayInterleave) {
  Harness h;
  auto [r, w] = make_pipe(h, h.init);
  Pid c = h.fork(h.init);
  std::string big(limits::pipe_buf + 1, 'b');
  EXPECT_EQ(h.call(h.init, op::Write{w, big}).status, StepStatus::progress);
  h.ok(c, op::Write{w, "c"});
  EXPECT_EQ(h.again(h.init).ret, static_cast<std::int64_t>(big.size()));
  std::string got = h.read(h.init, r, 2 * limits::pipe_buf);
  EXPECT_EQ(got, std::string(limits::page_size, 'b') + "c" + "b");
}

TEST(Pipes, LseekOnAPipeIsEspipe) {
  Harness h;
  auto [r, w] = make_pipe(h, h.init);
  (void)w;
  EXPECT_EQ(h.done(h.init, op::Lseek{r, 0, Whence::set}).err, Errno::espipe);
}

}  // namespace
}  // namespace papaya::model
