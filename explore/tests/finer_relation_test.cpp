// The relation's refinements for two clients (docs/explore.md "Independence", "Two clients"), each
// on a program small enough for dfs to be the reference: dpor and optimal name exactly dfs's
// traces, the commutation check passes the relation, and catches it made wrong on purpose.
//  - shared flock locks (flock_sh, flock_list): two grants of LOCK_SH stay ordered (the inode's
//    holder list is what a later LOCK_EX blocks on), but a release of a LOCK_SH commutes with
//    another description's LOCK_SH and with another shared release;
//  - reads at a pipe's end-of-file commute (no wrong variant here: the commutation check skips a
//    read that blocks, and nothing else can reach an empty pipe without writers; the unit test
//    Independence.ReadsAtAPipesEndOfFileCommute shows the condition);
//  - opens of an existing name commute with each other and with writes of the file;
//  - two generations of one signal commute (a kill, a child's exit's SIGCHLD: they read the
//    target's `signal p,s`), on a receiver that blocks the signals across its waits and on one
//    that waits with them caught and unblocked; caught made to read nothing; and an exit reads its
//    parent's SIGCHLD whatever the parent's disposition (caught without).
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

#include "explore/commute.hpp"
#include "explore/explorer.hpp"
#include "explore/tests/relation_ignoring.hpp"
#include "sim/simulation.hpp"

