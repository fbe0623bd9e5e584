// File rules: descriptions, offsets, O_APPEND, page-by-page writes, pread/pwrite, lseek, unlink.
#include "model/limits.hpp"
#include "model/tests/harness.hpp"

namespace papaya::model {
namespace {

using testing::Harness;
constexpr OpenFlags rw_creat = OpenFlags::rdwr | OpenFlags::creat;
constexpr OpenFlags append = OpenFlags::wronly | OpenFlags::creat | OpenFlags::append;

TEST(Files, OpenReturnsTheLowestFreeDescriptorStartingAfterStdio) {
  Harness h;
  EXPECT_EQ(h.open(h.init, "/a"), 3);
  EXPECT_EQ(h.open(h.init, "/b"), 4);
  h.ok(h.init, op::Close{3});
  EXPECT_EQ(h.open(h.init, "/c"), 3);
}

TEST(Files, OpenWithoutCreatOfAMissingFileIsEnoent) {
  Harness h;
  EXPECT_EQ(h.done(h.init, op::Open{"/nope", OpenFlags::rdonly, 0}).err, Errno::enoent);
}

TEST(Files, OpenCreatExclOfAnExistingFileIsEexist) {
  Harness h;
  h.open(h.init, "/a");
  EXPECT_EQ(h.done(h.init, op::Open{"/a", rw_creat | OpenFlags::excl, 0600}).err, Errno::eexist);
}

TEST(Files, TruncTruncatesAWritableOpen) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  h.ok(h.init, op::Write{a, "hello"});
  h.open(h.init, "/a", OpenFlags::wronly | OpenFlags::trunc);
  EXPECT_EQ(h.k.file_contents("/a"), "");
}

TEST(Files, ReadAdvancesTheOffsetAndReturnsZeroAtEnd) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  h.ok(h.init, op::Write{a, "hello"});
  h.ok(h.init, op::Lseek{a, 0, Whence::set});
  EXPECT_EQ(h.read(h.init, a, 3), "hel");
  EXPECT_EQ(h.read(h.init, a, 10), "lo");
  EXPECT_EQ(h.read(h.init, a, 10), "");
}

TEST(Files, ForkedChildSharesTheOffset) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  h.ok(h.init, op::Write{a, "abcdef"});
  h.ok(h.init, op::Lseek{a, 0, Whence::set});
  Pid c = h.fork(h.init);
  EXPECT_EQ(h.read(c, a, 2), "ab");
  EXPECT_EQ(h.read(h.init, a, 2), "cd");  // the child moved the shared offset
}

TEST(Files, DupSharesTheOffset) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  Fd d = static_cast<Fd>(h.ok(h.init, op::Dup{a}));
  h.ok(h.init, op::Write{a, "abc"});
  EXPECT_EQ(h.ok(h.init, op::Lseek{d, 0, Whence::cur}), 3);
}

TEST(Files, SeparateOpensHaveSeparateOffsets) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  Fd b = h.open(h.init, "/a");
  h.ok(h.init, op::Write{a, "abc"});
  EXPECT_EQ(h.ok(h.init, op::Lseek{b, 0, Whence::cur}), 0);
  EXPECT_EQ(h.read(h.init, b), "abc");
}

TEST(Files, AppendWritesAtTheEndAndMovesTheSharedOffsetThere) {
  Harness h;
  Fd w = h.open(h.init, "/log", append);
  Fd other = h.open(h.init, "/log", OpenFlags::wronly);
  h.ok(h.init, op::Write{other, "0123456789"});
  Pid c = h.fork(h.init);
  h.ok(c, op::Write{w, "ab"});
  EXPECT_EQ(h.k.file_contents("/log"), "0123456789ab");
  EXPECT_EQ(h.ok(h.init, op::Lseek{w, 0, Whence::cur}), 12);
}

TEST(Files, PreadAndPwriteLeaveTheOffsetAlone) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  h.ok(h.init, op::Pwrite{a, "xyz", 5});
  EXPECT_EQ(h.ok(h.init, op::Lseek{a, 0, Whence::cur}), 0);
  EXPECT_EQ(h.pread(h.init, a, 5), "xyz");
  EXPECT_EQ(h.ok(h.init, op::Lseek{a, 0, Whence::cur}), 0);
}

