// read_key_file: the permission and size half of the key check (the contents rule is
// chat::validate_key's and is tested in chat/).
#include "real/key_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using testing::TempDir;

std::string make_file(const TempDir& dir, const std::string& name, const std::string& contents,
                      mode_t mode) {
  std::string path = dir.file(name);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
  ::close(fd);
  EXPECT_EQ(::chmod(path.c_str(), mode), 0);
  return path;
}

const std::string key(128, 'a');

TEST(KeyFile, AnOwnerOnlyFileIsReadWhole) {
  TempDir dir;
  Checked<std::string> got = read_key_file(make_file(dir, "k", key + "\n", 0600));
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.value, key + "\n");
  EXPECT_TRUE(read_key_file(make_file(dir, "ro", key, 0400)).ok());
}

TEST(KeyFile, GroupOrOtherAccessIsRefusedWithTheModeInOneLine) {
  TempDir dir;
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0660}) {
    Checked<std::string> got = read_key_file(make_file(dir, "k", key, mode));
    ASSERT_FALSE(got.ok()) << std::oct << mode;
    EXPECT_NE(got.error.find("readable or writable by group or others"), std::string::npos)
        << got.error;
    EXPECT_NE(got.error.find(dir.file("k")), std::string::npos);
    EXPECT_EQ(got.error.find('\n'), std::string::npos);
  }
}

TEST(KeyFile, AMissingFileADirectoryAndAHugeFileAreRefused) {
  TempDir dir;
  EXPECT_NE(read_key_file(dir.file("none")).error.find("No such file"), std::string::npos);
  ::mkdir(dir.file("d").c_str(), 0700);
  EXPECT_NE(read_key_file(dir.file("d")).error.find("not a regular file"), std::string::npos);
  ::rmdir(dir.file("d").c_str());
  std::string huge(key_file_max_bytes + 1, 'a');
  EXPECT_NE(read_key_file(make_file(dir, "big", huge, 0600)).error.find("larger than"),
            std::string::npos);
}

TEST(KeyFile, AFifoIsRefusedWithoutWaitingForAWriter) {
  TempDir dir;
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);
  testing::ChildOutcome out = testing::run_in_child(
      [&] {
        Checked<std::string> got = read_key_file(dir.file("fifo"));
        CHILD_CHECK(!got.ok());
        CHILD_CHECK(got.error.find("not a regular file") != std::string::npos);
        return 0;
      },
      std::chrono::seconds(5));
  EXPECT_CHILD_OK(out);
  ::unlink(dir.file("fifo").c_str());
}

}  // namespace
}  // namespace papaya::real
