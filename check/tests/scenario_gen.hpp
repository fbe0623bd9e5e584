// RapidCheck generators for chat scenarios (issue 4): 1..6 clients, 0..8 lines each, line lengths
// 1..10,000 bytes (so lines over the 4096-byte limit and over a page occur), join delays, gaps,
// late joiners, clients vanishing mid-line. Segmentation and the schedule are left to the chooser
// (the generated seed). Shrinking makes scenarios smaller: fewer clients, fewer and shorter lines.
// Faults: kill -9 of a server process at a chosen step (gen_kills, sim::Options::kills).
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <chrono>
#include <ostream>
#include <vector>

#include "chat/scenario/scenario.hpp"
#include "traces/trace.hpp"

namespace papaya::chat {
// How RapidCheck prints a counterexample.
inline void showValue(const Scenario& s, std::ostream& os) { os << describe(s); }
}  // namespace papaya::chat

namespace papaya::properties::testing {

inline rc::Gen<std::size_t> gen_line_length() {
  return rc::gen::weightedOneOf<std::size_t>({{6, rc::gen::inRange<std::size_t>(1, 200)},
                                              {2, rc::gen::inRange<std::size_t>(200, 4097)},
                                              {1, rc::gen::inRange<std::size_t>(4097, 10001)}});
}

inline rc::Gen<chat::ClientPlan> gen_plan() {
  using std::chrono::milliseconds;
  return rc::gen::apply(
      [](std::vector<std::size_t> lengths, int join_ms, int gap_ms, bool late, bool vanish) {
        chat::ClientPlan p;
        p.line_lengths = std::move(lengths);
        p.join_delay = milliseconds(join_ms);
        p.gap = milliseconds(gap_ms);
        p.late = late;
        p.vanish_mid_line = vanish;
        return p;
      },
      rc::gen::mapcat(rc::gen::inRange(0, 9),
                      [](int n) {
                        return rc::gen::container<std::vector<std::size_t>>(
                            static_cast<std::size_t>(n), gen_line_length());
                      }),
      rc::gen::inRange(0, 10), rc::gen::inRange(0, 5),
      rc::gen::weightedElement<bool>({{4, false}, {1, true}}),
      rc::gen::weightedElement<bool>({{5, false}, {1, true}}));
}

inline rc::Gen<chat::Scenario> gen_scenario(chat::Variant v) {
  return rc::gen::apply(
      [v](std::vector<chat::ClientPlan> plans, std::size_t max_line) {
        chat::Scenario s;
        s.plans = std::move(plans);
        s.clients = static_cast<int>(s.plans.size());
        s.server.variant = v;
        s.server.max_line = max_line;
        return s;
      },
      rc::gen::mapcat(rc::gen::inRange(1, 7),
                      [](int n) {
                        return rc::gen::container<std::vector<chat::ClientPlan>>(
                            static_cast<std::size_t>(n), gen_plan());
                      }),
      rc::gen::element<std::size_t>(4096, 16384));
}

// Mostly none; else one or two kill -9s, each of a server process (`pick` among the live ones, in
// pid order) at a step within the first 1,500 (runs of small scenarios last 150 to 3,000 steps).
// Shrinks towards fewer kills, earlier steps and the first process.
inline rc::Gen<std::vector<traces::KillFault>> gen_kills() {
  auto one = rc::gen::apply(
      [](std::uint64_t step, std::uint32_t pick) {
        return traces::KillFault{step, pick};
      },
      rc::gen::inRange<std::uint64_t>(0, 1500), rc::gen::inRange<std::uint32_t>(0, 4));
  auto some =
      rc::gen::map(rc::gen::mapcat(rc::gen::inRange(1, 3),
                                   [one](int n) {
                                     return rc::gen::container<std::vector<traces::KillFault>>(
                                         static_cast<std::size_t>(n), one);
                                   }),
                   [](std::vector<traces::KillFault> k) {
                     std::stable_sort(k.begin(), k.end(),
                                      [](const auto& a, const auto& b) { return a.step < b.step; });
                     return k;
                   });
  return rc::gen::weightedOneOf<std::vector<traces::KillFault>>(
      {{3, rc::gen::just(std::vector<traces::KillFault>{})}, {2, some}});
}

}  // namespace papaya::properties::testing

namespace papaya::traces {
// How RapidCheck prints generated kills.
inline void showValue(const KillFault& k, std::ostream& os) { os << describe_kill(k); }
}  // namespace papaya::traces
