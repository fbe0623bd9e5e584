// This round's refinements of the relation and its one soundness fix (docs/explore.md "Race
// census"), each on a program small enough for dfs to be the reference: every outcome dfs sees,
// dpor and optimal see, with the trace sets equal.
#include <gtest/gtest.h>

#include <set>

#include "explore/commute.hpp"
#include "explore/explorer.hpp"
#include "sim/simulation.hpp"
#include "traces/trace.hpp"

namespace papaya::explore {
namespace {

// What one kind of step returned across an exploration, by (errno, return value, virtual time).
struct RaceOutcomes {
  std::set<std::tuple<int, std::int64_t, std::int64_t>> seen;
};

Result explore_races(std::function<void(Os&)> init, StrategyName s, RaceOutcomes& out,
                     model::OpKind watch) {
  Program p;
  p.init = std::move(init);
  p.check_reads_order = false;
  p.check = [&out, watch](const sim::Simulation& sim, const sim::RunReport& r) {
    for (const traces::Step& st : sim.trace().steps)
      if (st.op == watch && st.status == model::StepStatus::done)
        out.seen.insert({static_cast<int>(st.err), st.ret, st.time_ns});
    return r.verdict == Verdict::ok || r.verdict == Verdict::deadlock
               ? std::string()
               : std::string(verdict_name(r.verdict)) + r.detail;
  };
  Config c;
  c.strategy = s;
  c.max_executions = 200'000;
  c.keep_trace_names = true;
  return explore(p, c);
}

// Two processes hold a pipe's read end; pid 1 closes its copy and writes, its child closes its
// copy. Whichever close comes last frees the read end; the write succeeds before the child's
// close and fails with EPIPE after it (SIGPIPE ignored).
std::function<void(Os&)> pipe_close_write_program() {
  return [](Os& os) {
    (void)os.sigaction(Sig::pipe, SigAction::ign());
    papaya::Result<std::pair<Fd, Fd>> p = os.pipe();
    if (!p) os.exit(2);
    const auto [r, w] = *p;
    papaya::Result<Pid> child = os.fork([r](Os& o) {
      (void)o.close(r);
      o.exit(0);
    });
    if (!child) os.exit(2);
    (void)os.close(r);
    (void)os.write(w, "x");
    (void)os.waitpid(*child, false);
  };
}

TEST(PipeEnds, DropsOfOneEndCommuteAndAWriteStillRacesTheLastOne) {
  std::set<std::uint64_t> names;
  for (StrategyName s : {StrategyName::dfs, StrategyName::dpor, StrategyName::optimal}) {
    RaceOutcomes o;
    Result r = explore_races(pipe_close_write_program(), s, o, model::OpKind::write);
    EXPECT_TRUE(r.exhausted);
    EXPECT_FALSE(r.violation) << r.violation->detail;
    std::set<int> errs;
    for (const auto& [err, ret, t] : o.seen) errs.insert(err);
    EXPECT_EQ(errs, (std::set<int>{static_cast<int>(Errno::ok), static_cast<int>(Errno::epipe)}))
        << strategy_name(s);
    if (s == StrategyName::dfs)
      names = r.trace_names;
    else
      EXPECT_EQ(r.trace_names, names) << strategy_name(s);
  }
}

// The check catches a pipe's drops and writes declared independent: the write succeeds in one
// order and fails in the other.
TEST(PipeEnds, TheCommutationCheckCatchesAWriteDeclaredIndependentOfTheReadEndsDrops) {
  Program p;
  p.init = pipe_close_write_program();
  CommuteConfig c;
  c.runs = 12;
  c.states_per_run = 4;
  CommuteReport ok = check_commutation(p, c);
  EXPECT_TRUE(ok.failures.empty()) << (ok.failures.empty() ? "" : ok.failures.front());
  EXPECT_GE(ok.dependent, 1u);
  c.independent = [](const sim::Effect& a, const sim::Effect& b) {
    sim::Effect x = a, y = b;
    for (sim::Effect* e : {&x, &y})
      std::erase_if(e->access, [](const sim::Access& t) { return t.obj == sim::Obj::pipe_end; });
    return !sim::dependent(x, y);
  };
  CommuteReport bad = check_commutation(p, c);
  EXPECT_FALSE(bad.failures.empty()) << "a relation without pipe_end passed the check";
}

// A caught signal against a call that blocks: pid 1 catches SIGUSR1 and SIGALRM, arms a 1 s alarm
// and reads an empty pipe; its child sends SIGUSR1. Sent before the read, the signal is delivered
// at it (its flag is set) and the read sleeps until the alarm interrupts it at 1 s; sent while
// the read sleeps, it interrupts it at 0 s. The two differ only in where the read's blocked
// step falls, so DPOR tells them apart only if that step is an event.
std::function<void(Os&)> signal_before_blocking_call_program() {
  return [](Os& os) {
    (void)os.sigaction(Sig::usr1, SigAction::catch_flag(/*restart=*/false));
    (void)os.sigaction(Sig::alrm, SigAction::catch_flag(/*restart=*/false));
    papaya::Result<std::pair<Fd, Fd>> p = os.pipe();
    if (!p) os.exit(2);
    const Pid me = os.getpid();
    papaya::Result<Pid> child = os.fork([me](Os& o) {
      (void)o.kill(me, Sig::usr1);
      o.exit(0);
    });
    if (!child) os.exit(2);
    (void)os.alarm(std::chrono::seconds(1));
    char c;
    (void)os.read(p->first, std::span<char>(&c, 1));
    (void)os.alarm(Duration::zero());
    (void)os.waitpid(*child, false);
  };
}

TEST(BlockedSteps, ASignalBeforeABlockingCallAndOneThatInterruptsItAreBothExplored) {
  std::set<std::tuple<int, std::int64_t, std::int64_t>> dfs_seen;
  std::set<std::uint64_t> names;
  for (StrategyName s : {StrategyName::dfs, StrategyName::dpor, StrategyName::optimal}) {
    RaceOutcomes o;
    Result r = explore_races(signal_before_blocking_call_program(), s, o, model::OpKind::read);
    EXPECT_TRUE(r.exhausted);
    EXPECT_FALSE(r.violation) << r.violation->detail;
    if (s == StrategyName::dfs) {
      dfs_seen = o.seen;
      names = r.trace_names;
      // EINTR at 0 s (interrupted) and at 1 s (the signal came first; the alarm ended the read).
      EXPECT_EQ(o.seen.size(), 2u);
    } else {
      EXPECT_EQ(o.seen, dfs_seen) << strategy_name(s);
      EXPECT_EQ(r.trace_names, names) << strategy_name(s);
    }
  }
}

}  // namespace
}  // namespace papaya::explore
