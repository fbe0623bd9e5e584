// The log protocol's call sequence, per variant, on FileOnlyOs (which records every call).
#include "chat/chat_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "chat/tests/file_only_os.hpp"

namespace papaya::chat {
namespace {

using Calls = std::vector<std::string>;
constexpr const char* path = "/log";

struct LogTest : ::testing::Test {
  testing::FileOnlyOs os;
  Fd fd = -1;
  ChatLog make(Variant v = Variant::correct) {
    fd = *open_log(os, path);
    os.calls.clear();
    return ChatLog(fd, fd, os.pgid, flaws_of(v));
  }
};

TEST_F(LogTest, OpenLogCreatesTheFileForAppending) {
  Result<Fd> r = open_log(os, path);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(os.files.count(path));
}

TEST_F(LogTest, AppendLocksWritesTheWholeLineOnceNotifiesTheGroupThenUnlocks) {
  ChatLog log = make();
  ASSERT_TRUE(log.append(os, "a: hello\n").ok());
  EXPECT_EQ(os.calls, (Calls{"sigprocmask block SIGINT SIGTERM", "flock 3 ex", "write 3 9",
                             "kill -100 SIGUSR1", "flock 3 un", "sigprocmask setmask"}));
  EXPECT_EQ(os.files[path], "a: hello\n");
}

TEST_F(LogTest, AppendRetriesAShortWriteInsideTheLock) {
  ChatLog log = make();
  os.write_cap = 4;
  ASSERT_TRUE(log.append(os, "a: hello\n").ok());
  EXPECT_EQ(os.calls,
            (Calls{"sigprocmask block SIGINT SIGTERM", "flock 3 ex", "write 3 4", "write 3 4",
                   "write 3 1", "kill -100 SIGUSR1", "flock 3 un", "sigprocmask setmask"}));
  EXPECT_EQ(os.files[path], "a: hello\n");
}

TEST_F(LogTest, AnInterruptedFlockIsRetried) {
  ChatLog log = make();
  os.flock_eintr = 2;
  ASSERT_TRUE(log.append(os, "x\n").ok());
  EXPECT_EQ(os.calls,
            (Calls{"sigprocmask block SIGINT SIGTERM", "flock 3 ex", "flock 3 ex", "flock 3 ex",
                   "write 3 2", "kill -100 SIGUSR1", "flock 3 un", "sigprocmask setmask"}));
}

TEST_F(LogTest, LockedSectionsHoldOffTerminationAndRestoreTheCallersMask) {
  ChatLog log = make();
  (void)static_cast<Os&>(os).sigprocmask(SigHow::setmask, SigSet{Sig::usr1});
  ASSERT_TRUE(log.append(os, "x\n").ok());
  ASSERT_TRUE(log.read_since(os, 0).ok());
  ASSERT_TRUE(log.read_tail(os, 1).ok());
  EXPECT_EQ(os.mask(), SigSet{Sig::usr1});
  int blocked = 0;
  for (const std::string& c : os.calls) blocked += c == "sigprocmask block SIGINT SIGTERM";
  EXPECT_EQ(blocked, 3);
}

TEST_F(LogTest, ReadSinceReadsToEofWithPreadUnderASharedLock) {
  ChatLog log = make();
  os.files[path] = "a\nbb\nccc\n";
  Result<std::string> got = log.read_since(os, 2);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "bb\nccc\n");
  EXPECT_EQ(os.calls, (Calls{"sigprocmask block SIGINT SIGTERM", "flock 3 sh", "pread 3 @2",
                             "pread 3 @9", "flock 3 un", "sigprocmask setmask"}));
}

TEST_F(LogTest, ReadSinceAtEofIsEmpty) {
  ChatLog log = make();
  os.files[path] = "a\n";
  EXPECT_EQ(*log.read_since(os, 2), "");
}

TEST_F(LogTest, NoLockVariantNeverCallsFlock) {
  ChatLog log = make(Variant::no_lock);
  ASSERT_TRUE(log.append(os, "x\n").ok());
  ASSERT_TRUE(log.read_since(os, 0).ok());
  for (const std::string& c : os.calls) EXPECT_NE(c.rfind("flock", 0), 0u) << c;
}

TEST_F(LogTest, SharedOffsetVariantSeeksThenReadsOnTheReadDescription) {
  fd = *open_log(os, path);
  Fd shared = *open_log(os, path);
  os.calls.clear();
  ChatLog log(fd, shared, os.pgid, flaws_of(Variant::shared_offset));
  os.files[path] = "a\nbb\n";
  EXPECT_EQ(*log.read_since(os, 2), "bb\n");
  EXPECT_EQ(os.calls, (Calls{"sigprocmask block SIGINT SIGTERM", "flock 3 sh", "lseek 4 2",
                             "read 4 @2", "read 4 @5", "flock 3 un", "sigprocmask setmask"}));
}

TEST_F(LogTest, ShortReadVariantReadsOnceAtMost4096Bytes) {
  ChatLog log = make(Variant::short_read);
  os.files[path] = std::string(5000, 'x');
  Result<std::string> got = log.read_since(os, 0);
  EXPECT_EQ(got->size(), 4096u);
  EXPECT_EQ(os.calls, (Calls{"sigprocmask block SIGINT SIGTERM", "flock 3 sh", "pread 3 @0",
                             "flock 3 un", "sigprocmask setmask"}));
}

TEST_F(LogTest, ExclusiveReadVariantReadsUnderAnExclusiveLock) {
  ChatLog log = make(Variant::exclusive_read);
  os.files[path] = "a\nbb\n";
  EXPECT_EQ(*log.read_since(os, 2), "bb\n");
  EXPECT_EQ(os.calls, (Calls{"sigprocmask block SIGINT SIGTERM", "flock 3 ex", "pread 3 @2",
                             "pread 3 @5", "flock 3 un", "sigprocmask setmask"}));
  os.calls.clear();
  EXPECT_EQ(log.read_tail(os, 1)->bytes, "bb\n");
  EXPECT_EQ(os.calls[1], "flock 3 ex");
  EXPECT_EQ(os.calls[os.calls.size() - 2], "flock 3 un");
}

TEST_F(LogTest, ExclusiveReadVariantWritesAsTheCorrectDesign) {
  ChatLog flawed = make(Variant::exclusive_read);
  ASSERT_TRUE(flawed.append(os, "a: hello\n").ok());
  const Calls flawed_calls = os.calls;
  os.files[path].clear();  // the same empty log again: an append to a non-empty one looks at its
                           // last byte first (the log heals)
  ChatLog correct = make();
  ASSERT_TRUE(correct.append(os, "a: hello\n").ok());
  // Same sequence, on the new descriptor make() opened.
  ASSERT_EQ(flawed_calls.size(), os.calls.size());
  EXPECT_EQ(os.calls[1], "flock " + std::to_string(fd) + " ex");
  EXPECT_EQ(flawed_calls[1], "flock " + std::to_string(fd - 1) + " ex");
}

TEST_F(LogTest, ReadTailGivesTheLastLinesAndTheOffsetAfterThem) {
  ChatLog log = make();
  os.files[path] = "1\n2\n3\n4\n";
  Result<Tail> t = log.read_tail(os, 2);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->bytes, "3\n4\n");
  EXPECT_EQ(t->next, 8);
  EXPECT_EQ(os.calls[1], "flock 3 sh");
  EXPECT_EQ(os.calls[os.calls.size() - 2], "flock 3 un");
}