TEST(Files, PwriteOnAnAppendDescriptionAppendsRegardlessOfOffset) {
  Harness h;
  Fd a = h.open(h.init, "/a", append);
  h.ok(h.init, op::Write{a, "abc"});
  h.ok(h.init, op::Pwrite{a, "Z", 0});
  EXPECT_EQ(h.k.file_contents("/a"), "abcZ");
}

TEST(Files, LseekBeyondTheEndLeavesAHoleReadAsZerosAndFlagged) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  h.ok(h.init, op::Lseek{a, 4, Whence::set});
  h.ok(h.init, op::Write{a, "x"});
  EXPECT_EQ(h.pread(h.init, a, 0), std::string("\0\0\0\0x", 5));
  EXPECT_EQ(h.k.take_warnings().size(), 1u);
}

TEST(Files, LseekToANegativeOffsetIsEinval) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  EXPECT_EQ(h.done(h.init, op::Lseek{a, -1, Whence::set}).err, Errno::einval);
}

TEST(Files, ReadingAWriteOnlyDescriptorIsEbadf) {
  Harness h;
  Fd a = h.open(h.init, "/a", OpenFlags::wronly | OpenFlags::creat);
  char b[4];
  EXPECT_EQ(h.done(h.init, op::Read{a, std::span<char>(b, 4)}).err, Errno::ebadf);
}

TEST(Files, AWriteBecomesVisibleToAConcurrentReaderPageByPage) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd w = h.open(h.init, "/a", append);
  Fd r = h.open(c, "/a", OpenFlags::rdonly);
  std::string big(limits::page_size + 10, 'x');
  EXPECT_EQ(h.call(h.init, op::Write{w, big}).status, StepStatus::progress);
  EXPECT_EQ(h.pread(c, r, 0, 2 * limits::page_size).size(), limits::page_size);  // half done
  EXPECT_EQ(h.again(h.init).ret, static_cast<std::int64_t>(big.size()));
  EXPECT_EQ(h.pread(c, r, 0, 2 * limits::page_size).size(), big.size());
}

TEST(Files, WritersOfOneFileExcludeEachOtherForTheWholeWrite) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd w1 = h.open(h.init, "/a", append);
  Fd w2 = h.open(c, "/a", append);
  std::string big(limits::page_size + 10, 'x');
  h.call(h.init, op::Write{w1, big});
  EXPECT_EQ(h.call(c, op::Write{w2, "yy"}).status, StepStatus::blocked);
  h.again(h.init);
  EXPECT_TRUE(h.k.ready(c));
  h.again(c);
  EXPECT_EQ(h.k.file_contents("/a"), big + "yy");
}

TEST(Files, AWriterKilledBetweenPagesLeavesTheWriteHalfDone) {
  Harness h;
  Pid c = h.fork(h.init);
  Fd w = h.open(c, "/a", append);
  std::string big(limits::page_size + 10, 'x');
  h.call(c, op::Write{w, big});
  h.ok(h.init, op::Kill{c, Sig::kill});
  EXPECT_EQ(h.again(c).status, StepStatus::exited);
  EXPECT_EQ(h.k.file_contents("/a")->size(), limits::page_size);
}

TEST(Files, UnlinkedFileLivesWhileOpen) {
  Harness h;
  Fd a = h.open(h.init, "/a");
  h.ok(h.init, op::Write{a, "abc"});
  h.ok(h.init, op::Unlink{"/a"});
  EXPECT_EQ(h.k.file_contents("/a"), std::nullopt);
  EXPECT_EQ(h.pread(h.init, a, 0), "abc");
  EXPECT_EQ(h.done(h.init, op::Open{"/a", OpenFlags::rdonly, 0}).err, Errno::enoent);
}

TEST(Files, CloseOfAClosedDescriptorIsEbadf) {
  Harness h;
  EXPECT_EQ(h.done(h.init, op::Close{9}).err, Errno::ebadf);
}

TEST(Files, DescriptorsArePerProcessAndLimited) {
  Harness h;
  for (int i = limits::first_free_fd; i < limits::fds_per_process; ++i) h.open(h.init, "/a");
  EXPECT_EQ(h.done(h.init, op::Open{"/a", OpenFlags::rdonly, 0}).err, Errno::emfile);
}

}  // namespace
}  // namespace papaya::model
