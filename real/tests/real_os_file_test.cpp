// RealOs files on the real kernel, in a fresh mkdtemp(3) directory per test.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "os/io.hpp"
#include "real/real_os.hpp"
#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using namespace std::chrono_literals;
using testing::run_in_child;
using testing::TempDir;

std::string read_some(Os& os, Fd fd, size_t n) {
  std::string buf(n, '\0');
  Result<size_t> got = os.read(fd, std::span<char>(buf.data(), n));
  return got.ok() ? buf.substr(0, *got) : "<" + std::string(errno_name(got.error())) + ">";
}

TEST(RealOsFiles, OpenCreatesWithTheModeAndExclRefusesAnExistingFile) {
  TempDir dir;
  RealOs os;
  Result<Fd> fd =
      os.open(dir.file("a"), OpenFlags::wronly | OpenFlags::creat | OpenFlags::excl, 0640);
  ASSERT_TRUE(fd.ok());
  struct stat st = {};
  ASSERT_EQ(::stat(dir.file("a").c_str(), &st), 0);
  mode_t umask_now = ::umask(0);
  ::umask(umask_now);
  EXPECT_EQ(st.st_mode & 0777, 0640u & ~umask_now);  // open(2): "mode & ~umask"
  EXPECT_EQ(os.open(dir.file("a"), OpenFlags::wronly | OpenFlags::creat | OpenFlags::excl).error(),
            Errno::eexist);
  EXPECT_EQ(os.open(dir.file("missing"), OpenFlags::rdonly).error(), Errno::enoent);
  EXPECT_EQ(os.open(dir.path(), OpenFlags::wronly).error(), Errno::eisdir);
  ASSERT_TRUE(os.close(*fd).ok());
}