TEST_F(LogTest, ReadTailOfAnEmptyLogIsEmptyAtOffsetZero) {
  ChatLog log = make();
  Result<Tail> t = log.read_tail(os, 7);
  EXPECT_EQ(t->bytes, "");
  EXPECT_EQ(t->next, 0);
}

TEST_F(LogTest, ReadTailOfZeroLinesStartsAtTheEnd) {
  ChatLog log = make();
  os.files[path] = "1\n2\n";
  Result<Tail> t = log.read_tail(os, 0);
  EXPECT_EQ(t->bytes, "");
  EXPECT_EQ(t->next, 4);
}

TEST_F(LogTest, ReadTailGrowsItsWindowUntilTheFirstLineIsWhole) {
  ChatLog log = make();
  const std::string big(6000, 'b');
  os.files[path] = "old\n" + big + "\nlast\n";
  Result<Tail> t = log.read_tail(os, 2);
  EXPECT_EQ(t->bytes, big + "\nlast\n");
  EXPECT_EQ(t->next, static_cast<Offset>(os.files[path].size()));
}

TEST_F(LogTest, PaperHistoryReadsOneWindowOf150BytesPerLineAndMayCutTheFirstLine) {
  ChatLog log = make(Variant::paper);
  const std::string line(199, 'p');
  os.files[path] = line + "\n" + line + "\n";  // 400 bytes; one line's window is 150
  Result<Tail> t = log.read_tail(os, 1);
  EXPECT_EQ(t->bytes, line.substr(50) + "\n");
  EXPECT_EQ(t->next, 400);
}

