// Goroutine programs on the simulator: Go 1.19's runtime model (model/go/) driven by SimOs, each
// goroutine on its own fiber, every runtime actor an option of the one Chooser.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "os/io.hpp"
#include "sim/tests/helpers.hpp"

namespace papaya::sim {
namespace {

RunReport run_go(std::function<void(Os&)> body, std::uint64_t seed = 1, int procs = 2) {
  Options o = testing::checked(seed);
  o.gomaxprocs = procs;
  Simulation sim(o);
  return sim.run(std::move(body));
}

TEST(SimGoroutines, AGoStatementRunsItsBodyOnAGoroutineOfItsOwnThatCanHandAValueBack) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    GoReceived got;
    RunReport r = run_go(
        [&](Os& os) {
          GoChan ch = os.new_chan(0);
          os.go([ch](Os& g) { g.chan_send(ch, 42); });
          got = os.chan_recv(ch);
        },
        seed);
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_EQ(got.value, 42);
    EXPECT_TRUE(got.ok);
    EXPECT_TRUE(r.goroutine_leaks.empty());
  }
}

// Three goroutines each add 1 to a shared counter three times, reading and writing it around a
// Gosched (a scheduling point) inside the critical section.
RunReport counter_run(bool locked, std::uint64_t seed, int& counter, int& overlaps) {
  counter = 0;
  overlaps = 0;
  return run_go(
      [&, locked](Os& os) {
        GoMutex mu = os.new_mutex();
        GoChan done = os.new_chan(3);
        int inside = 0;
        for (int w = 0; w < 3; ++w)
          os.go([&, mu, done, locked](Os& g) {
            for (int i = 0; i < 3; ++i) {
              if (locked) g.lock(mu);
              if (++inside > 1) ++overlaps;
              int seen = counter;
              g.gosched();
              counter = seen + 1;
              --inside;
              if (locked) g.unlock(mu);
            }
            g.chan_send(done, 1);
          });
        for (int w = 0; w < 3; ++w) (void)os.chan_recv(done);
      },
      seed);
}

TEST(SimGoroutines, AMutexKeepsCriticalSectionsApartUnderEverySeed) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    int counter = 0;
    int overlaps = 0;
    RunReport r = counter_run(true, seed, counter, overlaps);
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_EQ(counter, 9) << "seed " << seed;
    EXPECT_EQ(overlaps, 0) << "seed " << seed;
  }
}

TEST(SimGoroutines, WithoutTheMutexSomeSeedLosesAnUpdate) {
  int lost = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    int counter = 0;
    int overlaps = 0;
    RunReport r = counter_run(false, seed, counter, overlaps);
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    lost += counter < 9 ? 1 : 0;
  }
  EXPECT_GT(lost, 0);
}

TEST(SimGoroutines, UnlockingAnUnlockedMutexEndsTheRunWithGosFatalError) {
  RunReport r = run_go([](Os& os) {
    GoMutex mu = os.new_mutex();
    os.unlock(mu);
  });
  EXPECT_EQ(r.verdict, Verdict::go_fatal);
  EXPECT_EQ(r.detail, "pid 1: fatal error: sync: unlock of unlocked mutex");
}

TEST(SimGoroutines, ClosingAClosedChannelAndSendingOnOneArePanics) {
  RunReport twice = run_go([](Os& os) {
    GoChan ch = os.new_chan(1);
    os.chan_close(ch);
    os.chan_close(ch);
  });
  EXPECT_EQ(twice.verdict, Verdict::go_fatal);
  EXPECT_EQ(twice.detail, "pid 1: panic: close of closed channel");
  GoReceived drained;
  GoReceived after;
  RunReport send = run_go([&](Os& os) {
    GoChan ch = os.new_chan(1);
    os.chan_send(ch, 7);
    os.chan_close(ch);
    drained = os.chan_recv(ch);
    after = os.chan_recv(ch);
    os.chan_send(ch, 8);
  });
  EXPECT_EQ(drained.value, 7);
  EXPECT_TRUE(drained.ok);
  EXPECT_EQ(after.value, 0);
  EXPECT_FALSE(after.ok);
  EXPECT_EQ(send.verdict, Verdict::go_fatal);
  EXPECT_EQ(send.detail, "pid 1: panic: send on closed channel");
}

