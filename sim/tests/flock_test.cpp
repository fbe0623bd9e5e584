// flock on the executor: mutual exclusion of read-modify-write, and the shared-description trap.
#include <gtest/gtest.h>

#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

// Each of three processes adds 1 to a counter file five times, reading and rewriting it.
int final_count(std::uint64_t seed, bool lock, bool shared_description) {
  Simulation sim(testing::checked(seed));
  RunReport r = sim.run([&](Os& os) {
    Fd shared = *os.open("/counter", OpenFlags::rdwr | OpenFlags::creat);
    (void)os.pwrite(shared, "0", 0);
    std::vector<Pid> kids;
    for (int i = 0; i < 3; ++i)
      kids.push_back(*os.fork([=](Os& k) {
        Fd fd = shared_description ? shared : *k.open("/counter", OpenFlags::rdwr);
        for (int n = 0; n < 5; ++n) {
          if (lock) (void)k.flock(fd, {LockOp::ex, false});
          char buf[16] = {};
          std::size_t got = *k.pread(fd, std::span<char>(buf, sizeof buf), 0);
          std::string next = std::to_string(std::stoi(std::string(buf, got)) + 1);
          (void)k.pwrite(fd, next, 0);
          if (lock) (void)k.flock(fd, {LockOp::un, false});
        }
      }));
    for (Pid k : kids) (void)os.waitpid(k, false);
  });
  EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
  return std::stoi(*sim.file_contents("/counter"));
}

TEST(SimFlock, ExclusiveLocksThroughSeparateOpensMakeReadModifyWriteAtomic) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed)
    EXPECT_EQ(final_count(seed, true, false), 15) << "seed " << seed;
}

TEST(SimFlock, WithoutTheLockUpdatesGetLost) {
  int lost = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed)
    lost += final_count(seed, false, false) < 15 ? 1 : 0;
  EXPECT_GT(lost, 0);
}

TEST(SimFlock, LockingThroughOneSharedDescriptionExcludesNobody) {
  int lost = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed)
    lost += final_count(seed, true, true) < 15 ? 1 : 0;
  EXPECT_GT(lost, 0);
}

}  // namespace
}  // namespace papaya::sim