TEST_F(LogTest, PaperHistoryKeepsWholeLinesThatFitItsWindow) {
  ChatLog log = make(Variant::paper);
  os.files[path] = "1\n2\n3\n";
  EXPECT_EQ(log.read_tail(os, 2)->bytes, "2\n3\n");
}

}  // namespace
// The log heals (issue 9).
TEST_F(LogTest, AnAppendFirstCutsATornTailBackToTheLastWholeLine) {
  os.files[path] = "a: whole\nc: half a li";
  ChatLog log = make();
  ASSERT_TRUE(log.append(os, "b: hello\n").ok());
  EXPECT_EQ(os.files[path], "a: whole\nb: hello\n");
  EXPECT_NE(std::find(os.calls.begin(), os.calls.end(), "ftruncate " + std::to_string(fd) + " 9"),
            os.calls.end());
}

TEST_F(LogTest, ATornTailWithNoWholeLineBeforeItIsCutToNothing) {
  os.files[path] = std::string(5000, 'x');
  ChatLog log = make();
  ASSERT_TRUE(log.append(os, "b: hello\n").ok());
  EXPECT_EQ(os.files[path], "b: hello\n");
}

TEST_F(LogTest, AWriteCutShortByAFullDiskIsCutBackAndReported) {
  os.files[path] = "a: whole\n";
  os.disk_room = 12;
  ChatLog log = make();
  Status s = log.append(os, "b: too long for the disk\n");
  EXPECT_EQ(s.error(), Errno::enospc);
  EXPECT_EQ(os.files[path], "a: whole\n");
  for (const std::string& c : os.calls) EXPECT_EQ(c.find("kill"), std::string::npos) << c;
}

TEST_F(LogTest, NoHealVariantLeavesTheFragmentAndGluesTheNextLineOnIt) {
  os.files[path] = "a: whole\nc: half a li";
  ChatLog log = make(Variant::no_heal);
  ASSERT_TRUE(log.append(os, "d: hello\n").ok());
  EXPECT_EQ(os.files[path], "a: whole\nc: half a lid: hello\n");
}

TEST_F(LogTest, TheJoinPointIsTheEndOfTheLastWholeLine) {
  os.files[path] = "a: whole\nc: half a li";
  ChatLog log = make();
  EXPECT_EQ(*log.size_now(os), 9);
  os.files[path] = "a: whole\n";
  EXPECT_EQ(*log.size_now(os), 9);
}

TEST_F(LogTest, ReadSinceWithALimitReadsAtMostThatMuch) {
  os.files[path] = std::string(100, 'a') + "\n";
  ChatLog log = make();
  EXPECT_EQ(log.read_since(os, 0, 10)->size(), 10u);
  EXPECT_EQ(*log.read_since(os, 90, 1000), std::string(10, 'a') + "\n");
  EXPECT_EQ(*log.read_since(os, 101, 1000), "");
}

}  // namespace papaya::chat