TEST(SimGoroutines, EveryGoroutineAsleepIsGosDeadlockNamingWhereEachWaits) {
  RunReport r = run_go([](Os& os) {
    GoChan ch = os.new_chan(0);
    GoMutex mu = os.new_mutex();
    os.lock(mu);
    os.go([mu](Os& g) { g.lock(mu); });
    (void)os.chan_recv(ch);
  });
  EXPECT_EQ(r.verdict, Verdict::deadlock);
  EXPECT_NE(r.detail.find("pid 1: fatal error: all goroutines are asleep - deadlock!"),
            std::string::npos)
      << r.detail;
  EXPECT_NE(r.detail.find("goroutine 1 [chan receive]"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("goroutine 2 [semacquire]"), std::string::npos) << r.detail;
}

TEST(SimGoroutines, ARecursiveRLockWithAWriterBetweenDeadlocksAndWithoutTheWriterDoesNot) {
  auto program = [](bool writer) {
    return [writer](Os& os) {
      GoRWMutex rw = os.new_rwmutex();
      GoChan held = os.new_chan(0);
      GoChan done = os.new_chan(0);
      os.rlock(rw);
      if (writer)
        os.go([rw, held, done](Os& g) {
          g.chan_send(held, 1);
          g.lock(rw);
          g.unlock(rw);
          g.chan_send(done, 1);
        });
      else
        os.go([held, done](Os& g) {
          g.chan_send(held, 1);
          g.chan_send(done, 1);
        });
      (void)os.chan_recv(held);
      os.gosched();  // lets the writer announce itself
      os.rlock(rw);
      os.runlock(rw);
      os.runlock(rw);
      (void)os.chan_recv(done);
    };
  };
  int deadlocks = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    RunReport with = run_go(program(true), seed);
    ASSERT_TRUE(with.verdict == Verdict::ok || with.verdict == Verdict::deadlock) << with.detail;
    deadlocks += with.verdict == Verdict::deadlock ? 1 : 0;
    RunReport without = run_go(program(false), seed);
    EXPECT_EQ(without.verdict, Verdict::ok) << without.detail;
  }
  EXPECT_GT(deadlocks, 0);
}

TEST(SimGoroutines, CondSignalWakesTheWaitersInTheOrderTheyWaited) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<int> woke;
    RunReport r = run_go(
        [&](Os& os) {
          GoMutex mu = os.new_mutex();
          GoCond c = os.new_cond(mu);
          GoChan waiting = os.new_chan(3);
          GoChan done = os.new_chan(3);
          int turn = 0;
          for (int w = 1; w <= 3; ++w) {
            os.go([&, w, mu, c, waiting, done](Os& g) {
              g.lock(mu);
              g.chan_send(waiting, w);  // in the order they got the lock: their tickets
              g.wait(c);
              woke.push_back(w);
              g.unlock(mu);
              g.chan_send(done, 1);
            });
            (void)os.chan_recv(waiting);  // one waiter at a time takes its ticket
            os.lock(mu);                  // it holds mu until Wait released it
            os.unlock(mu);
          }
          for (int w = 0; w < 3; ++w) {
            os.lock(mu);
            os.signal(c);
            os.unlock(mu);
            (void)os.chan_recv(done);
          }
          (void)turn;
        },
        seed);
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_EQ(woke, (std::vector<int>{1, 2, 3})) << "seed " << seed;
  }
}