TEST(RealOsFiles, CloexecSetsFdCloexecOnTheDescriptor) {
  TempDir dir;
  RealOs os;
  Fd plain = *os.open(dir.file("p"), OpenFlags::rdwr | OpenFlags::creat);
  Fd cloexec = *os.open(dir.file("p"), OpenFlags::rdwr | OpenFlags::cloexec);
  EXPECT_EQ(::fcntl(plain, F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_EQ(::fcntl(cloexec, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  (void)os.close(plain);
  (void)os.close(cloexec);
}

TEST(RealOsFiles, WriteReadAndLseekMoveTheSharedOffsetWhilePreadAndPwriteDoNot) {
  TempDir dir;
  RealOs os;
  Fd fd = *os.open(dir.file("f"), OpenFlags::rdwr | OpenFlags::creat);
  ASSERT_TRUE(write_all(os, fd, "hello world").ok());
  EXPECT_EQ(*os.lseek(fd, 0, Whence::cur), 11);
  EXPECT_EQ(*os.file_size(fd), 11);
  ASSERT_EQ(*os.lseek(fd, 6, Whence::set), 6);
  EXPECT_EQ(read_some(os, fd, 100), "world");
  EXPECT_EQ(read_some(os, fd, 100), "");  // end of file
  char buf[5];
  Result<size_t> n = os.pread(fd, std::span<char>(buf, 5), 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "hello");
  EXPECT_EQ(*os.pwrite(fd, "J", 0), 1u);
  EXPECT_EQ(*os.lseek(fd, 0, Whence::cur), 11);  // pread/pwrite(2): "file offset is not changed"
  EXPECT_EQ(*os.lseek(fd, -5, Whence::end), 6);
  EXPECT_EQ(*pread_to_eof(os, fd, 0), "Jello world");
  EXPECT_EQ(os.lseek(fd, -100, Whence::set).error(), Errno::einval);
  (void)os.close(fd);
}

TEST(RealOsFiles, AppendWritesLandAtTheEndWhateverTheOffset) {
  TempDir dir;
  RealOs os;
  Fd a = *os.open(dir.file("log"), OpenFlags::wronly | OpenFlags::creat | OpenFlags::append);
  Fd b = *os.open(dir.file("log"), OpenFlags::wronly | OpenFlags::append);
  ASSERT_TRUE(write_all(os, a, "one\n").ok());
  ASSERT_TRUE(write_all(os, b, "two\n").ok());
  ASSERT_TRUE(os.lseek(a, 0, Whence::set).ok());
  ASSERT_TRUE(write_all(os, a, "three\n").ok());
  Fd r = *os.open(dir.file("log"), OpenFlags::rdonly);
  EXPECT_EQ(*pread_to_eof(os, r, 0), "one\ntwo\nthree\n");
  EXPECT_EQ(os.write(r, "x").error(), Errno::ebadf);  // read-only description
  for (Fd fd : {a, b, r}) (void)os.close(fd);
}

TEST(RealOsFiles, TruncEmptiesTheFile) {
  TempDir dir;
  RealOs os;
  Fd fd = *os.open(dir.file("t"), OpenFlags::wronly | OpenFlags::creat);
  ASSERT_TRUE(write_all(os, fd, "0123456789").ok());
  (void)os.close(fd);
  fd = *os.open(dir.file("t"), OpenFlags::rdwr | OpenFlags::trunc);
  EXPECT_EQ(*os.file_size(fd), 0);
  (void)os.close(fd);
}

TEST(RealOsFiles, DupSharesTheOpenFileDescriptionAndItsOffset) {
  TempDir dir;
  RealOs os;
  Fd fd = *os.open(dir.file("d"), OpenFlags::rdwr | OpenFlags::creat);
  ASSERT_TRUE(write_all(os, fd, "abcdef").ok());
  Fd twin = *os.dup(fd);
  ASSERT_NE(twin, fd);
  ASSERT_TRUE(os.lseek(fd, 2, Whence::set).ok());
  EXPECT_EQ(read_some(os, twin, 2), "cd");
  EXPECT_EQ(*os.lseek(fd, 0, Whence::cur), 4);
  ASSERT_TRUE(os.close(fd).ok());
  EXPECT_EQ(os.close(fd).error(), Errno::ebadf);
  EXPECT_EQ(os.dup(fd).error(), Errno::ebadf);
  EXPECT_EQ(read_some(os, twin, 10), "ef");  // the description lives while a descriptor does
  ASSERT_TRUE(os.close(twin).ok());
}

TEST(RealOsFiles, PipeCarriesBytesAcrossForkAndReportsEndOfFileWhenWritersClose) {
  RealOs os;
  auto [r, w] = *os.pipe();
  EXPECT_EQ(::fcntl(r, F_GETFD) & FD_CLOEXEC, 0);  // plain pipe(2)
  Result<Pid> kid = os.fork([w = w, r = r](Os& c) {
    (void)c.close(r);
    (void)write_all(c, w, "from the child");
  });
  ASSERT_TRUE(kid.ok());
  ASSERT_TRUE(os.close(w).ok());
  std::string got;
  for (int i = 0; i < 100; ++i) {
    std::string part = read_some(os, r, 64);
    if (part.empty()) break;
    got += part;
  }
  EXPECT_EQ(got, "from the child");
  ASSERT_TRUE(os.waitpid(*kid, false).ok());
  (void)os.close(r);
}

TEST(RealOsFiles, SeekOnAPipeIsEspipe) {
  RealOs os;
  auto [r, w] = *os.pipe();
  EXPECT_EQ(os.lseek(r, 0, Whence::set).error(), Errno::espipe);
  (void)os.close(r);
  (void)os.close(w);
}

TEST(RealOsFiles, UnlinkRemovesTheNameAndAMissingNameIsEnoent) {
  TempDir dir;
  RealOs os;
  (void)os.close(*os.open(dir.file("u"), OpenFlags::wronly | OpenFlags::creat));
  EXPECT_TRUE(os.unlink(dir.file("u")).ok());
  EXPECT_EQ(os.unlink(dir.file("u")).error(), Errno::enoent);
}

}  // namespace
}  // namespace papaya::real