namespace papaya::explore {
namespace {

// Pid 1 opens "f" three times (three descriptions) and forks two readers, each using one of
// them: a reader takes LOCK_SH and releases it. Pid 1, the writer, takes LOCK_EX through the
// third and releases it, then waits for both. With `nonblocking` every request is LOCK_NB
// (EWOULDBLOCK on a conflict, and only a granted lock is released): no step blocks, so dfs is the
// reference without blocked steps (docs/explore.md "Two clients"); without it the writer's
// LOCK_EX waits, a blocked step that is an event.
std::function<void(Os&)> locks_program(bool nonblocking) {
  return [nonblocking](Os& os) {
    std::array<Fd, 3> d{};
    for (Fd& fd : d) {
      papaya::Result<Fd> r = os.open("f", OpenFlags::rdwr | OpenFlags::creat, 0644);
      if (!r) os.exit(2);
      fd = *r;
    }
    std::array<Pid, 2> readers{};
    for (std::size_t i = 0; i < readers.size(); ++i) {
      const Fd fd = d[i];
      papaya::Result<Pid> c = os.fork([fd, nonblocking](Os& o) {
        if (o.flock(fd, FlockArgs{.op = LockOp::sh, .nonblocking = nonblocking}))
          (void)o.flock(fd, FlockArgs{.op = LockOp::un});
        o.exit(0);
      });
      if (!c) os.exit(2);
      readers[i] = *c;
    }
    if (os.flock(d[2], FlockArgs{.op = LockOp::ex, .nonblocking = nonblocking}))
      (void)os.flock(d[2], FlockArgs{.op = LockOp::un});
    for (Pid c : readers) (void)os.waitpid(c, false);
  };
}

Result explore_finer(std::function<void(Os&)> init, StrategyName s) {
  Program p;
  p.init = std::move(init);
  p.check_reads_order = false;
  p.check = [](const sim::Simulation&, const sim::RunReport& r) {
    return r.verdict == Verdict::ok ? std::string() : std::string(verdict_name(r.verdict));
  };
  Config c;
  c.strategy = s;
  c.max_executions = 500'000;
  c.keep_trace_names = true;
  return explore(p, c);
}

// Runs dfs, dpor and optimal on `init`: the same trace names, fewer runs for the DPORs.
// Returns dfs's number of traces.
std::size_t expect_dpor_names_dfs_traces(const std::function<void(Os&)>& init) {
  const Result dfs = explore_finer(init, StrategyName::dfs);
  EXPECT_TRUE(dfs.exhausted);
  EXPECT_FALSE(dfs.violation) << dfs.violation->detail;
  for (StrategyName s : {StrategyName::dpor, StrategyName::optimal}) {
    const Result r = explore_finer(init, s);
    EXPECT_TRUE(r.exhausted) << strategy_name(s);
    EXPECT_FALSE(r.violation) << strategy_name(s);
    EXPECT_EQ(r.trace_names, dfs.trace_names)
        << strategy_name(s) << " dfs " << dfs.executions << "/" << dfs.trace_names.size()
        << " this " << r.executions << "/" << r.trace_names.size() << " abandoned " << r.abandoned;
    EXPECT_LT(r.executions, dfs.executions) << strategy_name(s);
  }
  return dfs.trace_names.size();
}

TEST(SharedLocks, DporAndOptimalNameExactlyTheTracesDfsNames) {
  EXPECT_GE(expect_dpor_names_dfs_traces(locks_program(/*nonblocking=*/true)), 3u);
}

using Independent = std::function<bool(const sim::Effect&, const sim::Effect&)>;

// The commutation check of `init` with the shipped relation (it must pass) and with `wrong` (it
// must fail, when given). Returns the shipped relation's report.
CommuteReport expect_check_passes_and_catches(const std::function<void(Os&)>& init,
                                              const Independent& wrong, std::string_view what) {
  Program p;
  p.init = init;
  p.check_reads_order = false;
  CommuteConfig c;
  c.runs = 40;
  c.states_per_run = 8;
  c.pairs_per_state = 12;
  const CommuteReport ok = check_commutation(p, c);
  EXPECT_TRUE(ok.failures.empty()) << (ok.failures.empty() ? "" : ok.failures.front());
  EXPECT_GE(ok.independent, 3u);
  if (!wrong) return ok;
  c.independent = wrong;
  const CommuteReport bad = check_commutation(p, c);
  EXPECT_FALSE(bad.failures.empty()) << what << " passed the check";
  return ok;
}

// The commutation check of `init` with the shipped relation (it must pass) and with the relation
// without `wrong` (it must fail).
void expect_check_passes_and_catches(const std::function<void(Os&)>& init, sim::Obj wrong) {
  (void)expect_check_passes_and_catches(init, relation_ignoring({wrong}),
                                        "a relation without " + std::string(sim::obj_name(wrong)));
}

// A shared release declared independent of a LOCK_EX: the LOCK_EX is refused in one order only.
// (Two LOCK_SH grants stay ordered, `flock_list`: their order is the holder list's, which the
// check cannot show here, the releases that follow empty the list either way; what it decides is
// which holder a LOCK_EX that must wait blocks on, fs/locks.c.)
TEST(SharedLocks, TheCommutationCheckPassesTheRelationAndCatchesASharedReleaseIndependentOfLockEx) {
  expect_check_passes_and_catches(locks_program(/*nonblocking=*/true), sim::Obj::locks);
}

// Pid 1 makes a pipe and forks two children; each closes its write end and reads to end-of-file
// while pid 1 closes its own write end and waits.
std::function<void(Os&)> end_of_file_program() {
  return [](Os& os) {
    papaya::Result<std::pair<Fd, Fd>> p = os.pipe();
    if (!p) os.exit(2);
    const auto [r, w] = *p;
    std::array<Pid, 2> kids{};
    for (Pid& k : kids) {
      papaya::Result<Pid> c = os.fork([r, w](Os& o) {
        (void)o.close(w);
        char ch;
        (void)o.read(r, std::span<char>(&ch, 1));
        o.exit(0);
      });
      if (!c) os.exit(2);
      k = *c;
    }
    (void)os.close(w);
    for (Pid k : kids) (void)os.waitpid(k, false);
  };
}

TEST(EndOfFile, DporAndOptimalNameExactlyTheTracesDfsNames) {
  // One trace: the two reads at end-of-file commute, and so do the closes (pipe_end).
  EXPECT_EQ(expect_dpor_names_dfs_traces(end_of_file_program()), 1u);
}

// Pid 1 creates "f" and forks two children: one opens it again with O_CREAT and writes a byte
// through its own description, the other opens it with O_CREAT, then with O_TRUNC, and reads.
std::function<void(Os&)> opens_program() {
  return [](Os& os) {
    papaya::Result<Fd> f = os.open("f", OpenFlags::rdwr | OpenFlags::creat, 0644);
    if (!f) os.exit(2);
    std::array<Pid, 2> kids{};
    for (int i = 0; i < 2; ++i) {
      papaya::Result<Pid> c = os.fork([i](Os& o) {
        papaya::Result<Fd> own = o.open("f", OpenFlags::rdwr | OpenFlags::creat, 0644);
        if (!own) o.exit(2);
        if (i == 0) {
          (void)o.pwrite(*own, "x", 0);
        } else {
          (void)o.open("f", OpenFlags::rdwr | OpenFlags::trunc, 0644);
          char ch;
          (void)o.pread(*own, std::span<char>(&ch, 1), 0);
        }
        o.exit(0);
      });
      if (!c) os.exit(2);
      kids[static_cast<std::size_t>(i)] = *c;
    }
    for (Pid k : kids) (void)os.waitpid(k, false);
  };
}

TEST(Opens, DporAndOptimalNameExactlyTheTracesDfsNames) {
  EXPECT_GE(expect_dpor_names_dfs_traces(opens_program()), 2u);
}

// The O_TRUNC declared independent of the write: the file ends with one byte or none.
TEST(Opens, TheCommutationCheckPassesTheRelationAndCatchesItWithoutBytes) {
  expect_check_passes_and_catches(opens_program(), sim::Obj::bytes);
}

// A parent waits in waitpid with SIGUSR1 and SIGCHLD caught and unblocked (its blocked steps are
// events) while two children signal it and exit. Wave 7 found dfs naming 448 traces, dpor 340,
// optimal 335: a blocking waitpid(c) was joined to c's exit (an enabling edge, never a race),
// which holds only when the call cannot block as an event and cannot be interrupted; here "the
// waitpid before the exit" blocks (another trace) and a retry woken by a signal returns EINTR
// before the exit. Now the join is kept only when the blocked step is no event
// (sim/step_recorder.hpp; docs/explore.md "Join edges").
std::function<void(Os&)> catching_waits_program() {
  return [](Os& os) {
    (void)os.sigaction(Sig::usr1, SigAction::catch_flag(/*restart=*/false));
    (void)os.sigaction(Sig::chld, SigAction::catch_flag(/*restart=*/true));
    const Pid me = os.getpid();
    std::array<Pid, 2> kids{};
    for (Pid& k : kids) {
      papaya::Result<Pid> c = os.fork([me](Os& o) {
        (void)o.kill(me, Sig::usr1);
        o.exit(0);
      });
      if (!c) os.exit(2);
      k = *c;
    }
    (void)os.take_caught(Sig::usr1);
    for (Pid k : kids) (void)os.waitpid(k, false);
    (void)os.take_caught(Sig::usr1);
    (void)os.take_caught(Sig::chld);
  };
}

// With the LOCK_EX waiting: a blocked flock is an event. Before this round this program showed
// dfs 308 traces, dpor and optimal 110: a drop of a description that holds no lock touched none
// of the lock objects, so another process's flock through the same description (inherited by
// fork) changed the drop's effect (the commutation check's "a step's effect changes with the
// other step before it"); a drop now reads the description's `flock_sh`.
TEST(SharedLocks, DporAndOptimalNameExactlyTheTracesDfsNamesWhenTheLockExWaits) {
  EXPECT_GE(expect_dpor_names_dfs_traces(locks_program(/*nonblocking=*/false)), 3u);
}

// 448 traces while a generation wrote the signal's object; 356 since the two children's kills
// (and their exits' SIGCHLDs) commute: a generation reads it (below).
TEST(BlockedStepGap, DporAndOptimalNameDfsTracesWhenAWaitHasACaughtSignalUnblocked) {
  EXPECT_EQ(expect_dpor_names_dfs_traces(catching_waits_program()), 356u);
}

// Two generations of one signal commute (signal(7): "Standard signals do not queue"): a kill, and
// a child's exit's SIGCHLD for its parent, read the target's `signal p,s`; the target's delivery
// of s, its sigprocmask, sigaction and sigsuspend write it (sim/independence.cpp, docs/explore.md
// "Two generations of one signal"). Two children each send their parent SIGUSR1 and exit (each
// exit a SIGCHLD for it), so the parent receives two generations of each signal, in either order.
// The same program as catching_waits_program, but the parent blocks both signals across its
// waits and takes them after unblocking them: its blocked steps are no events.
std::function<void(Os&)> blocking_waits_program() {
  return [](Os& os) {
    (void)os.sigaction(Sig::usr1, SigAction::catch_flag(/*restart=*/false));
    (void)os.sigaction(Sig::chld, SigAction::catch_flag(/*restart=*/true));
    (void)os.sigprocmask(SigHow::block, SigSet{Sig::usr1, Sig::chld});
    const Pid me = os.getpid();
    std::array<Pid, 2> kids{};
    for (Pid& k : kids) {
      papaya::Result<Pid> c = os.fork([me](Os& o) {
        (void)o.kill(me, Sig::usr1);
        o.exit(0);
      });
      if (!c) os.exit(2);
      k = *c;
    }
    for (Pid k : kids) (void)os.waitpid(k, false);
    (void)os.sigprocmask(SigHow::unblock, SigSet{Sig::usr1, Sig::chld});
    (void)os.take_caught(Sig::usr1);
    (void)os.take_caught(Sig::chld);
  };
}

TEST(SignalGenerations, DporAndOptimalNameDfsTracesWhenTheReceiverBlocksTheSignalsAcrossItsWaits) {
  // One trace: both generations of each signal land while it is blocked, in either order, and
  // the parent takes them after its waits.
  EXPECT_EQ(expect_dpor_names_dfs_traces(blocking_waits_program()), 1u);
}

// The wrong variant: a generation that touches nothing of its target (its reads of `signal p,s`
// dropped; no other step reads a signal object). Caught on catching_waits_program: a kill and
// the parent's take_caught(SIGUSR1) then commute, and the flag is taken in one order only.
Independent generation_reads_nothing() {
  return [](const sim::Effect& a, const sim::Effect& b) {
    sim::Effect x = a, y = b;
    auto generation = [](const sim::Access& t) { return t.obj == sim::Obj::signal && !t.write; };
    std::erase_if(x.access, generation);
    std::erase_if(y.access, generation);
    return !sim::dependent(x, y);
  };
}

// Pid 1 forks a child that exits, and only then catches SIGCHLD and takes it: the child's
// SIGCHLD is discarded (SIG_DFL, unblocked) if it comes before the sigaction, pending after it.
// An exit read its parent's `signal p,SIGCHLD` only when the parent caught SIGCHLD already;
// found while writing the rule above: it reads it whatever the disposition now.
std::function<void(Os&)> late_sigchld_program() {
  return [](Os& os) {
    papaya::Result<Pid> c = os.fork([](Os& o) {
      (void)o.getpid();
      o.exit(0);
    });
    if (!c) os.exit(2);
    (void)os.sigaction(Sig::chld, SigAction::catch_flag(/*restart=*/true));
    (void)os.take_caught(Sig::chld);
    (void)os.waitpid(*c, false);
  };
}

// The old rule's variant: a SIGCHLD generation whose parent does not catch SIGCHLD yet reads
// nothing (the exit's read dropped where no step of the parent writes `signal p,SIGCHLD` in
// the state it was computed in: the other step is not a write of it).
Independent exit_ignores_the_parents_sigchld_disposition() {
  return [](const sim::Effect& a, const sim::Effect& b) {
    sim::Effect x = a, y = b;
    auto sigchld_read = [](const sim::Access& t) {
      return t.obj == sim::Obj::signal && !t.write && (t.sigs & sim::sig_bit(Sig::chld)) != 0;
    };
    std::erase_if(x.access, sigchld_read);
    std::erase_if(y.access, sigchld_read);
    return !sim::dependent(x, y);
  };
}

TEST(SignalGenerations, TheCommutationCheckCatchesAnExitBlindToItsParentsSigchldDisposition) {
  (void)expect_check_passes_and_catches(late_sigchld_program(),
                                        exit_ignores_the_parents_sigchld_disposition(),
                                        "an exit that ignores its parent's SIGCHLD disposition");
  EXPECT_GE(expect_dpor_names_dfs_traces(late_sigchld_program()), 2u);
}

TEST(SignalGenerations, TheCommutationCheckPassesGenerationsAsReadsAndCatchesOnesThatReadNothing) {
  (void)expect_check_passes_and_catches(catching_waits_program(), generation_reads_nothing(),
                                        "a generation that reads nothing");
  (void)expect_check_passes_and_catches(blocking_waits_program(), nullptr, "");
}

// A small case of the join edge above: pid 1 catches SIGUSR1 (unblocked, no SA_RESTART), forks a
// child that sends it SIGUSR1 and exits, asks its pid (which commutes with both: dfs runs more
// orders than there are traces) and waits for the child. Six traces: the waitpid before the
// kill, between the kill and the exit or after both, and whether it blocks and is interrupted
// (EINTR) or woken by the exit. With every blocking waitpid joined to the exit, dpor and optimal
// named 3 of them, missing the waitpid that blocks after the kill (delivered at it: the flag is
// set and the call sleeps on) until the exit wakes it, and the EINTR return before the child's
// exit (two traces: pid 1's exit before or after the child's); each is reached only by
// reversing the child's exit with a waitpid step.
std::function<void(Os&)> one_catching_wait_program() {
  return [](Os& os) {
    (void)os.sigaction(Sig::usr1, SigAction::catch_flag(/*restart=*/false));
    const Pid me = os.getpid();
    papaya::Result<Pid> c = os.fork([me](Os& o) {
      (void)o.kill(me, Sig::usr1);
      o.exit(0);
    });
    if (!c) os.exit(2);
    (void)os.getpid();
    (void)os.waitpid(*c, false);
  };
}

TEST(BlockedStepGap, AWaitpidThatBlocksAsAnEventRacesItsChildsExit) {
  EXPECT_EQ(expect_dpor_names_dfs_traces(one_catching_wait_program()), 6u);
}

}  // namespace
}  // namespace papaya::explore