TEST(SimGoroutines, SelectTakesEitherReadyCaseAsAChooserDecisionAndTheDefaultWhenNoneIs) {
  std::set<int> chosen;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    GoSelected s;
    GoSelected none;
    RunReport r = run_go(
        [&](Os& os) {
          GoChan a = os.new_chan(1);
          GoChan b = os.new_chan(1);
          GoChan empty = os.new_chan(0);
          os.chan_send(a, 10);
          os.chan_send(b, 20);
          const GoCase cases[] = {GoCase::recv(a), GoCase::recv(b)};
          s = os.select(cases, false);
          const GoCase idle[] = {GoCase::recv(empty)};
          none = os.select(idle, true);
        },
        seed);
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    ASSERT_TRUE(s.index == 0 || s.index == 1);
    EXPECT_EQ(s.received.value, s.index == 0 ? 10 : 20);
    EXPECT_EQ(none.index, GoSelected::kDefault);
    chosen.insert(s.index);
  }
  EXPECT_EQ(chosen, (std::set<int>{0, 1}));
}

// A Go server (pid 1 after it forked its client) reads a socket on one goroutine while another
// goroutine goes on working: the read is answered EAGAIN, parks only its goroutine in the
// netpoller, and the client's bytes ready it.
TEST(SimGoroutines, ASocketReadThatWouldBlockParksOnlyItsGoroutineUntilTheBytesArrive) {
  int parked_runs = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::string got;
    int worked = 0;
    RunReport r = run_go(
        [&](Os& os) {
          Fd l = *os.listen("127.0.0.1", 7100, 4);
          Pid client = *os.fork([](Os& c) {
            Fd s = *c.connect("127.0.0.1", 7100);
            (void)c.sleep(Duration{2'000'000});
            (void)send_all(c, s, "hello");
            (void)c.close(s);
          });
          GoChan done = os.new_chan(0);
          os.go([&, l, done](Os& g) {
            Fd s = *g.accept(l);
            std::vector<char> buf(16);
            for (;;) {
              Result<size_t> n = g.recv(s, std::span<char>(buf.data(), buf.size()));
              if (!n || *n == 0) break;
              got.append(buf.data(), *n);
            }
            (void)g.close(s);
            g.chan_send(done, 1);
          });
          for (int i = 0; i < 5; ++i) {
            ++worked;
            os.gosched();
          }
          (void)os.chan_recv(done);
          (void)client;
        },
        seed);
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_EQ(got, "hello");
    EXPECT_EQ(worked, 5);
    EXPECT_GE(r.virtual_time, Duration{2'000'000});
    parked_runs += r.warnings.empty() ? 1 : 0;
  }
  EXPECT_EQ(parked_runs, 20);
}

