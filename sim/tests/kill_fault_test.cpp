// kill -9 from outside the simulated world (Options::kills, traces::KillFault): at the start of
// step N the (pick mod n)-th live process outside init's process group, in pid order, gets SIGKILL
// and takes step N at once: its death, recorded with killed_from_outside. Init's group is never
// picked; no victim means no step at all; the same Options give the same bytes, and a trace
// carrying kills replays.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sim/tests/helpers.hpp"
#include "traces/jsonl.hpp"

namespace papaya::sim {
namespace {

struct KillRun {
  std::unique_ptr<Simulation> sim;
  RunReport report;
  const traces::Trace& trace() const { return sim->trace(); }
};

KillRun run_with(const std::function<void(Os&)>& body, std::vector<traces::KillFault> kills,
                 std::uint64_t seed = 1, std::uint64_t max_steps = 10'000) {
  Options o = testing::checked(seed);
  o.max_steps = max_steps;
  o.kills = std::move(kills);
  KillRun r;
  r.sim = std::make_unique<Simulation>(o);
  r.report = r.sim->run(body);
  return r;
}

// The index of the first step of `t` from `from` on that satisfies `pred` (t.steps.size() if none).
template <class Pred>
std::size_t find_step(const traces::Trace& t, Pred pred, std::size_t from = 0) {
  for (std::size_t i = from; i < t.steps.size(); ++i)
    if (pred(t.steps[i])) return i;
  return t.steps.size();
}

std::vector<std::size_t> killed_steps(const traces::Trace& t) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < t.steps.size(); ++i)
    if (t.steps[i].killed_from_outside) out.push_back(i);
  return out;
}

// Whether step `i` is `pid` dying of SIGKILL from outside.
void expect_killed_at(const traces::Trace& t, std::size_t i, Pid pid) {
  ASSERT_LT(i, t.steps.size());
  const traces::Step& s = t.steps[i];
  EXPECT_EQ(s.pid, pid) << "step " << i;
  EXPECT_EQ(s.status, model::StepStatus::exited) << "step " << i;
  EXPECT_EQ(s.ret2, static_cast<std::int32_t>(Sig::kill)) << "step " << i;
  EXPECT_TRUE(s.killed_from_outside) << "step " << i;
  EXPECT_EQ(s.decision_count, 0u) << "a kill from outside is no scheduling decision";
}

// Init forks a child that loops on getpid, puts it in a process group of its own, and reaps it.
struct Looper {
  Pid child = 0;
  Result<WaitStatus> status = Errno::other;
  int loops = 40;
  void operator()(Os& os) {
    int n = loops;
    child = *os.fork([n](Os& k) {
      for (int i = 0; i < n; ++i) (void)k.getpid();
    });
    (void)os.setpgid(child, child);
    status = os.waitpid(child, false);
  }
};

bool is_setpgid_by_init(const traces::Step& s) {
  return s.pid == 1 && s.op == model::OpKind::setpgid;
}

