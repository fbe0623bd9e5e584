// The disk-full fault (KernelConfig::disk_full_path, file_rules.cpp): the log alone on a file
// system that may fill at a write and get space back at a later one. The sequence is the one
// real/tests/disk_full_linux_test.cpp runs on a 16 KiB tmpfs (Linux 6.x): a write that does not
// fit writes what fits, the next is ENOSPC, and space the file gives back (ftruncate) is room
// again. Here the fault decisions choose the room instead of a mount size.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "model/kernel.hpp"

namespace papaya::model {
namespace {

class Scripted : public Choices {
 public:
  std::uint32_t choose(std::uint32_t n, DecisionKind kind) override {
    if (kind == DecisionKind::fault) ++faults_asked;
    if (answers.empty()) return 0;
    const std::uint32_t a = answers.front();
    answers.pop_front();
    return a < n ? a : n - 1;
  }
  std::deque<std::uint32_t> answers;
  int faults_asked = 0;
};

struct World {
  explicit World(std::string disk_full_path) : k(choices, KernelConfig{false, disk_full_path}) {
    init = k.create_init();
  }
  Outcome run(const Op& op) {
    k.submit(init, op);
    Outcome o = k.step(init);
    while (o.status == StepStatus::progress) o = k.step(init);
    k.check_invariants();
    return o;
  }
  Fd open(std::string_view path) {
    return static_cast<Fd>(
        run(op::Open{path, OpenFlags::rdwr | OpenFlags::creat | OpenFlags::append, 0600}).ret);
  }
  Scripted choices;
  Kernel k;
  Pid init = 0;
};

TEST(DiskFull, AWriteThatDoesNotFitWritesWhatFitsThenTheNextIsEnospc) {
  World w("/log");
  const Fd fd = w.open("/log");
  const std::string a(10000, 'a'), b(10000, 'b');
  // First write: the file system does not fill (fault decision 0).
  w.choices.answers = {0};
  Outcome o = w.run(op::Write{fd, a});
  EXPECT_EQ(o.err, Errno::ok);
  EXPECT_EQ(o.ret, 10000);
  // Second: it fills (1), with room for 6384 of its 10000 bytes: a short write.
  w.choices.answers = {1, 6384};
  o = w.run(op::Write{fd, b});
  EXPECT_EQ(o.err, Errno::ok);
  EXPECT_EQ(o.ret, 6384);
  // Third: still full (space does not return: 0): nothing fits, ENOSPC.
  w.choices.answers = {0};
  o = w.run(op::Write{fd, std::string_view("cccccccccc")});
  EXPECT_EQ(o.err, Errno::enospc);
  EXPECT_EQ(w.choices.faults_asked, 4);
}

TEST(DiskFull, SpaceTheFileGivesBackWithFtruncateIsRoomAgain) {
  World w("/log");
  const Fd fd = w.open("/log");
  w.choices.answers = {1, 100};  // full at once, room for 100 bytes
  EXPECT_EQ(w.run(op::Write{fd, std::string(300, 'x')}).ret, 100);
  EXPECT_EQ(w.run(op::Ftruncate{fd, 40}).err, Errno::ok);
  w.choices.answers = {0};  // still full, but 60 bytes were given back
  Outcome o = w.run(op::Write{fd, std::string(100, 'y')});
  EXPECT_EQ(o.ret, 60);
  w.choices.answers = {1};  // space returns
  o = w.run(op::Write{fd, std::string(5000, 'z')});
  EXPECT_EQ(o.err, Errno::ok);
  EXPECT_EQ(o.ret, 5000);
}

TEST(DiskFull, OnlyTheNamedFileIsOnTheSmallFileSystemAndNoFaultIsOfferedWithoutIt) {
  World w("/log");
  const Fd other = w.open("/transcript");
  w.choices.answers = {1, 1};
  EXPECT_EQ(w.run(op::Write{other, std::string(50, 't')}).ret, 50);
  EXPECT_EQ(w.choices.faults_asked, 0);
  World off("");
  const Fd fd = off.open("/log");
  EXPECT_EQ(off.run(op::Write{fd, std::string(50, 'l')}).ret, 50);
  EXPECT_EQ(off.choices.faults_asked, 0);
}

}  // namespace
}  // namespace papaya::model
