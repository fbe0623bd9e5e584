// PidFile: the pid file is a flock(2), held by every process of the server.
#include "real/pid_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "real/real_os.hpp"
#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PidFile, AcquireWritesThePidAndASecondAcquireIsRefusedNamingIt) {
  TempDir dir;
  Checked<PidFile> first = PidFile::acquire(dir.file("pid"));
  ASSERT_TRUE(first.ok()) << first.error;
  ASSERT_EQ(first.value.write_pid(4242), "");
  EXPECT_EQ(slurp(dir.file("pid")), "4242\n");
  // A second open is a second open file description: flock(2) conflicts even in one process.
  Checked<PidFile> second = PidFile::acquire(dir.file("pid"));
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error.find("held by running process 4242"), std::string::npos) << second.error;
}

TEST(PidFile, AStaleFileWithoutALockIsReused) {
  TempDir dir;
  { std::ofstream(dir.file("pid")) << "99999\n"; }
  Checked<PidFile> p = PidFile::acquire(dir.file("pid"));
  ASSERT_TRUE(p.ok()) << p.error;
  ASSERT_EQ(p.value.write_pid(7), "");
  EXPECT_EQ(slurp(dir.file("pid")), "7\n");
  p.value.remove();
  struct stat st;
  EXPECT_NE(::stat(dir.file("pid").c_str(), &st), 0);
}

TEST(PidFile, TheLockOutlivesTheAcquirerWhileAForkedChildLives) {
  TempDir dir;
  RealOs os;
  auto [r, w] = *os.pipe();
  Result<Pid> holder = os.fork([&, r = r, w = w](Os& c) {
    Checked<PidFile> p = PidFile::acquire(dir.file("pid"));
    CHILD_CHECK(p.ok());
    CHILD_CHECK(p.value.write_pid(c.getpid()).empty());
    Result<Pid> grandchild = c.fork([r, w](Os& g) {  // inherits the description, and the lock
      (void)g.close(w);  // else its own copy of the write end would keep EOF away
      char x;
      (void)g.read(r, std::span<char>(&x, 1));  // until the test closes the pipe
    });
    CHILD_CHECK(grandchild.ok());
  });  // the acquirer exits here; its child keeps the lock
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(os.waitpid(*holder, false).ok());
  (void)os.close(r);
  Checked<PidFile> while_held = PidFile::acquire(dir.file("pid"));
  EXPECT_FALSE(while_held.ok());
  EXPECT_NE(while_held.error.find("held by running process " + std::to_string(*holder)),
            std::string::npos)
      << while_held.error;
  (void)os.close(w);  // the grandchild reads EOF and exits, releasing the lock
  Checked<PidFile> later;
  for (int i = 0; i < 500 && !later.ok(); ++i) {
    (void)os.sleep(10ms);
    later = PidFile::acquire(dir.file("pid"));
  }
  EXPECT_TRUE(later.ok()) << later.error;
}

TEST(PidFile, AnUnwritableDirectoryIsRefusedWithTheReason) {
  Checked<PidFile> p = PidFile::acquire("/nonexistent-papaya-dir/x.pid");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error.find("cannot open pid file /nonexistent-papaya-dir/x.pid"), std::string::npos);
}

}  // namespace
}  // namespace papaya::real