TEST(KillFault, KillsTheProcessAtItsStepAndWaitpidSeesSigkill) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    Looper plain;
    KillRun first = run_with(std::ref(plain), {}, seed);
    ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
    ASSERT_TRUE(plain.status && plain.status->exited);
    EXPECT_TRUE(killed_steps(first.trace()).empty());
    const std::size_t grouped = find_step(first.trace(), is_setpgid_by_init);
    ASSERT_LT(grouped + 3, first.trace().steps.size());
    const std::uint64_t n = grouped + 3;  // the child is in its own group and still looping

    Looper prog;
    KillRun killed = run_with(std::ref(prog), {{n, 0}}, seed);
    ASSERT_EQ(killed.report.verdict, Verdict::ok) << killed.report.detail;
    expect_killed_at(killed.trace(), n, prog.child);
    EXPECT_EQ(killed_steps(killed.trace()), std::vector<std::size_t>{n});
    // Nothing of the child after its death; up to it, the run is the one without the kill.
    EXPECT_EQ(
        find_step(
            killed.trace(), [&](const traces::Step& s) { return s.pid == prog.child; }, n + 1),
        killed.trace().steps.size());
    std::vector<std::string> a = traces::step_lines(first.trace());
    std::vector<std::string> b = traces::step_lines(killed.trace());
    EXPECT_TRUE(std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin()));
    EXPECT_LT(killed.report.steps, first.report.steps);
    ASSERT_TRUE(prog.status) << errno_name(prog.status.error());
    EXPECT_EQ(prog.status->pid, prog.child);
    EXPECT_TRUE(prog.status->signaled);
    EXPECT_FALSE(prog.status->exited);
    EXPECT_EQ(prog.status->term_sig, Sig::kill);
    // The init's waitpid step reports the signal too (ret2: minus the signal).
    const std::size_t reaped = find_step(killed.trace(), [](const traces::Step& s) {
      return s.pid == 1 && s.op == model::OpKind::waitpid && s.status == model::StepStatus::done;
    });
    ASSERT_LT(reaped, killed.trace().steps.size());
    EXPECT_GT(reaped, n);
    EXPECT_EQ(killed.trace().steps[reaped].ret2, -static_cast<std::int32_t>(Sig::kill));
  }
}

TEST(KillFault, AProcessInInitsGroupIsNeverPicked) {
  // Init forks A (stays in init's group) and B (a group of its own); every pick kills B.
  struct Two {
    Pid a = 0, b = 0;
    Result<WaitStatus> a_status = Errno::other;
    void operator()(Os& os) {
      a = *os.fork([](Os& k) {
        for (int i = 0; i < 40; ++i) (void)k.getpid();
      });
      b = *os.fork([](Os& k) {
        for (int i = 0; i < 40; ++i) (void)k.getpid();
      });
      (void)os.setpgid(b, b);
      a_status = os.waitpid(a, false);
      (void)os.waitpid(b, false);
    }
  };
  Two plain;
  KillRun first = run_with(std::ref(plain), {});
  ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
  const std::uint64_t n = find_step(first.trace(), is_setpgid_by_init) + 2;
  ASSERT_LT(n, first.trace().steps.size());
  for (std::uint32_t pick = 0; pick < 4; ++pick) {
    Two prog;
    KillRun killed = run_with(std::ref(prog), {{n, pick}});
    ASSERT_EQ(killed.report.verdict, Verdict::ok) << killed.report.detail;
    expect_killed_at(killed.trace(), n, prog.b);
    EXPECT_EQ(killed_steps(killed.trace()).size(), 1u);
    ASSERT_TRUE(prog.a_status);
    EXPECT_TRUE(prog.a_status->exited) << "pick " << pick;
    EXPECT_EQ(prog.a_status->exit_code, 0);
  }
}

TEST(KillFault, ThePickWrapsModuloTheVictimsTakenInPidOrder) {
  struct Pair {
    Pid b = 0, c = 0;
    Result<WaitStatus> b_status = Errno::other, c_status = Errno::other;
    void operator()(Os& os) {
      b = *os.fork([](Os& k) {
        for (int i = 0; i < 40; ++i) (void)k.getpid();
      });
      (void)os.setpgid(b, b);
      c = *os.fork([](Os& k) {
        for (int i = 0; i < 40; ++i) (void)k.getpid();
      });
      (void)os.setpgid(c, b);  // the same group as b: both outside init's
      b_status = os.waitpid(b, false);
      c_status = os.waitpid(c, false);
    }
  };
  Pair plain;
  KillRun first = run_with(std::ref(plain), {});
  ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
  ASSERT_LT(plain.b, plain.c);
  const std::size_t b_grouped = find_step(first.trace(), is_setpgid_by_init);
  const std::uint64_t n = find_step(first.trace(), is_setpgid_by_init, b_grouped + 1) + 1;
  ASSERT_LT(n, first.trace().steps.size());
  for (std::uint32_t pick = 0; pick < 5; ++pick) {
    Pair prog;
    KillRun killed = run_with(std::ref(prog), {{n, pick}});
    ASSERT_EQ(killed.report.verdict, Verdict::ok) << killed.report.detail;
    const bool first_one = pick % 2 == 0;
    expect_killed_at(killed.trace(), n, first_one ? prog.b : prog.c);
    ASSERT_TRUE(prog.b_status && prog.c_status);
    EXPECT_EQ(prog.b_status->signaled, first_one) << "pick " << pick;
    EXPECT_EQ(prog.c_status->signaled, !first_one) << "pick " << pick;
    EXPECT_EQ((first_one ? prog.c_status : prog.b_status)->exit_code, 0);
  }
}