TEST(SimGoroutines, ARecvOnAGoroutineIsAnsweredEagainByTheKernelThenRetried) {
  Options o = testing::checked(3);
  Simulation sim(o);
  std::string got;
  RunReport r = sim.run([&](Os& os) {
    Fd l = *os.listen("127.0.0.1", 7101, 4);
    (void)*os.fork([](Os& c) {
      Fd s = *c.connect("127.0.0.1", 7101);
      (void)c.sleep(Duration{1'000'000});
      (void)send_all(c, s, "x");
    });
    os.gosched();  // a Go program from here on
    Fd s = *os.accept(l);
    std::vector<char> buf(4);
    Result<size_t> n = os.recv(s, std::span<char>(buf.data(), buf.size()));
    if (n) got.assign(buf.data(), *n);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_EQ(got, "x");
  int eagain = 0;
  for (const traces::Step& s : sim.trace().steps)
    if (s.pid == 1 && s.op == model::OpKind::recv && s.err == Errno::eagain) ++eagain;
  EXPECT_GE(eagain, 1);
}

// GOMAXPROCS=1: goroutine A readies main (into runnext) and then blocks in flock (a file syscall)
// while another process holds the lock for 5 ms; its only P stays in _Psyscall with main queued
// on it. sysmon retakes the P within its first ticks of the virtual clock and hands it off, so
// main starts goroutine B, which runs long before A's flock returns (time.Now is no syscall).
TEST(SimGoroutines, AFileSyscallThatBlocksHandsItsPOffSoOtherGoroutinesRun) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    std::vector<std::string> order;
    Duration b_ran{0};
    RunReport r = run_go(
        [&](Os& os) {
          Fd f = *os.open("log", OpenFlags::rdwr | OpenFlags::creat);
          auto [held_r, held_w] = *os.pipe();
          Pid holder = *os.fork([held_w](Os& h) {
            Fd hf = *h.open("log", OpenFlags::rdwr);
            (void)h.flock(hf, {LockOp::ex});
            (void)h.write(held_w, "h");
            (void)h.sleep(Duration{5'000'000});
            (void)h.flock(hf, {LockOp::un});
          });
          char c = 0;
          (void)os.read(held_r, std::span<char>(&c, 1));  // the holder has the lock
          GoChan started = os.new_chan(0);                // a Go program from here on
          GoChan done = os.new_chan(2);
          os.go([&, f, started, done](Os& g) {
            g.chan_send(started, 1);
            (void)g.flock(f, {LockOp::ex});
            order.push_back("locked");
            g.chan_send(done, 1);
          });
          (void)os.chan_recv(started);
          os.go([&, done](Os& g) {
            order.push_back("other");
            b_ran = g.now();
            g.chan_send(done, 1);
          });
          (void)os.chan_recv(done);
          (void)os.chan_recv(done);
          (void)holder;
        },
        seed, 1);
    ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_EQ(order, (std::vector<std::string>{"other", "locked"})) << "seed " << seed;
    EXPECT_LT(b_ran, Duration{1'000'000}) << "seed " << seed;
  }
}

TEST(SimGoroutines, SleepParksOnlyTheSleeperOnTheVirtualClock) {
  std::vector<int> order;
  RunReport r = run_go([&](Os& os) {
    GoChan done = os.new_chan(2);
    os.go([&, done](Os& g) {
      (void)g.sleep(Duration{3'000'000});
      order.push_back(3);
      g.chan_send(done, 1);
    });
    os.go([&, done](Os& g) {
      (void)g.sleep(Duration{1'000'000});
      order.push_back(1);
      g.chan_send(done, 1);
    });
    (void)os.chan_recv(done);
    (void)os.chan_recv(done);
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
  EXPECT_GE(r.virtual_time, Duration{3'000'000});
}

TEST(SimGoroutines, AGoroutineStillBlockedWhenMainReturnsIsReportedAsLeaked) {
  RunReport r = run_go([](Os& os) {
    GoChan ch = os.new_chan(0);
    os.go([ch](Os& g) { (void)g.chan_recv(ch); });
    os.gosched();
    os.gosched();
  });
  ASSERT_EQ(r.verdict, Verdict::ok) << r.detail;
  EXPECT_EQ(r.goroutine_leaks, (std::vector<std::string>{"pid 1: goroutine 2 [chan receive]"}));
}

TEST(SimGoroutines, TheSameSeedGivesTheSameGoroutineRunByteForByte) {
  Options o = testing::checked(5);
  std::string diff = check_determinism(o, [](Os& os) {
    GoMutex mu = os.new_mutex();
    GoChan done = os.new_chan(4);
    for (int w = 0; w < 4; ++w)
      os.go([mu, done](Os& g) {
        g.lock(mu);
        g.gosched();
        g.unlock(mu);
        g.chan_send(done, 1);
      });
    for (int w = 0; w < 4; ++w) (void)os.chan_recv(done);
    os.log(LogLevel::info, "done");
  });
  EXPECT_EQ(diff, "");
}

TEST(SimGoroutines, AGoroutineProgramRefusesToFork) {
  RunReport r = run_go([](Os& os) {
    os.gosched();
    (void)os.fork([](Os&) {});
  });
  EXPECT_EQ(r.verdict, Verdict::uncaught_exception);
  EXPECT_NE(r.detail.find("a goroutine program does not fork"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace papaya::sim
