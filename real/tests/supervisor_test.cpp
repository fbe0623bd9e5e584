// supervise(): the foreground supervisor on the real kernel. Each test runs in a child that is a
// child subreaper (prctl(2)), so processes the server leaves behind come back to it and can be
// checked and reaped by pid.
#include "real/supervisor.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>

#include <string>

#include "os/io.hpp"
#include "real/real_os.hpp"
#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using namespace std::chrono_literals;
using testing::run_in_child;

// Reads one decimal pid the server side wrote to `fd`, or 0.
Pid read_pid(Os& os, Fd fd) {
  char buf[16] = {};
  Result<size_t> n = os.read(fd, std::span<char>(buf, sizeof buf - 1));
  return n.ok() ? std::atoi(buf) : 0;
}

TEST(Supervisor, TheServerLeadsItsOwnGroupAndItsExitCodeIsReturned) {
  auto out = run_in_child([] {
    RealOs os;
    Pid my_group = *os.getpgid(0);
    int code = supervise(os, [my_group](Os& c) {
      bool own = *c.getpgid(0) == c.getpid() && c.getpid() != my_group;
      return own ? 5 : 6;
    });
    CHILD_CHECK(code == 5);
    CHILD_CHECK(*os.sigaction(Sig::term, SigAction::dfl()) == SigAction::dfl());  // restored
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(Supervisor, SigtermToTheSupervisorReachesEveryProcessOfTheServerGroup) {
  auto out = run_in_child([] {
    RealOs os;
    auto [r, w] = *os.pipe();
    Pid me = os.getpid();
    Result<Pid> killer = os.fork([me, r = r](Os& c) {
      (void)read_pid(c, r);  // the server is up
      (void)c.kill(me, Sig::term);
    });
    CHILD_CHECK(killer.ok());
    int code = supervise(os, [w = w](Os& c) {
      // A member of the server's group with default SIGTERM, as the chat clients are.
      Result<Pid> member = c.fork([](Os& m) { (void)m.sleep(30s); });
      (void)c.sigaction(Sig::term, SigAction::catch_flag());
      (void)write_all(c, w, "1");
      while (!c.take_caught(Sig::term)) (void)c.sleep(10ms);
      Result<WaitStatus> ws = c.waitpid(*member, false);
      return ws.ok() && ws->signaled && ws->term_sig == Sig::term ? 0 : 9;
    });
    CHILD_CHECK(code == 0);
    CHILD_CHECK(os.waitpid(*killer, false).ok());
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(Supervisor, AHangUpAsksTheServerGroupToStopWithSigterm) {
  auto out = run_in_child([] {
    RealOs os;
    auto [r, w] = *os.pipe();
    Pid me = os.getpid();
    Result<Pid> hanger = os.fork([me, r = r](Os& c) {
      (void)read_pid(c, r);
      (void)c.kill(me, Sig::hup);
    });
    int code = supervise(os, [w = w](Os& c) {
      (void)c.sigaction(Sig::term, SigAction::catch_flag());
      (void)c.sigaction(Sig::hup, SigAction::catch_flag());
      (void)write_all(c, w, "1");
      for (;;) {
        if (c.take_caught(Sig::hup)) return 8;
        if (c.take_caught(Sig::term)) return 0;
        (void)c.sleep(10ms);
      }
    });
    CHILD_CHECK(code == 0);
    CHILD_CHECK(os.waitpid(*hanger, false).ok());
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(Supervisor, AServerThatIgnoresSigtermIsKilledAfterTheGrace) {
  auto out = run_in_child([] {
    RealOs os;
    Pid me = os.getpid();
    Result<Pid> killer = os.fork([me](Os& c) {
      (void)c.sleep(200ms);
      (void)c.kill(me, Sig::int_);
    });
    Duration start = os.now();
    int code = supervise(
        os,
        [](Os& c) {
          (void)c.sigaction(Sig::int_, SigAction::ign());
          (void)c.sleep(30s);
          return 0;
        },
        SupervisorOptions{300ms, 50ms});
    CHILD_CHECK(code == 128 + SIGKILL);
    CHILD_CHECK(os.now() - start < 10s);
    CHILD_CHECK(os.waitpid(*killer, false).ok());
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(Supervisor, WhatTheServerLeavesInItsGroupIsEndedWhenItExits) {
  auto out = run_in_child([] {
    CHILD_CHECK(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    RealOs os;
    auto [r, w] = *os.pipe();
    int code = supervise(os, [w = w](Os& c) {
      Result<Pid> straggler = c.fork([](Os& s) { (void)s.sleep(30s); });
      (void)write_all(c, w, std::to_string(*straggler));
      return 0;  // leaves without ending it
    });
    CHILD_CHECK(code == 0);
    Pid straggler = read_pid(os, r);
    CHILD_CHECK(straggler > 0);
    Result<WaitStatus> ws = os.waitpid(straggler, false);  // re-parented to us, the subreaper
    CHILD_CHECK(ws.ok() && ws->signaled && ws->term_sig == Sig::term);
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

}  // namespace
}  // namespace papaya::real
