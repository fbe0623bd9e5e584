// A goroutine program's kernel steps name their actor below the process: the goroutine whose
// system call the step is ("g" in the trace), so the History can tell two goroutines apart.
#include <gtest/gtest.h>

#include "os/io.hpp"
#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

TEST(SimGoroutineSteps, EachSystemCallOfAGoroutineIsAStepNamingThatGoroutine) {
  Options o = testing::checked(3);
  Simulation sim(o);
  RunReport r = sim.run([](Os& os) {
    Fd f = *os.open("log", OpenFlags::rdwr | OpenFlags::creat | OpenFlags::append);
    GoChan done = os.new_chan(2);  // a Go program from here on: this is goroutine 1
    for (int w = 0; w < 2; ++w)
      os.go([f, done](Os& g) {
        (void)g.write(f, "x\n");
        g.chan_send(done, 1);
      });
    (void)os.chan_recv(done);
    (void)os.chan_recv(done);
    (void)os.file_size(f);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  const traces::Trace& t = sim.trace();
  std::vector<std::uint32_t> writers;
  bool open_by_process = false;
  bool size_by_main = false;
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    const traces::Step& s = t.steps[i];
    if (s.op == model::OpKind::open) open_by_process = s.g == 0;  // before the first goroutine call
    if (s.op == model::OpKind::write) writers.push_back(s.g);
    if (s.op == model::OpKind::file_size) size_by_main = s.g == 1;
  }
  EXPECT_TRUE(open_by_process);
  EXPECT_TRUE(size_by_main);
  std::sort(writers.begin(), writers.end());
  EXPECT_EQ(writers, (std::vector<std::uint32_t>{2, 3}));
}

// Each M is a kernel thread: while one goroutine's write of two pages is between its pages, another
// goroutine's pread of the same file runs (on a thread of its own) and may see the first page
// only, as another process's read would. Some seed shows it, and then the pread ran on a thread
// other than the first.
struct Overlap {
  bool saw_half = false;      // a pread returned the first page and not the second
  bool other_thread = false;  // a pread step ran on a kernel thread other than the first
};

Overlap write_and_read(std::uint64_t seed) {
  Overlap out;
  Options o = testing::checked(seed);
  Simulation sim(o);
  RunReport r = sim.run([&out](Os& os) {
    Fd f = *os.open("log", OpenFlags::rdwr | OpenFlags::creat | OpenFlags::append);
    GoChan done = os.new_chan(2);  // a Go program from here on
    os.go([f, done](Os& g) {
      (void)g.write(f, std::string(6000, 'a'));  // two pages: two steps
      g.chan_send(done, 1);
    });
    os.go([f, done, &out](Os& g) {
      for (int i = 0; i < 4; ++i) {
        std::string buf(8192, '\0');
        Result<std::size_t> n = g.pread(f, std::span<char>(buf.data(), buf.size()), 0);
        if (n && *n > 0 && *n < 6000) out.saw_half = true;
        g.gosched();
      }
      g.chan_send(done, 1);
    });
    (void)os.chan_recv(done);
    (void)os.chan_recv(done);
  });
  EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
  const traces::Trace& t = sim.trace();
  for (std::size_t i = 0; i < t.steps.size(); ++i)
    if (t.steps[i].op == model::OpKind::pread && t.steps[i].m != 0) out.other_thread = true;
  return out;
}

TEST(SimGoroutineSteps, TwoGoroutinesSystemCallsInterleaveAtPageGranularityOnTwoThreads) {
  bool half = false;
  bool other_thread = false;
  for (std::uint64_t seed = 1; seed <= 40 && !half; ++seed) {
    const Overlap o = write_and_read(seed);
    half = half || o.saw_half;
    other_thread = other_thread || o.other_thread;
    if (o.saw_half) {
      EXPECT_TRUE(o.other_thread) << "seed " << seed;
    }
  }
  EXPECT_TRUE(half) << "no seed let a pread land between the write's two pages";
  EXPECT_TRUE(other_thread);
}

}  // namespace
}  // namespace papaya::sim
