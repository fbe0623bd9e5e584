// RealOs time and logging, and the errno/signal maps.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <regex>

#include "real/errno_map.hpp"
#include "real/real_os.hpp"
#include "real/signal_map.hpp"
#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using namespace std::chrono_literals;
using testing::run_in_child;

TEST(RealOsTime, NowIsMonotonicAndSleepSleepsAtLeastTheDuration) {
  RealOs os;
  Duration a = os.now();
  ASSERT_TRUE(os.sleep(20ms).ok());
  Duration b = os.now();
  EXPECT_GE(b - a, 20ms);
  EXPECT_LT(b - a, 2s);
  EXPECT_TRUE(os.sleep(Duration::zero()).ok());
  EXPECT_EQ(os.sleep(-1ms).error(), Errno::einval);
}

TEST(RealOsTime, ACaughtSignalCutsASleepShortWithEintr) {
  auto out = run_in_child([] {
    RealOs os;
    CHILD_CHECK(os.sigaction(Sig::alrm, SigAction::catch_flag(true)).ok());
    CHILD_CHECK(os.alarm(50ms).ok());
    Duration start = os.now();
    // nanosleep(2) is never restarted, SA_RESTART or not (signal(7)).
    CHILD_CHECK(os.sleep(10s).error() == Errno::eintr);
    CHILD_CHECK(os.now() - start < 5s);
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(RealOsLog, WritesOneTimestampedLinePerCallToStderr) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto out = run_in_child([&] {
    ::dup2(fds[1], 2);
    RealOs os(RealOs::Options{false, "papaya-test"});
    os.log(LogLevel::warning, "two\nlines");
    return 0;
  });
  ASSERT_TRUE(out.exited && out.code == 0) << out.describe();
  ::close(fds[1]);
  char buf[512];
  ssize_t n = ::read(fds[0], buf, sizeof buf);
  ::close(fds[0]);
  ASSERT_GT(n, 0);
  std::string line(buf, static_cast<size_t>(n));
  std::regex shape(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z papaya-test\[\d+\] warning: two\\nlines\n)");
  EXPECT_TRUE(std::regex_match(line, shape)) << line;
}

TEST(ErrnoMap, EveryNamedErrnoRoundTripsAndUnknownNumbersAreOther) {
  for (int i = static_cast<int>(Errno::eperm); i < static_cast<int>(Errno::other); ++i) {
    Errno e = static_cast<Errno>(i);
    EXPECT_EQ(from_errno(to_errno(e)), e) << errno_name(e);
  }
  EXPECT_EQ(from_errno(EWOULDBLOCK), Errno::eagain);
  EXPECT_EQ(from_errno(EXDEV), Errno::other);
  EXPECT_EQ(to_errno(Errno::ok), 0);
  EXPECT_EQ(to_errno(Errno::other), EIO);
}

TEST(SignalMap, EveryNamedSignalRoundTripsThroughNumbersAndSets) {
  SigSet all;
  for (Sig s : all_signals) {
    EXPECT_EQ(from_signo(to_signo(s)), s) << sig_name(s);
    all.add(s);
  }
  EXPECT_EQ(from_sigset(to_sigset(all)), all);
  EXPECT_EQ(from_sigset(to_sigset(SigSet{Sig::usr1})), SigSet{Sig::usr1});
  EXPECT_FALSE(from_signo(SIGSEGV).has_value());
}

}  // namespace
}  // namespace papaya::real
