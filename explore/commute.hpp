// The commutation check of the independence relation (docs/explore.md "Testing the relation"):
// what DPOR assumes of sim::dependent, tested on reachable states instead of argued.
//
// For states reached by random schedules of a program, and every pair of ready processes p, q
// whose pending steps the relation calls independent there, the program is run again to that
// state twice: p's step then q's, and q's then p's. Both orders must
//  - run both steps (neither disables the other),
//  - end each step with the same status,
//  - reach the same state: the model kernel's whole digest (Kernel::hash_state) and what every
//    process has observed (sim/state_cache.hpp StateKeys, parts 1 and 2), right after the pair
//    or, failing that, after the next step of each of the two (a caught signal the relation
//    lets commute with its target's step is delivered at that step in one order and at the next
//    one in the other: counted apart, `settled_later`), and
//  - leave each step's effect as it was (p's effect after q's step equals p's effect before it),
//    so that equivalent executions have the same happens-before relation, which DPOR's race
//    analysis assumes (Abdulla et al., JACM 2017, section 3).
// And every step that wakes a blocked process (ready after it, not before, no timer between) must
// be dependent on the woken process's step: a wakeup orders the two, and DPOR learns orders only
// from dependencies. Pairs whose first step only blocks are skipped (a blocked step is no event for
// DPOR), and so is the state comparison of pairs that both allocate fresh kernel ids (open, pipe,
// listen, connect, accept: the digest hashes ids as they are, and the relation treats fresh ids as
// equal up to renaming); their statuses and effects are still compared. Process steps only (no Go
// actors).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "explore/explorer.hpp"
#include "sim/independence.hpp"

namespace papaya::explore {

struct CommuteConfig {
  int runs = 4;             // random schedules
  int states_per_run = 4;   // states sampled on each (among those with two or more ready)
  int pairs_per_state = 6;  // independent pairs checked at each state, at most
  std::uint64_t seed = 1;
  std::uint64_t max_steps = 100'000;
  // The relation under test: whether two steps may be reordered. Empty: !sim::dependent.
  std::function<bool(const sim::Effect&, const sim::Effect&)> independent;
  // Also run the pairs the relation calls dependent both ways, and tally by kind whether they
  // commuted after all (CommuteReport::dependent_kinds): where the relation is conservative.
  bool probe_dependent = false;
};

// Pairs of one kind ("close x close on refs") the relation calls dependent, run both ways.
struct DependentTally {
  std::uint64_t commuted = 0;  // same statuses, kernel state and observations either way
  std::uint64_t differed = 0;
};

struct CommuteReport {
  std::uint64_t states = 0;           // states sampled
  std::uint64_t independent = 0;      // pairs the relation calls independent, checked
  std::uint64_t dependent = 0;        // pairs it calls dependent (not checked)
  std::uint64_t skipped_blocked = 0;  // a first step only blocked
  std::uint64_t fresh_ids = 0;        // both allocate fresh ids: state comparison left out
  std::uint64_t settled_later = 0;    // equal only after the next steps of both (in-flight signal)
  std::uint64_t wakeups = 0;          // steps that woke a blocked process, checked
  std::uint64_t executions = 0;       // runs of the program, all told
  std::vector<std::string> failures;  // one line per pair that does not commute
  std::map<std::string, DependentTally> dependent_kinds;  // with CommuteConfig::probe_dependent
};

CommuteReport check_commutation(const Program& program, const CommuteConfig& config);

}  // namespace papaya::explore
