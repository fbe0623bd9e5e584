#include "cli/explore_checkpoint.hpp"

#include <cstdio>

#include "explore/checkpoint_file.hpp"

namespace papaya::cli {

std::string checkpoint_refusal(const CheckpointOptions& o, explore::StrategyName strategy,
                               int bound, bool estimate, bool state_cache, bool debugging) {
  using S = explore::StrategyName;
  if (o.every <= 0) return "--checkpoint-every must be more than 0 seconds";
  if (o.no_trace_names && ((strategy != S::dpor && strategy != S::optimal) || bound >= 0))
    return "--no-trace-names applies to --strategy dpor (without --bound) and optimal, whose "
           "executions are distinct traces; the others need the names to count traces";
  if (o.save.empty() && o.resume.empty()) return {};
  if (strategy == S::pct || strategy == S::random || estimate || state_cache ||
      (strategy == S::dpor && bound >= 0))
    return "--checkpoint and --resume apply to the searches of --strategy optimal, dpor (without "
           "--bound) and dfs (not with --state-cache or --estimate)";
  if (debugging)
    return "--checkpoint and --resume do not combine with --race-census or --state-graph (neither "
           "is saved)";
  return {};
}

std::string ExploreCheckpoints::attach(const CheckpointOptions& o, const std::string& target,
                                       explore::Config& c) {
  target_ = target;
  if (!o.resume.empty()) {
    std::string error;
    resumed_ = explore::read_checkpoint(o.resume, target, error);
    if (!resumed_) return error;
    if (!resumed_->names_kept && !o.no_trace_names)
      return o.resume +
             " was saved with --no-trace-names: it holds no trace names to go on counting "
             "distinct traces from; resume it with --no-trace-names";
    c.resume = &*resumed_;
    path_summary_ = explore::path_summary(*resumed_);
  }
  if (o.save.empty()) return {};
  path_ = o.save;
  every_ = o.every;
  last_ = Clock::now();
  c.checkpoint_due = [this] {
    return std::chrono::duration<double>(Clock::now() - last_).count() >= every_;
  };
  c.save = [this](const explore::Checkpoint& k) {
    last_ = Clock::now();
    std::string error;
    if (!explore::write_checkpoint(path_, target_, k, error)) {
      error_ = error;
      std::fprintf(stderr, "papaya explore: %s\n", error.c_str());
      return;
    }
    ++saves_;
    saved_at_ = k.executions;
    path_summary_ = explore::path_summary(k);
    std::fprintf(stderr, "papaya explore: checkpoint %s after %llu executions; its path: %s\n",
                 path_.c_str(), static_cast<unsigned long long>(k.executions),
                 explore::describe(*path_summary_).c_str());
  };
  return {};
}

nlohmann::json ExploreCheckpoints::json(const CheckpointOptions& o) const {
  nlohmann::json j = {
      {"resumed_at", resumed_at()}, {"saved", saves_}, {"saved_at", saved_at_}, {"file", o.save}};
  if (path_summary_) {
    nlohmann::json shallowest = nlohmann::json::array();
    for (const auto& s : path_summary_->shallowest) shallowest.push_back({s.at, s.branch, s.of});
    j["path"] = {{"decisions", path_summary_->decisions},
                 {"open", path_summary_->open},
                 {"not_begun", path_summary_->not_begun},
                 {"shallowest", shallowest}};
  }
  return j;
}

void ExploreCheckpoints::print(const CheckpointOptions& o, bool exhausted, bool could_save) const {
  if (resumed_at() > 0) {
    std::printf("  resumed from %s after %llu executions\n", o.resume.c_str(),
                static_cast<unsigned long long>(resumed_at()));
    // Before any save of this sitting: where the resumed search stood.
    if (saves_ == 0)
      std::printf("  its path then: %s\n", explore::describe(*path_summary_).c_str());
  }
  if (!error_.empty()) std::printf("  checkpoint NOT saved at the last try: %s\n", error_.c_str());
  if (exhausted) return;
  if (saves_ > 0) {
    std::printf("  checkpoint: %s after %llu executions (go on with --resume %s)\n", o.save.c_str(),
                static_cast<unsigned long long>(saved_at_), o.save.c_str());
    std::printf("  its path: %s\n", explore::describe(*path_summary_).c_str());
  } else if (could_save && o.save.empty())
    std::printf("  to go on with this search later: --checkpoint FILE, then --resume FILE\n");
}

}  // namespace papaya::cli
