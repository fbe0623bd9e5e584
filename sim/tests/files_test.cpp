// Files on the executor: xv6's sharedfd question and its relatives, under many seeds.
#include <gtest/gtest.h>

#include "os/io.hpp"
#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

using testing::run;

// xv6 usertests' sharedfd: parent and child write through one descriptor (one open file
// description, one offset): no byte is overwritten.
TEST(SimFiles, ParentAndChildWritingThroughOneDescriptorOverwriteNothing) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Simulation sim(testing::checked(seed));
    RunReport r = sim.run([](Os& os) {
      Fd fd = *os.open("/sharedfd", OpenFlags::rdwr | OpenFlags::creat | OpenFlags::trunc);
      Pid c = *os.fork([fd](Os& k) {
        for (int i = 0; i < 20; ++i) (void)write_all(k, fd, "cccccccccc");
      });
      for (int i = 0; i < 20; ++i) (void)write_all(os, fd, "pppppppppp");
      (void)os.waitpid(c, false);
    });
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    std::string f = *sim.file_contents("/sharedfd");
    EXPECT_EQ(f.size(), 400u) << "seed " << seed;
    EXPECT_EQ(std::count(f.begin(), f.end(), 'c'), 200) << "seed " << seed;
  }
}

// The same with two opens (two descriptions, two offsets): writes overwrite each other under
// some schedule.
TEST(SimFiles, TwoOpensOfOneFileHaveTheirOwnOffsetsAndOverwriteEachOther) {
  int overwritten = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    Simulation sim(testing::checked(seed));
    sim.run([](Os& os) {
      Pid c = *os.fork([](Os& k) {
        Fd fd = *k.open("/f", OpenFlags::wronly | OpenFlags::creat);
        for (int i = 0; i < 10; ++i) (void)write_all(k, fd, "cc");
      });
      Fd fd = *os.open("/f", OpenFlags::wronly | OpenFlags::creat);
      for (int i = 0; i < 10; ++i) (void)write_all(os, fd, "pp");
      (void)os.waitpid(c, false);
    });
    overwritten += sim.file_contents("/f")->size() < 40 ? 1 : 0;
  }
  EXPECT_GT(overwritten, 0);
}

TEST(SimFiles, OAppendWritersNeverOverwriteOrInterleave) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    Simulation sim(testing::checked(seed));
    sim.run([](Os& os) {
      std::vector<Pid> kids;
      for (char ch : {'a', 'b', 'c'})
        kids.push_back(*os.fork([ch](Os& k) {
          Fd fd = *k.open("/log", OpenFlags::wronly | OpenFlags::creat | OpenFlags::append);
          for (int i = 0; i < 3; ++i)
            (void)write_all(k, fd, std::string(5000, ch));  // two pages each
        }));
      for (Pid k : kids) (void)os.waitpid(k, false);
    });
    std::string f = *sim.file_contents("/log");
    ASSERT_EQ(f.size(), 45000u);
    for (std::size_t i = 0; i < f.size(); i += 5000)
      EXPECT_EQ(f.substr(i, 5000), std::string(5000, f[i])) << seed;
  }
}

TEST(SimFiles, AReaderCanSeeAWriteHalfDoneWhenNothingExcludesIt) {
  int half = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    std::size_t seen = 0;
    Simulation sim(testing::checked(seed));
    sim.run([&](Os& os) {
      Fd w = *os.open("/f", OpenFlags::wronly | OpenFlags::creat | OpenFlags::append);
      Pid c = *os.fork([&seen](Os& k) {
        Fd r = *k.open("/f", OpenFlags::rdonly);
        std::vector<char> buf(20000);
        for (int i = 0; i < 4; ++i)
          seen = std::max(seen, *k.pread(r, std::span<char>(buf.data(), buf.size()), 0) % 10000);
      });
      (void)os.write(w, std::string(10000, 'x'));
      (void)os.waitpid(c, false);
    });
    half += seen != 0 ? 1 : 0;  // a size that is not 0 or 10000: pages of a write in progress
  }
  EXPECT_GT(half, 0);
}

}  // namespace
}  // namespace papaya::sim
