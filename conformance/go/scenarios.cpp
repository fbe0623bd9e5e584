#include "conformance/go/scenarios.hpp"

#include <stdexcept>

namespace papaya::conformance::go {

using namespace model::go;

namespace {

template <class T>
Instr op(T o) {
  return Instr{GoOp{std::move(o)}};
}
Instr say(std::string s) { return Instr{Print{std::move(s)}}; }

Scenario runnext_pingpong() {
  Program p;
  p.chans = {0, 0};  // a, b
  p.bodies = {
      {op(gop::Go{1}), op(gop::Go{2}), op(gop::Go{3}), op(gop::Send{1, 0}), op(gop::Recv{2}),
       say("main done")},
      {say("ping 1"), op(gop::Recv{1}), op(gop::Send{2, 0})},
      {say("other")},
      {say("third")},
  };
  return {"runnext_pingpong", p, {1}, false};
}

Scenario gosched_global_queue() {
  Program p;
  p.bodies = {
      {op(gop::Go{1}), op(gop::Go{2}), op(gop::Gosched{}), say("main")}, {say("a")}, {say("b")}};
  return {"gosched_global_queue", p, {1}, false};
}

Scenario unbuffered_handoff_order() {
  Program p;
  p.chans = {0};
  p.bodies = {{op(gop::Go{1}), op(gop::Go{2}), op(gop::Go{3}), op(gop::Gosched{})},
              {op(gop::Send{1, 1})},
              {op(gop::Send{1, 2})},
              {op(gop::Send{1, 3})}};
  for (int i = 0; i < 3; ++i) {
    p.bodies[0].push_back(op(gop::Recv{1}));
    p.bodies[0].push_back(Instr{PrintResult{PrintResult::Field::value, "got "}});
  }
  return {"unbuffered_handoff_order", p, {1}, false};
}

std::vector<Instr> cond_waiter(const char* name, ObjId ready, ObjId done) {
  return {op(gop::Lock{1}), op(gop::Send{ready, 0}), op(gop::Wait{1}),
          say(name),        op(gop::Unlock{1}),      op(gop::Send{done, 0})};
}

Scenario cond_signal_fifo() {
  Program p;
  p.mutexes = 1;
  p.conds = {1};
  p.chans = {0, 0};  // ready, done
  std::vector<Instr> m;
  for (std::uint32_t i = 1; i <= 3; ++i) {
    m.push_back(op(gop::Go{i}));
    m.push_back(op(gop::Recv{1}));
    m.push_back(op(gop::Lock{1}));
    m.push_back(op(gop::Unlock{1}));
  }
  for (int i = 0; i < 3; ++i) {
    m.push_back(op(gop::Lock{1}));
    m.push_back(op(gop::Signal{1}));
    m.push_back(op(gop::Unlock{1}));
    m.push_back(op(gop::Recv{2}));
  }
  p.bodies = {m, cond_waiter("w1", 1, 2), cond_waiter("w2", 1, 2), cond_waiter("w3", 1, 2)};
  return {"cond_signal_fifo", p, {1, 4}, true};
}

Scenario cond_broadcast_order() {
  Program p;
  p.mutexes = 1;
  p.conds = {1};
  p.chans = {3, 3};  // ready, done
  std::vector<Instr> m = {op(gop::Go{1}), op(gop::Go{2}), op(gop::Go{3})};
  for (int i = 0; i < 3; ++i) m.push_back(op(gop::Recv{1}));
  m.push_back(op(gop::Lock{1}));
  m.push_back(op(gop::Broadcast{1}));
  m.push_back(op(gop::Unlock{1}));
  for (int i = 0; i < 3; ++i) m.push_back(op(gop::Recv{2}));
  p.bodies = {m, cond_waiter("w1", 1, 2), cond_waiter("w2", 1, 2), cond_waiter("w3", 1, 2)};
  return {"cond_broadcast_order", p, {1}, false};
}

Scenario rwmutex_writer_preference() {
  Program p;
  p.rwmutexes = 1;
  p.chans = {2};  // done
  p.bodies = {
      {op(gop::RLock{1}), op(gop::Go{1}), op(gop::Gosched{}), op(gop::Go{2}), op(gop::Gosched{}),
       say("main: the new reader waits behind the writer"), op(gop::RUnlock{1}), op(gop::Recv{1}),
       op(gop::Recv{1})},
      {op(gop::WLock{1}), say("writer"), op(gop::WUnlock{1}), op(gop::Send{1, 0})},
      {op(gop::RLock{1}), say("reader"), op(gop::RUnlock{1}), op(gop::Send{1, 0})},
  };
  return {"rwmutex_writer_preference", p, {1}, false};
}

Scenario recursive_rlock_deadlock() {
  Program p;
  p.rwmutexes = 1;
  p.bodies = {{op(gop::RLock{1}), op(gop::Go{1}), op(gop::Gosched{}), say("second RLock"),
               op(gop::RLock{1}), say("unreachable")},
              {op(gop::WLock{1}), op(gop::WUnlock{1})}};
  return {"recursive_rlock_deadlock", p, {1}, false};
}

Scenario send_on_closed_panics() {
  Program p;
  p.chans = {1};
  auto show = [](std::vector<Instr>& b) {
    b.push_back(Instr{PrintResult{PrintResult::Field::value_ok, ""}});
  };
  std::vector<Instr> m = {op(gop::Send{1, 7}), op(gop::Close{1}), op(gop::Recv{1})};
  show(m);
  m.push_back(op(gop::Recv{1}));
  show(m);
  m.push_back(op(gop::Send{1, 1}));
  p.bodies = {m};
  return {"send_on_closed_panics", p, {1, 4}, true};
}

Scenario unlock_of_unlocked_mutex() {
  Program p;
  p.mutexes = 1;
  p.bodies = {{op(gop::Lock{1}), op(gop::Unlock{1}), say("unlocked once"), op(gop::Unlock{1})}};
  return {"unlock_of_unlocked_mutex", p, {1, 4}, true};
}

}  // namespace

std::vector<Scenario> scenarios() {
  return {runnext_pingpong(),         gosched_global_queue(),  unbuffered_handoff_order(),
          cond_signal_fifo(),         cond_broadcast_order(),  rwmutex_writer_preference(),
          recursive_rlock_deadlock(), send_on_closed_panics(), unlock_of_unlocked_mutex()};
}

const Scenario& scenario(const std::string& name) {
  static const std::vector<Scenario> all = scenarios();
  for (const Scenario& s : all)
    if (s.name == name) return s;
  throw std::invalid_argument("no Go conformance scenario named " + name);
}

int model_select_first_wins(int trials, std::uint64_t seed) {
  Program p;
  p.chans = {1, 1};
  std::vector<Instr> m;
  const gop::Select both{{{false, 1, 0}, {false, 2, 0}}, false};
  for (int i = 0; i < trials; ++i) {
    m.push_back(op(gop::Send{1, 1}));
    m.push_back(op(gop::Send{2, 1}));
    m.push_back(op(both));
    m.push_back(Instr{PrintResult{PrintResult::Field::chosen, ""}});
    m.push_back(op(both));  // takes the other one
  }
  p.bodies = {m};
  SeededChoices ch(seed);
  ScriptResult r = run_script(p, ch, GoConfig{1, false});
  int first = 0;
  for (const std::string& l : r.lines) first += l == "0" ? 1 : 0;
  return first;
}

}  // namespace papaya::conformance::go
