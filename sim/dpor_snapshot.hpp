// What dfs and the DPORs keep between two executions, as plain values: the decision nodes of the
// path, their sleep sets and explored branches, the wakeup trees (optimal) or backtrack sets
// (source-DPOR), the answers to replay, the counters, and each distinct effect once (the nodes
// name effects by index). Taken between executions (after next_execution has chosen the next
// branch) and restored into a fresh strategy, the search goes on exactly as it would have (papaya
// explore --checkpoint / --resume; docs/explore.md "Checkpoints"). The file format is explore/
// checkpoint_file.cpp's.
#pragma once

#include <cstdint>
#include <vector>

#include "os/types.hpp"
#include "sim/independence.hpp"

namespace papaya::sim {

struct DporSnapshot {
  static constexpr std::uint32_t no_effect = 0xffffffffu;
  struct Slept {
    Pid pid = 0;
    std::uint32_t effect = no_effect;
  };
  struct Wakeup {
    Pid pid = 0;
    std::uint32_t effect = no_effect;
    bool unknown = false;
    std::vector<Wakeup> kids;
  };
  struct Node {
    bool schedule = true;
    std::uint32_t first_event = 0;
    std::uint64_t first_answer = 0;
    std::vector<Pid> ready;
    std::vector<Pid> disabled;
    std::vector<Slept> done;
    std::vector<Slept> sleep;
    Pid chosen = 0;
    std::uint32_t chosen_effect = no_effect;  // (a copy in the node; here by index too)
    std::uint32_t n = 0;
    std::uint32_t choice = 0;
    std::vector<Wakeup> wut;  // optimal DPOR
    std::vector<Wakeup> chosen_kids;
    std::vector<Pid> backtrack;  // source-DPOR (unbounded): the processes owed here
    bool fresh = true;           // source-DPOR: opened by the execution that first reached it
  };
  std::uint32_t data_options = 0;
  std::vector<Effect> effects;
  std::vector<Node> nodes;
  std::vector<std::uint32_t> answers;
  std::uint64_t replay = 0;
  bool branch = false;
  std::uint64_t races = 0;
  std::uint64_t divergences = 0;
  std::uint64_t asleep = 0;
  std::uint64_t insertions = 0;
};

// dfs's (without the state cache and not walking): the path of decisions, each with its options,
// how many of them the search may take, and the one taken; the bound of the pass (iterative
// bounding) and whether it refused something so far.
struct DfsSnapshot {
  struct Node {
    std::uint32_t n = 0;
    std::uint32_t limit = 0;
    std::uint32_t chosen = 0;
  };
  int bound = -1;
  bool bounded = false;
  std::vector<Node> stack;
};

}  // namespace papaya::sim
