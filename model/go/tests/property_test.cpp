// Random goroutine programs under random schedules (any GOMAXPROCS, sysmon preemption offered
// anywhere, virtual time advancing so the 1 ms starvation mode switches on and off): the
// runtime's invariants hold after every step (run_script checks them), sync.Mutex excludes, and
// programs that only lock and unlock never deadlock and leave nobody behind.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "harness.hpp"

namespace papaya::model::go::testing {
namespace {

using namespace std::chrono_literals;

// Goroutine i (1-based) runs `rounds[i]` critical sections: Lock; "+i"; maybe Gosched; "-i";
// Unlock. main starts them all and waits for each on a buffered channel.
Program critical_sections(const std::vector<int>& rounds, const std::vector<bool>& yield_inside,
                          bool try_lock) {
  Program p;
  p.mutexes = 1;
  p.chans = {rounds.size()};
  std::vector<Instr> m;
  for (std::size_t i = 0; i < rounds.size(); ++i) m.push_back(op(gop::Go{std::uint32_t(i + 1)}));
  for (std::size_t i = 0; i < rounds.size(); ++i) m.push_back(op(gop::Recv{1}));
  p.bodies.push_back(m);
  for (std::size_t i = 0; i < rounds.size(); ++i) {
    std::vector<Instr> b;
    const std::string id = std::to_string(i + 1);
    for (int r = 0; r < rounds[i]; ++r) {
      b.push_back(op(gop::Lock{1}));
      b.push_back(say("+" + id));
      if (yield_inside[i]) b.push_back(op(gop::Gosched{}));
      if (try_lock) b.push_back(op(gop::TryLock{1}));  // must fail: we hold it
      if (try_lock) b.push_back(show_value("try "));
      b.push_back(say("-" + id));
      b.push_back(op(gop::Unlock{1}));
    }
    b.push_back(op(gop::Send{1, 0}));
    p.bodies.push_back(b);
  }
  return p;
}

RC_GTEST_PROP(GoModelProperty, AMutexExcludesUnderEverySchedule, ()) {
  const int procs = *rc::gen::inRange(1, 5);
  const auto n = *rc::gen::inRange<std::size_t>(1, 6);
  const auto rounds = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(1, 4));
  const auto yields = *rc::gen::container<std::vector<bool>>(n, rc::gen::arbitrary<bool>());
  const bool try_lock = *rc::gen::arbitrary<bool>();
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  SeededChoices ch(seed);
  ScriptLimits limits;
  limits.step_time = 100us;  // ten steps make a millisecond: starvation mode comes and goes
  limits.sysmon_every = 1ms;
  limits.offer_preemption = true;
  GoConfig cfg{procs, true};
  ScriptResult r = run_script(critical_sections(rounds, yields, try_lock), ch, cfg, limits);
  RC_ASSERT(r.ending == Ending::exited);
  // Readied but not yet run, or still running on another P, when main returned is fine; blocked
  // is a leak.
  for (const std::string& g : r.leaked)
    RC_ASSERT(g.find("[_Grunnable]") != std::string::npos ||
              g.find("[_Grunning]") != std::string::npos);
  std::string inside;
  int sections = 0;
  for (const std::string& l : r.lines) {
    if (l[0] == '+') {
      RC_ASSERT(inside.empty());  // nobody else is in the critical section
      inside = l.substr(1);
      ++sections;
    } else if (l[0] == '-') {
      RC_ASSERT(inside == l.substr(1));
      inside.clear();
    } else {
      RC_ASSERT(l == "try 0");  // TryLock never takes a held mutex
    }
  }
  int want = 0;
  for (int x : rounds) want += x;
  RC_ASSERT(sections == want);
}

// The same programs with one goroutine that forgets to unlock before its second round: it blocks
// on its own mutex, so every schedule must end in Go's deadlock verdict.
RC_GTEST_PROP(GoModelProperty, AForgottenUnlockIsCaughtAsDeadlock, ()) {
  const int procs = *rc::gen::inRange(1, 5);
  const auto n = *rc::gen::inRange<std::size_t>(2, 5);
  const auto rounds = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(1, 3));
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  auto rounds2 = rounds;
  rounds2[0] = 2;
  Program p = critical_sections(rounds2, std::vector<bool>(n, false), false);
  auto& b = p.bodies[1];
  b.erase(std::find_if(b.begin(), b.end(), [](const Instr& in) {
    const auto* o = std::get_if<GoOp>(&in);
    return o && std::holds_alternative<gop::Unlock>(*o);
  }));
  SeededChoices ch(seed);
  ScriptResult r = run_script(p, ch, GoConfig{procs, false});
  RC_ASSERT(r.ending == Ending::deadlock);
  RC_ASSERT(r.message == std::string("fatal error: all goroutines are asleep - deadlock!"));
  RC_ASSERT(r.exit_code == 2);
}

}  // namespace
}  // namespace papaya::model::go::testing