TEST(KillFault, NoVictimMeansNoStepAndTheRunWithoutTheKill) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    Looper plain;
    KillRun first = run_with(std::ref(plain), {}, seed);
    ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
    // Step 1 comes right after the fork: init has not moved the child out of its group yet.
    ASSERT_GT(find_step(first.trace(), is_setpgid_by_init), 0u);
    Looper prog;
    KillRun killed = run_with(std::ref(prog), {{1, 0}, {1, 7}}, seed);
    ASSERT_EQ(killed.report.verdict, Verdict::ok) << killed.report.detail;
    EXPECT_TRUE(killed_steps(killed.trace()).empty());
    EXPECT_EQ(killed.report.steps, first.report.steps);
    EXPECT_EQ(killed.report.decisions, first.report.decisions);
    EXPECT_EQ(traces::step_lines(killed.trace()), traces::step_lines(first.trace()));
    ASSERT_TRUE(prog.status);
    EXPECT_TRUE(prog.status->exited);
  }
}

TEST(KillFault, AKillAfterTheRunEndedDoesNothing) {
  Looper plain;
  KillRun first = run_with(std::ref(plain), {});
  ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
  for (std::uint64_t n : {first.report.steps, first.report.steps + 1, std::uint64_t{1'000'000}}) {
    Looper prog;
    KillRun killed = run_with(std::ref(prog), {{n, 0}});
    EXPECT_EQ(killed.report.verdict, Verdict::ok) << killed.report.detail;
    EXPECT_EQ(killed.report.steps, first.report.steps);
    EXPECT_EQ(traces::step_lines(killed.trace()), traces::step_lines(first.trace()));
    EXPECT_EQ(killed.trace().header.kills, (std::vector<traces::KillFault>{{n, 0}}));
    ASSERT_TRUE(prog.status);
    EXPECT_TRUE(prog.status->exited);
  }
}

// A child in its own group blocks reading an empty pipe whose write end init keeps open; init
// either spins (so some process is ready when the kill comes) or waits for it (then nothing is).
struct BlockedReader {
  bool init_spins = false;
  Pid child = 0;
  Result<WaitStatus> status = Errno::other;
  void operator()(Os& os) {
    auto [rd, wr] = *os.pipe();
    child = *os.fork([rd = rd, wr = wr](Os& k) {
      (void)k.close(wr);
      char b;
      (void)k.read(rd, std::span<char>(&b, 1));
    });
    (void)os.setpgid(child, child);
    (void)os.close(rd);
    if (init_spins)
      for (int i = 0; i < 40; ++i) (void)os.getpid();
    status = os.waitpid(child, false);
    (void)os.close(wr);
  }
};

