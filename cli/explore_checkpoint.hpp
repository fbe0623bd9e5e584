// papaya explore --checkpoint FILE [--checkpoint-every S] / --resume FILE: an optimal DPOR search
// saved between executions and resumed where it stopped, so a search longer than one sitting can
// run in several (docs/explore.md "Checkpoints"). The file is explore/checkpoint_file.hpp's.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "explore/explorer.hpp"
#include "explore/path_summary.hpp"

namespace papaya::cli {

struct CheckpointOptions {
  std::string save;    // --checkpoint FILE ("": none)
  double every = 600;  // --checkpoint-every S: also every S seconds of the search
  std::string resume;  // --resume FILE ("": the start)
  // --no-trace-names: the DPORs count their executions as traces without naming them
  // (explore::Config::name_traces), so a checkpoint holds the path alone: kilobytes, not 8 bytes a
  // trace.
  bool no_trace_names = false;
};

// Why --checkpoint, --resume or --no-trace-names (or a bad --checkpoint-every) cannot go with
// these options; "" when they can, or none is asked for. `debugging`: --race-census or
// --state-graph.
std::string checkpoint_refusal(const CheckpointOptions& o, explore::StrategyName strategy,
                               int bound, bool estimate, bool state_cache, bool debugging);

class ExploreCheckpoints {
 public:
  // Loads the checkpoint to resume from, and hooks the saves into `c` (which must outlive this
  // object's use). "" when ready; else what is wrong (a missing, damaged or foreign file).
  std::string attach(const CheckpointOptions& o, const std::string& target, explore::Config& c);
  std::uint64_t saves() const { return saves_; }
  // The executions of the checkpoint resumed from (0: none), and the last one saved.
  std::uint64_t resumed_at() const { return resumed_ ? resumed_->executions : 0; }
  // The runs (complete and abandoned) and steps of the checkpoint resumed from (0: none).
  std::uint64_t resumed_runs() const {
    return resumed_ ? resumed_->executions + resumed_->abandoned : 0;
  }
  std::uint64_t resumed_steps() const { return resumed_ ? resumed_->steps : 0; }
  std::uint64_t saved_at() const { return saved_at_; }
  const std::string& error() const { return error_; }  // the last save's failure ("": none)
  // Where the last save, or else the checkpoint resumed from, is in the search's tree.
  const std::optional<explore::PathSummary>& path() const { return path_summary_; }
  // The JSON account's "checkpoint": resumed_at, saved, saved_at, file, and path (decisions,
  // open, not_begun, shallowest: [[depth, branch, of], ...]) when there is one.
  nlohmann::json json(const CheckpointOptions& o) const;
  // The text account's lines: where the search resumed from, where it was saved, or, for a search
  // that stopped short and `could_save` but was not asked to, how to go on with it later.
  void print(const CheckpointOptions& o, bool exhausted, bool could_save) const;

 private:
  using Clock = std::chrono::steady_clock;
  std::optional<explore::Checkpoint> resumed_;
  std::string path_;
  std::string target_;
  double every_ = 600;
  Clock::time_point last_ = Clock::now();
  std::uint64_t saves_ = 0;
  std::uint64_t saved_at_ = 0;
  std::string error_;
  std::optional<explore::PathSummary> path_summary_;
};

}  // namespace papaya::cli
