// Race census (docs/explore.md "Race census"): which races an exploration's DPOR found and which of
// them it reversed, grouped by kind: the two operations, the processes that took them (named by
// where they were forked: "1" is init, "1.2" init's second child, "1.1.1" its first child's first
// child, the same process in every execution whatever its pid), and the objects they conflict on.
// A debugging aid, off by default (explore::Config::census null): filled only when asked.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/op.hpp"
#include "sim/event_log.hpp"

namespace papaya::sim {

struct RaceKind {
  model::OpKind first_op = model::OpKind::getpid;
  model::OpKind second_op = model::OpKind::getpid;
  std::string first_proc;  // fork path, e.g. "1.1.1"; a Go actor's description (actor_text)
  std::string second_proc;
  bool first_go = false;  // a Go actor's step: its op is not a kernel call's
  bool second_go = false;
  std::uint32_t objects = 0;  // bit i: Obj(i) is written by one and touched by the other
  bool global = false;        // one of the two is global
  friend auto operator<=>(const RaceKind&, const RaceKind&) = default;
  // "1.2 connect", or a Go actor's description alone.
  std::string first_text() const;
  std::string second_text() const;
};

// The objects one of `a`, `b` writes and the other touches (bit i: Obj(i)).
std::uint32_t conflicting_objects(const Effect& a, const Effect& b);
// "refs+pipe", or "global" when `global`.
std::string objects_text(std::uint32_t objects, bool global);

struct RaceCount {
  std::uint64_t found = 0;     // races analysed (the new part of an execution reached them)
  std::uint64_t reversed = 0;  // of those, the ones that added a wakeup-tree branch
};

class RaceCensus {
 public:
  // Names the processes of an execution (from its forks) before its races are added.
  void begin(const EventLog& log);
  // The race i < j of the execution `begin` was given, and whether it added a branch.
  void add(const EventLog& log, std::size_t i, std::size_t j, bool reversed);
  const std::map<RaceKind, RaceCount>& kinds() const { return kinds_; }
  // Every kind, the most reversed first.
  std::vector<std::pair<RaceKind, RaceCount>> ranked() const;
  static std::string objects_text(const RaceKind& k) {
    return sim::objects_text(k.objects, k.global);
  }

 private:
  std::string path_of(Pid pid) const;
  std::string actor_text(const Event& e) const;
  std::map<RaceKind, RaceCount> kinds_;
  std::vector<std::string> path_;  // by pid: the current execution's fork paths
};

}  // namespace papaya::sim