void expect_the_blocked_reader_dies(bool init_spins) {
  BlockedReader plain{init_spins};
  KillRun first = run_with(std::ref(plain), {});
  // Without the kill nobody ever writes: the run deadlocks with the reader blocked.
  ASSERT_EQ(first.report.verdict, Verdict::deadlock) << first.report.detail;
  const std::size_t blocked = find_step(first.trace(), [&](const traces::Step& s) {
    return s.pid == plain.child && s.op == model::OpKind::read &&
           s.status == model::StepStatus::blocked;
  });
  ASSERT_LT(blocked, first.trace().steps.size());
  std::uint64_t n = std::max(blocked, find_step(first.trace(), is_setpgid_by_init)) + 1;
  if (init_spins) {
    // Init still has spinning to do at step n.
    ASSERT_LT(
        find_step(
            first.trace(),
            [](const traces::Step& s) { return s.pid == 1 && s.op == model::OpKind::getpid; }, n),
        first.trace().steps.size());
  } else {
    // At the step where the run was declared deadlocked: nothing is ready.
    n = first.report.steps;
  }
  BlockedReader prog{init_spins};
  KillRun killed = run_with(std::ref(prog), {{n, 0}});
  ASSERT_EQ(killed.report.verdict, Verdict::ok) << killed.report.detail;
  expect_killed_at(killed.trace(), n, prog.child);
  EXPECT_EQ(killed.trace().steps[n].op, model::OpKind::read);
  ASSERT_TRUE(prog.status);
  EXPECT_TRUE(prog.status->signaled);
  EXPECT_EQ(prog.status->term_sig, Sig::kill);
}

TEST(KillFault, KillsAProcessBlockedInReadWhileOthersRun) { expect_the_blocked_reader_dies(true); }

TEST(KillFault, KillsAProcessBlockedInReadWhenEveryProcessIsBlocked) {
  // An operator's kill -9 of a hung process: the kill comes before the run is declared deadlocked.
  expect_the_blocked_reader_dies(false);
}

// A child in its own group writes 10000 bytes to a regular file: three pages, three steps.
struct PageWriter {
  Pid child = 0;
  Result<WaitStatus> status = Errno::other;
  void operator()(Os& os) {
    child = *os.fork([](Os& k) {
      Fd fd = *k.open("/f", OpenFlags::wronly | OpenFlags::creat | OpenFlags::trunc);
      (void)k.write(fd, std::string(10000, 'x'));
    });
    (void)os.setpgid(child, child);
    status = os.waitpid(child, false);
  }
};

TEST(KillFault, AKillBetweenTwoPagesOfAWriteLeavesThePagesWrittenSoFar) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    PageWriter plain;
    KillRun first = run_with(std::ref(plain), {}, seed);
    ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
    EXPECT_EQ(first.sim->file_contents("/f"), std::string(10000, 'x'));
    std::vector<std::size_t> pages;  // the write's steps that left it in progress
    for (std::size_t i = 0; i < first.trace().steps.size(); ++i) {
      const traces::Step& s = first.trace().steps[i];
      if (s.pid == plain.child && s.op == model::OpKind::write &&
          s.status == model::StepStatus::progress)
        pages.push_back(i);
    }
    ASSERT_EQ(pages.size(), 2u) << "10000 bytes: two pages in progress, the third completes it";
    ASSERT_LT(find_step(first.trace(), is_setpgid_by_init), pages[0]);
    for (std::size_t k = 0; k < pages.size(); ++k) {
      const std::uint64_t n = pages[k] + 1;
      PageWriter prog;
      KillRun killed = run_with(std::ref(prog), {{n, 0}}, seed);
      ASSERT_EQ(killed.report.verdict, Verdict::ok) << killed.report.detail;
      expect_killed_at(killed.trace(), n, prog.child);
      EXPECT_EQ(killed.trace().steps[n].op, model::OpKind::write);
      const std::size_t written = (k + 1) * 4096;
      ASSERT_LT(written, 10000u);
      EXPECT_EQ(killed.sim->file_contents("/f"), std::string(written, 'x'))
          << "seed " << seed << ", killed after page " << k + 1;
      ASSERT_TRUE(prog.status);
      EXPECT_TRUE(prog.status->signaled);
    }
  }
}

traces::LoadedTrace load(const std::string& text) {
  std::istringstream in(text);
  return traces::read_jsonl(in, "t");
}

