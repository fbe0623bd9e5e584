// RapidCheck generators for chat scenarios (issue 4): 1..6 clients, 0..8 lines each, line lengths
// 1..10,000 bytes (so lines over the 4096-byte limit and over a page occur), join delays, gaps,
// late joiners, clients vanishing mid-line. Segmentation and the schedule are left to the chooser
// (the generated seed). Shrinking makes scenarios smaller: fewer clients, fewer and shorter lines.
#pragma once

#include <rapidcheck.h>

#include <chrono>
#include <ostream>

#include "chat/scenario.hpp"

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

}  // namespace papaya::properties::testing
