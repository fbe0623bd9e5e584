// Go's deadlock verdict and the leak check, each shown on a correct program that passes and a
// broken twin that is caught.
#include "harness.hpp"

namespace papaya::model::go::testing {
namespace {

Program lock_twice(bool unlock_between) {
  Program prog;
  prog.mutexes = 1;
  prog.bodies = {{op(gop::Lock{1}), say("locked once")}};
  if (unlock_between) prog.bodies[0].push_back(op(gop::Unlock{1}));
  prog.bodies[0].push_back(op(gop::Lock{1}));
  prog.bodies[0].push_back(say("locked twice"));
  return prog;
}

TEST(GoVerdict, EveryGoroutineAsleepIsGosDeadlockWithExitCodeTwo) {
  ListChoices ch;
  ScriptResult bad = run_script(lock_twice(false), ch, GoConfig{1, false});
  EXPECT_EQ(bad.ending, Ending::deadlock);
  EXPECT_EQ(bad.message, "fatal error: all goroutines are asleep - deadlock!");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.lines, lines({"locked once"}));
  ScriptResult good = run_script(lock_twice(true), ch, GoConfig{1, false});
  EXPECT_EQ(good.ending, Ending::exited);
  EXPECT_EQ(good.exit_code, 0);
  EXPECT_EQ(good.lines, lines({"locked once", "locked twice"}));
}

TEST(GoVerdict, AGoroutineStillBlockedWhenMainReturnsIsALeak) {
  Program prog;
  prog.chans = {0};
  prog.bodies = {{op(gop::Go{1}), op(gop::Gosched{})}, {op(gop::Send{1, 1})}};
  ListChoices ch;
  ScriptResult r = run_script(prog, ch, GoConfig{1, false});
  EXPECT_EQ(r.ending, Ending::exited);
  EXPECT_EQ(r.leaked, (std::vector<std::string>{"goroutine 2 [chan send]"}));
  prog.bodies[0].push_back(op(gop::Recv{1}));    // the fix: main takes the value and lets the
  prog.bodies[0].push_back(op(gop::Gosched{}));  // readied sender finish before it returns
  ListChoices ch2;
  EXPECT_TRUE(run_script(prog, ch2, GoConfig{1, false}).leaked.empty());
}

TEST(GoVerdict, AProgramWaitingOnTheNetworkIsNotDeadlocked) {
  Program prog;
  prog.fds = 1;
  prog.bodies = {{op(gop::WaitRead{1})}};
  ListChoices ch;
  ScriptResult r = run_script(prog, ch, GoConfig{1, false});
  EXPECT_EQ(r.ending, Ending::running);  // an M is blocked in netpoll, as in Go 1.19
  EXPECT_EQ(r.exit_code, -1);
}

TEST(GoVerdict, ARunawayProgramStopsAtTheStepBound) {
  Program prog;
  std::vector<Instr> spin(50, op(gop::Gosched{}));
  prog.bodies = {spin};
  ListChoices ch;
  ScriptResult r = run_script(prog, ch, GoConfig{1, false}, ScriptLimits{.max_steps = 10});
  EXPECT_EQ(r.ending, Ending::step_bound);
  EXPECT_EQ(r.steps, 10u);
}

}  // namespace
}  // namespace papaya::model::go::testing