TEST(KillFault, TheSameOptionsGiveByteIdenticalTracesThatReplay) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    Looper plain;
    KillRun first = run_with(std::ref(plain), {}, seed);
    const std::uint64_t n = find_step(first.trace(), is_setpgid_by_init) + 4;
    const std::vector<traces::KillFault> kills{{n, 3}, {n + 1, 0}};  // the second finds no one
    Looper p1, p2;
    KillRun a = run_with(std::ref(p1), kills, seed);
    KillRun b = run_with(std::ref(p2), kills, seed);
    ASSERT_EQ(a.report.verdict, Verdict::ok) << a.report.detail;
    const std::string text = traces::to_jsonl(a.trace());
    EXPECT_EQ(text, traces::to_jsonl(b.trace()));
    EXPECT_NE(text.substr(0, text.find('\n')).find("\"kills\":[{"), std::string::npos)
        << text.substr(0, text.find('\n'));
    EXPECT_NE(text.find("\"fault\":\"kill -9\""), std::string::npos);
    EXPECT_EQ(killed_steps(a.trace()), std::vector<std::size_t>{n});

    traces::LoadedTrace t = load(text);
    EXPECT_EQ(t.header.kills, kills);
    EXPECT_EQ(replay_options(t).kills, kills);
    Looper p3;
    ReplayReport rep = replay(t, std::ref(p3));
    EXPECT_FALSE(rep.diverged) << rep.divergence;
    EXPECT_EQ(rep.run.verdict, Verdict::ok) << rep.run.detail;
    EXPECT_EQ(rep.run.steps, a.report.steps);
    ASSERT_TRUE(p3.status);
    EXPECT_TRUE(p3.status->signaled);

    // Without its kills the recorded run is not reproduced.
    t.header.kills.clear();
    Looper p4;
    ReplayReport without = replay(t, std::ref(p4));
    EXPECT_TRUE(without.diverged);
  }
}

TEST(KillFault, APidKillHitsThatProcessEvenInInitsGroupButNeverInit) {
  // Init forks A (init's group) and B (its own group): a kill aimed at A's pid kills A, not B; one
  // aimed at init, or at a pid that does not exist, does nothing.
  struct Two {
    Pid a = 0, b = 0;
    Result<WaitStatus> a_status = Errno::other, b_status = Errno::other;
    void operator()(Os& os) {
      a = *os.fork([](Os& k) {
        for (int i = 0; i < 40; ++i) (void)k.getpid();
      });
      b = *os.fork([](Os& k) {
        for (int i = 0; i < 40; ++i) (void)k.getpid();
      });
      (void)os.setpgid(b, b);
      a_status = os.waitpid(a, false);
      b_status = os.waitpid(b, false);
    }
  };
  Two plain;
  KillRun first = run_with(std::ref(plain), {});
  ASSERT_EQ(first.report.verdict, Verdict::ok) << first.report.detail;
  const std::uint64_t n = find_step(first.trace(), is_setpgid_by_init) + 2;
  Two prog;
  traces::KillFault at_a{n, 0, plain.a};
  KillRun killed = run_with(std::ref(prog), {at_a});
  ASSERT_EQ(killed.report.verdict, Verdict::ok) << killed.report.detail;
  expect_killed_at(killed.trace(), n, prog.a);
  ASSERT_TRUE(prog.a_status && prog.b_status);
  EXPECT_TRUE(prog.a_status->signaled);
  EXPECT_TRUE(prog.b_status->exited);
  for (Pid nobody : {Pid{1}, Pid{99}}) {
    Two again;
    KillRun none = run_with(std::ref(again), {traces::KillFault{n, 0, nobody}});
    EXPECT_TRUE(killed_steps(none.trace()).empty()) << "pid " << nobody;
    EXPECT_EQ(traces::step_lines(none.trace()), traces::step_lines(first.trace()));
  }
}

}  // namespace
}  // namespace papaya::sim
