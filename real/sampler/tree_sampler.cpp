#include "real/sampler/tree_sampler.hpp"

#include <unistd.h>

#include <algorithm>

#include "real/sampler/proc_tree.hpp"

namespace papaya::real::sampler {

TreeSampler::TreeSampler(SamplerConfig config)
    : config_(std::move(config)), co_last_(config_.co_roots.size()) {
  config_.helpers.push_back(static_cast<int>(::getpid()));
}

std::uint64_t TreeSampler::delta_ns(const std::vector<int>& pids,
                                    std::map<int, std::uint64_t>& last) {
  std::map<int, std::uint64_t> now;
  std::uint64_t sum = 0;
  for (int pid : pids) {
    std::optional<std::uint64_t> ns = process_run_ns(pid);
    if (!ns) continue;
    auto it = last.find(pid);
    std::uint64_t before = it == last.end() ? 0 : it->second;  // new: all its CPU so far
    sum += *ns >= before ? *ns - before : 0;
    now[pid] = *ns;
  }
  last = std::move(now);
  return sum;
}

void TreeSampler::start() {
  (void)delta_ns(process_tree(config_.server_root), server_last_);
  for (size_t i = 0; i < config_.co_roots.size(); ++i) {
    (void)delta_ns(process_tree(config_.co_roots[i]), co_last_[i]);
  }
  (void)delta_ns(config_.helpers, helper_last_);
  cores_last_ = core_ticks();
  t_last_ = std::chrono::steady_clock::now();
}

Interval TreeSampler::sample() {
  std::vector<int> tree = process_tree(config_.server_root);
  const std::uint64_t server_ns = delta_ns(tree, server_last_);
  std::vector<std::uint64_t> co_ns;
  std::vector<int> co_sizes;
  for (size_t i = 0; i < config_.co_roots.size(); ++i) {
    std::vector<int> co_tree = process_tree(config_.co_roots[i]);
    co_ns.push_back(delta_ns(co_tree, co_last_[i]));
    co_sizes.push_back(static_cast<int>(co_tree.size()));
  }
  const std::uint64_t helper_ns = delta_ns(config_.helpers, helper_last_);
  std::vector<CoreTicks> cores = core_ticks();
  auto t = std::chrono::steady_clock::now();
  Interval iv;
  iv.seconds = std::chrono::duration<double>(t - t_last_).count();
  iv.processes = static_cast<int>(tree.size());
  if (iv.seconds > 0) {
    iv.server_pct = 100.0 * static_cast<double>(server_ns) / 1e9 / iv.seconds;
    iv.helper_pct = 100.0 * static_cast<double>(helper_ns) / 1e9 / iv.seconds;
    for (std::uint64_t ns : co_ns) {
      iv.co_pct.push_back(100.0 * static_cast<double>(ns) / 1e9 / iv.seconds);
    }
  }
  iv.co_processes = co_sizes;
  // Per-core busy % of the interval, from tick deltas.
  std::vector<double> busy;
  for (const CoreTicks& c : cores) {
    auto prev = std::find_if(cores_last_.begin(), cores_last_.end(),
                             [&](const CoreTicks& p) { return p.core == c.core; });
    if (prev == cores_last_.end() || c.total <= prev->total) {
      busy.push_back(0);
      continue;
    }
    busy.push_back(100.0 * static_cast<double>(c.busy - prev->busy) /
                   static_cast<double>(c.total - prev->total));
  }
  double servers_pct = iv.server_pct;  // every server on the server core is ours
  for (double c : iv.co_pct) servers_pct += c;
  OthersUse others = others_use(busy, servers_pct, iv.helper_pct, config_);
  iv.other_pct = others.pct;
  iv.quiet = others.quiet;
  cores_last_ = std::move(cores);
  t_last_ = t;
  return iv;
}

OthersUse others_use(const std::vector<double>& busy, double server_pct, double helper_pct,
                     const SamplerConfig& config) {
  OthersUse o;
  if (busy.empty()) return o;
  if (config.server_core && config.helper_core) {
    for (size_t i = 0; i < busy.size(); ++i) {
      double ours = 0;
      if (static_cast<int>(i) == *config.server_core) ours += server_pct;
      if (static_cast<int>(i) == *config.helper_core) ours += helper_pct;
      o.pct = std::max(o.pct, busy[i] - ours);
    }
    o.quiet = o.pct <= config.quiet_pct;
    return o;
  }
  double total = 0;
  for (double b : busy) total += b;
  o.pct = total - server_pct - helper_pct;
  o.quiet = o.pct <= config.quiet_pct * static_cast<double>(busy.size());
  return o;
}

std::uint64_t tree_pss_kib(int root) {
  std::uint64_t sum = 0;
  for (int pid : process_tree(root)) sum += process_pss_kib(pid).value_or(0);
  return sum;
}

std::uint64_t tree_anon_pss_kib(int root) {
  std::uint64_t sum = 0;
  for (int pid : process_tree(root)) sum += process_anon_pss_kib(pid).value_or(0);
  return sum;
}

}  // namespace papaya::real::sampler
