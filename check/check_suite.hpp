// The main job behind `papaya check`: for each variant, every built-in scenario under many seeds,
// every property checked on every run. The first failing run of each property is minimised
// (shrink.hpp) into a counterexample trace that replays to the same verdict.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chat/design.hpp"
#include "properties/verdict.hpp"
#include "traces/trace.hpp"

namespace papaya::properties {

struct CheckOptions {
  int runs = 300;                     // seeds per built-in scenario
  std::uint64_t seed = 1;             // the first seed
  std::uint64_t max_steps = 200'000;  // per run
  int shrink_budget = 300;            // replays spent minimising one counterexample (0: none)
};

struct Cell {
  explicit Cell(Property p) : property(p) {}
  Property property;
  bool holds = true;
  int failing_runs = 0;
  std::string scenario;                         // the first failing run's scenario name
  std::uint64_t seed = 0;                       //   and seed
  std::string detail;                           //   and what broke
  std::uint64_t steps = 0;                      //   and its length
  std::uint64_t minimised_steps = 0;            // the counterexample's length
  std::string minimised_scenario;               //   and its scenario (chat::describe)
  std::uint64_t minimised_preemptions = 0;      //   and its decisions off the default (option 0)
  std::optional<traces::Trace> counterexample;  // verdict and detail set to the property's
};

struct Row {
  chat::Design design = chat::Design::process;
  chat::Variant variant = chat::Variant::correct;
  std::vector<Cell> cells;  // one per property, in all_properties order
  int runs = 0;
  std::uint64_t steps = 0;  // summed over runs
  int max_readers = 0;      // most readers seen holding the log at once
  // unlimited-readers' excused waits (a reader behind a waiting writer on a sync.RWMutex: Go's
  // writer preference), summed over runs, and the first one's description
  int excused_reader_waits = 0;
  std::string first_excused_reader_wait;
  bool should_pass() const { return variant == chat::Variant::correct; }
  bool any_failed() const;
  bool as_expected() const { return should_pass() ? !any_failed() : any_failed(); }
};

// The Verdict a counterexample of `p` carries in its trace.
Verdict verdict_of(Property p);

// Called after every run: the row so far, runs done, runs in all.
using Progress = std::function<void(const Row&, int done, int total)>;

Row check_variant(chat::DesignVariant dv, const CheckOptions& opts, const Progress& progress = {});

}  // namespace papaya::properties
