// Helpers for the runtime model's tests: a Runtime driven by hand (answers scripted, default 0),
// and short spellings for Script programs.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>

#include "model/go/runtime.hpp"
#include "model/go/script.hpp"

namespace papaya::model::go::testing {

template <class T>
Instr op(T o) {
  return Instr{GoOp{std::move(o)}};
}
inline Instr say(std::string s) { return Instr{Print{std::move(s)}}; }
inline Instr show_value(std::string prefix) {
  return Instr{PrintResult{PrintResult::Field::value, std::move(prefix)}};
}
inline Instr show_ok(std::string prefix) {
  return Instr{PrintResult{PrintResult::Field::ok, std::move(prefix)}};
}
inline Instr show_case(std::string prefix) {
  return Instr{PrintResult{PrintResult::Field::chosen, std::move(prefix)}};
}

inline std::vector<std::string> lines(std::initializer_list<const char*> l) {
  return {l.begin(), l.end()};
}

// A runtime whose choices come from `answers` (then 0), stepped by hand.
struct Hand {
  explicit Hand(int procs = 1, bool async_choice = false)
      : choices(), rt(choices, GoConfig{procs, async_choice}) {
    main = rt.start();
  }
  // Submits `o` for the goroutine running on P `p` and steps that P.
  GoOutcome run(int p, const GoOp& o) {
    Gid g = rt.p(p).curg;
    EXPECT_NE(g, 0u) << "P" << p << " runs no goroutine";
    rt.submit(g, o);
    GoOutcome out = rt.step({Actor::Kind::p, static_cast<std::uint32_t>(p)});
    rt.check_invariants();
    return out;
  }
  GoOutcome again(int p) {
    GoOutcome out = rt.step({Actor::Kind::p, static_cast<std::uint32_t>(p)});
    rt.check_invariants();
    return out;
  }
  Gid spawn(int p = 0) { return static_cast<Gid>(run(p, gop::Go{}).value); }
  Gid on(int p) const { return rt.p(p).curg; }
  std::size_t asked(GoChoice c) const {
    const auto& d = rt.decisions();
    return static_cast<std::size_t>(
        std::count_if(d.begin(), d.end(), [c](const Decision& x) { return x.choice == c; }));
  }

  ListChoices choices;
  Runtime rt;
  Gid main = 0;
};

}  // namespace papaya::model::go::testing
