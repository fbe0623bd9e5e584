// A process's other threads (model/process.hpp Task): clone(2)'s CLONE_THREAD and CLONE_FILES. A
// thread's regular-file call runs while the first thread's write is between two pages, sees that
// write page by page, and is excluded by the inode's writer lock as another process is.
#include "model/limits.hpp"
#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using testing::Harness;
constexpr OpenFlags append = OpenFlags::rdwr | OpenFlags::creat | OpenFlags::append;

TEST(Threads, ASecondThreadsPreadLandsBetweenTheFirstThreadsPagesAndSeesHalfTheWrite) {
  Harness h;
  const Fd f = h.open(h.init, "/log", append);
  const std::string big(limits::page_size + 10, 'x');
  ASSERT_EQ(h.call(h.init, op::Write{f, big}).status, StepStatus::progress);  // one page in
  const std::uint16_t t = h.k.idle_task(h.init);
  ASSERT_NE(t, 0);
  std::string buf(2 * limits::page_size, '\0');
  const op::Pread pr{f, std::span<char>(buf.data(), buf.size()), 0};
  ASSERT_TRUE(h.k.runs_on_a_task(h.init, pr));
  h.k.submit(h.init, t, pr);
  ASSERT_TRUE(h.k.ready(h.init, t));
  const Outcome o = h.k.step(h.init, t);
  h.k.check_invariants();
  EXPECT_EQ(o.status, StepStatus::done);
  EXPECT_EQ(o.ret, static_cast<std::int64_t>(limits::page_size));  // the first page only
  EXPECT_EQ(h.again(h.init).ret, static_cast<std::int64_t>(big.size()));
}

TEST(Threads, TwoThreadsOfOneProcessExcludeEachOthersWritesAsTwoProcessesDo) {
  Harness h;
  const Fd f = h.open(h.init, "/log", append);
  const std::string big(limits::page_size + 10, 'x');
  ASSERT_EQ(h.call(h.init, op::Write{f, big}).status, StepStatus::progress);
  const std::uint16_t t = h.k.idle_task(h.init);
  h.k.submit(h.init, t, op::Write{f, "yy"});
  EXPECT_EQ(h.k.step(h.init, t).status, StepStatus::blocked);  // i_rwsem is the first thread's
  EXPECT_FALSE(h.k.ready(h.init, t));
  h.k.check_invariants();
  EXPECT_EQ(h.again(h.init).status, StepStatus::done);
  EXPECT_TRUE(h.k.ready(h.init, t));
  EXPECT_EQ(h.k.step(h.init, t).ret, 2);
  h.k.check_invariants();
  EXPECT_EQ(h.k.file_contents("/log"), big + "yy");
}

TEST(Threads, OnlyRegularFileCallsRunOnAnotherThread) {
  Harness h;
  const Fd f = h.open(h.init, "/log", append);
  std::string buf(8, '\0');
  EXPECT_TRUE(h.k.runs_on_a_task(h.init, op::FileSize{f}));
  EXPECT_FALSE(h.k.runs_on_a_task(h.init, op::Read{0, std::span<char>(buf.data(), 8)}));  // null
  EXPECT_FALSE(h.k.runs_on_a_task(h.init, op::Flock{f, {LockOp::ex}}));
  EXPECT_FALSE(h.k.runs_on_a_task(h.init, op::Getpid{}));
}

TEST(Threads, ExitEndsAnotherThreadsWriteInProgressAndFreesItsLock) {
  Harness h;
  const Pid c = h.fork(h.init);
  const Fd f = h.open(c, "/log", append);
  const std::string big(3 * limits::page_size, 'x');
  const std::uint16_t t = h.k.idle_task(c);
  h.k.submit(c, t, op::Write{f, big});
  ASSERT_EQ(h.k.step(c, t).status, StepStatus::progress);
  EXPECT_EQ(h.call(c, op::Exit{0}).status, StepStatus::exited);
  const Fd g = h.open(h.init, "/log", append);
  EXPECT_EQ(h.ok(h.init, op::Write{g, "z"}), 1);  // the writer lock went with the process
  EXPECT_EQ(h.k.file_contents("/log")->size(), limits::page_size + 1);
}

}  // namespace
}  // namespace papaya::model
