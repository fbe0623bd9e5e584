// Linux's side of the disk-full rule (model/file_rules.cpp, offer_disk_full; the model's side is
// model/tests/disk_full_test.cpp, the same sequence). write(2): "ENOSPC The device containing the
// file referred to by fd has no room for the data." and "The number of bytes written may be less
// than count if, for example, there is insufficient space on the underlying physical medium".
// Needs root (a 16 KiB tmpfs, mounted in a private mount namespace of a forked child); skipped
// otherwise. RLIMIT_FSIZE is not this rule: it gives EFBIG and SIGXFSZ (setrlimit(2)).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace {

// In a child (its own mount namespace: nothing leaks to the host): the sequence, one exit code
// per failed expectation (0: all held, 77: no permission to mount).
int run_sequence() {
  if (::unshare(CLONE_NEWNS) != 0) return 77;
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 77;
  char dir[] = "/tmp/papaya-diskfull-XXXXXX";
  if (!::mkdtemp(dir)) return 10;
  if (::mount("tmpfs", dir, "tmpfs", 0, "size=16k") != 0) return 77;
  const std::string path = std::string(dir) + "/log";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return 11;
  const std::string a(10000, 'a'), b(10000, 'b');
  if (::write(fd, a.data(), a.size()) != 10000) return 12;
  // 16 KiB = 16384 bytes of pages: 6384 more fit.
  if (::write(fd, b.data(), b.size()) != 6384) return 13;
  if (::write(fd, "cccccccccc", 10) != -1 || errno != ENOSPC) return 14;
  // Space the file gives back is room again.
  if (::ftruncate(fd, 5000) != 0) return 15;
  if (::write(fd, a.data(), 100) != 100) return 16;
  ::close(fd);
  ::umount(dir);
  ::rmdir(dir);
  return 0;
}

TEST(DiskFullLinux, AWriteThatDoesNotFitWritesWhatFitsThenTheNextIsEnospcAndFtruncateGivesRoom) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(run_sequence());
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the step that failed: exit code " << WEXITSTATUS(status);
}

}  // namespace
