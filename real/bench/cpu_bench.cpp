#include "real/bench/cpu_bench.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "real/bench/spawn.hpp"
#include "real/load/load_plan.hpp"
#include "real/sampler/proc_tree.hpp"
#include "real/sampler/tree_sampler.hpp"

namespace papaya::real::bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int server_core = 0;
constexpr int helper_core = 1;

// A fixed 128-hex-digit key (the bench's own, throwaway), written 0600 as key files must be.
const std::string bench_key(128, 'b');

bool write_file(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fchmod(fd, mode);
  ::close(fd);
  return ok;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line.empty() ? "no message" : line;
}

std::string peer(const CpuBenchConfig& cfg, const std::string& name) {
  return cfg.peers_dir + "/" + name;
}

// "key=value key=value error=\"...\"" -> map (the value of error runs to the closing quote).
std::map<std::string, std::string> parse_summary(const std::string& line) {
  std::map<std::string, std::string> kv;
  size_t i = 0;
  while (i < line.size()) {
    size_t eq = line.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = line.substr(i, eq - i);
    size_t end;
    if (eq + 1 < line.size() && line[eq + 1] == '"') {
      end = line.find('"', eq + 2);
      if (end == std::string::npos) end = line.size();
      kv[key] = line.substr(eq + 2, end - eq - 2);
      ++end;
    } else {
      end = line.find(' ', eq);
      if (end == std::string::npos) end = line.size();
      kv[key] = line.substr(eq + 1, end - eq - 1);
    }
    i = end;
    while (i < line.size() && line[i] == ' ') ++i;
  }
  return kv;
}

double num(const std::map<std::string, std::string>& kv, const std::string& k) {
  auto it = kv.find(k);
  return it == kv.end() ? 0 : std::atof(it->second.c_str());
}

// Samples until `seconds` of kept intervals, or seconds x max_extend of wall time. Several
// servers (`--paired`) are sampled in the same intervals: rs[0]'s tree is `servers[0]`, and so on;
// an interval is kept for all of them or for none.
void sample(const CpuBenchConfig& cfg, const std::vector<pid_t>& servers,
            const std::vector<pid_t>& loads, const std::vector<PointResult*>& rs) {
  sampler::SamplerConfig sc;
  sc.server_root = servers.at(0);
  sc.co_roots.assign(servers.begin() + 1, servers.end());
  sc.helpers.assign(loads.begin(), loads.end());
  if (cfg.pin) {
    sc.server_core = server_core;
    sc.helper_core = helper_core;
  }
  sc.quiet_pct = cfg.quiet_pct;
  sampler::TreeSampler ts(sc);
  ts.start();
  std::vector<sampler::Interval> ivs;
  const auto step = std::chrono::milliseconds(500);
  const int wanted = static_cast<int>(cfg.seconds * 2 + 0.5);
  const int most = static_cast<int>(cfg.seconds * std::max(1.0, cfg.max_extend) * 2 + 0.5);
  auto next = Clock::now() + step;
  int quiet = 0;
  while (static_cast<int>(ivs.size()) < most &&
         (quiet < wanted || static_cast<int>(ivs.size()) < wanted)) {
    std::this_thread::sleep_until(next);
    next += step;
    ivs.push_back(ts.sample());
    if (ivs.back().quiet) ++quiet;
  }
  std::vector<double> helper, other;
  for (const auto& iv : ivs) helper.push_back(iv.helper_pct);
  const double helper_median = sampler::median(helper);
  std::vector<std::vector<double>> all(rs.size()), kept(rs.size());
  for (const auto& iv : ivs) {
    other.push_back(iv.other_pct);
    // A host slowdown shows as the load generator's own cost jumping: drop those intervals.
    const bool jump = iv.helper_pct > 2 * helper_median && iv.helper_pct > helper_median + 1;
    for (size_t i = 0; i < rs.size(); ++i) {
      const double pct = i == 0 ? iv.server_pct : iv.co_pct.at(i - 1);
      rs[i]->processes = i == 0 ? iv.processes : iv.co_processes.at(i - 1);
      if (iv.quiet) ++rs[i]->quiet;
      if (jump) ++rs[i]->dropped_load_jump;
      all[i].push_back(pct);
      if (iv.quiet && !jump) kept[i].push_back(pct);
    }
  }
  for (size_t i = 0; i < rs.size(); ++i) {
    rs[i]->intervals = static_cast<int>(ivs.size());
    rs[i]->all = sampler::summarize(all[i]);
    rs[i]->kept = sampler::summarize(kept[i]);
    rs[i]->other_pct_median = sampler::median(other);
  }
}

}  // namespace

double PointResult::deliveries_per_s() const {
  if (load_window_s <= 0) return 0;
  return static_cast<double>(fanout_received) / load_window_s;
}

double PointResult::deliveries_per_cpu_s() const {
  const double cpu = kept.n >= 4 ? kept.mean : all.mean;
  if (load_window_s <= 0 || cpu <= 0) return 0;
  return static_cast<double>(fanout_received) / load_window_s / (cpu / 100);
}

ServerCommand server_command(const CpuBenchConfig& cfg, const std::string& design, int port,
                             const std::string& scratch) {
  ServerCommand c;
  const std::string p = std::to_string(port);
  const bool sink = cfg.workload == "sink";
  if (design == "process" || design == "fiber") {
    // fiber: the same daemon with goroutines on Boost.Fiber (docs/fiber.md); its sink is a
    // goroutine per client (chat/goroutine/goroutine_sink.hpp).
    c.argv = {cfg.papaya_exe,
              "serve",
              "--design",
              design,
              "--foreground",
              "--host",
              "127.0.0.1",
              "--port",
              p,
              "--log",
              scratch + "/chat.log",
              "--key-file",
              scratch + "/key",
              "--max-clients",
              std::to_string(cfg.max_clients),
              "--workload",
              sink ? "sink" : "chat"};
  } else if (design == "c" && sink) {
    c.argv = {peer(cfg, "c_sink"), p};
  } else if (design == "go" && sink) {
    c.argv = {peer(cfg, "go_sink"), p};
  } else if (design == "go-raw" && sink) {
    c.argv = {peer(cfg, "go_raw_sink"), p};
  } else if (design == "go" && !sink) {
    c.argv = {peer(cfg, "go_chat"), p, scratch + "/key"};
  } else {
    c.error = fmt::format("design {} has no {} workload", design, cfg.workload);
    return c;
  }
  if (::access(c.argv[0].c_str(), X_OK) != 0) {
    c.error = fmt::format("{} is not built (bench/peers/build.sh; needs {})", c.argv[0],
                          design == "c" ? "cc" : "go, Debian package golang-go");
  }
  return c;
}

namespace {

// One server and its load generator: started and ramped up by launch(), measured by the caller,
// its memory and the generator's report taken and everything stopped by finish().
struct Running {
  PointResult r;
  Spawned server;
  Spawned load;
  std::uint64_t anon_idle = 0;
  std::uint64_t kernel_idle = 0;
  bool ramped = false;  // the load generator is at its rate: the window may start
};

Running launch(const CpuBenchConfig& cfg, const std::string& design, int connections, int repeat,
               const std::string& scratch) {
  Running run;
  PointResult& r = run.r;
  r.design = design;
  r.workload = cfg.workload;
  r.connections = connections;
  r.repeat = repeat;
  write_file(scratch + "/key", bench_key + "\n", 0600);
  std::filesystem::remove(scratch + "/chat.log");  // a fresh log: no history from other points
  std::optional<int> port = free_port();
  ServerCommand sc = server_command(cfg, design, port.value_or(0), scratch);
  if (!sc.error.empty() || !port) {
    r.error = port ? sc.error : "no free port";
    return run;
  }
  const std::string log_dir = cfg.out_dir + "/logs";
  std::filesystem::create_directories(log_dir);
  const std::string tag = fmt::format("{}-{}-{}", design, connections, repeat);
  SpawnSpec server_spec{sc.argv,
                        sc.stdout_path,
                        log_dir + "/" + tag + ".server.txt",
                        false,
                        cfg.pin ? std::optional<int>(server_core) : std::nullopt,
                        cfg.own_sessions};
  run.server = spawn(server_spec);
  const Spawned& server = run.server;
  if (server.pid < 0) {
    r.error = server.error;
    return run;
  }
  if (!wait_listening(*port, std::chrono::seconds(15), server.pid)) {
    r.error = "the server did not listen (exited, or not within 15 s): " +
              first_line(server_spec.stderr_path) + " (" + server_spec.stderr_path + ")";
    stop_group(server.pid, std::chrono::seconds(2));
    run.server.pid = -1;
    return run;
  }
  // wait_listening's probe connection made a fork-per-client server fork: let that child end
  // (the tree size steady over three looks 100 ms apart, at most 3 s) before the idle figure.
  size_t steady = 0, last_size = 0;
  for (int i = 0; i < 30 && steady < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    size_t size = sampler::process_tree(server.pid).size();
    steady = size == last_size ? steady + 1 : 0;
    last_size = size;
  }
  r.pss_idle_kib = sampler::tree_pss_kib(server.pid);
  run.anon_idle = sampler::tree_anon_pss_kib(server.pid);
  run.kernel_idle = sampler::kernel_share_kib().value_or(0);
  const double load_seconds = cfg.warmup_s + cfg.seconds * std::max(1.0, cfg.max_extend) + 30;
  std::vector<std::string> load_argv{cfg.papaya_exe,  "load",
                                     "--host",        "127.0.0.1",
                                     "--port",        std::to_string(*port),
                                     "--connections", std::to_string(connections),
                                     "--rate",        cfg.rate,
                                     "--line-bytes",  std::to_string(cfg.line_bytes),
                                     "--seconds",     fmt::format("{}", load_seconds)};
  if (cfg.workload == "chat") {
    load_argv.insert(load_argv.end(), {"--key-file", scratch + "/key", "--fanout", "--drain",
                                       fmt::format("{}", cfg.drain_s)});
  }
  run.load = spawn({load_argv, "", log_dir + "/" + tag + ".load.txt", true,
                    cfg.pin ? std::optional<int>(helper_core) : std::nullopt, cfg.own_sessions});
  const Spawned& load = run.load;
  std::optional<std::string> ramped =
      load.pid > 0 ? read_line(load.stdout_fd, std::chrono::seconds(60)) : std::nullopt;
  run.ramped = ramped && *ramped == "ramped";
  if (!run.ramped) {
    r.error = "the load generator did not ramp up (see " + log_dir + "/" + tag + ".load.txt)";
  }
  return run;
}

// After the window (`measured`): the loaded memory, the load generator's report; then stops both.
void finish(const CpuBenchConfig& cfg, Running& run, bool measured) {
  PointResult& r = run.r;
  const int connections = r.connections;
  const Spawned& server = run.server;
  const Spawned& load = run.load;
  if (measured) {
    r.pss_loaded_kib = sampler::tree_pss_kib(server.pid);
    const std::uint64_t kernel_loaded = sampler::kernel_share_kib().value_or(0);
    r.pss_per_conn_kib =
        (static_cast<double>(r.pss_loaded_kib) - static_cast<double>(r.pss_idle_kib)) / connections;
    r.anon_per_conn_kib = (static_cast<double>(sampler::tree_anon_pss_kib(server.pid)) -
                           static_cast<double>(run.anon_idle)) /
                          connections;
    r.kernel_per_conn_kib =
        (static_cast<double>(kernel_loaded) - static_cast<double>(run.kernel_idle)) / connections;
    ::kill(load.pid, SIGTERM);  // ends the window early; the load prints its report
    // It reports after its drain (chat: lines still on their way), at most drain_s.
    std::optional<std::string> report = read_line(
        load.stdout_fd, std::chrono::milliseconds(std::llround((cfg.drain_s + 10) * 1000)));
    if (report) {
      auto kv = parse_summary(*report);
      r.load_rate_bps = num(kv, "rate_bps_per_conn");
      r.load_late = static_cast<std::uint64_t>(num(kv, "late"));
      r.load_late_p50_ms = num(kv, "late_p50_ms");
      r.load_late_p99_ms = num(kv, "late_p99_ms");
      r.load_lines_due = static_cast<std::uint64_t>(num(kv, "lines_due"));
      r.load_cpu_pct = num(kv, "cpu_pct");
      r.load_bytes_received = static_cast<std::uint64_t>(num(kv, "bytes_received"));
      r.load_runq_wait_pct = num(kv, "runq_wait_pct");
      r.load_window_s = num(kv, "window_s");
      r.fanout_expected = static_cast<std::uint64_t>(num(kv, "fanout_expected"));
      r.fanout_received = static_cast<std::uint64_t>(num(kv, "fanout_received"));
      r.fanout_duplicates = static_cast<std::uint64_t>(num(kv, "fanout_duplicates"));
      r.fanout_p50_ms = num(kv, "fanout_p50_ms");
      r.fanout_p90_ms = num(kv, "fanout_p90_ms");
      r.fanout_p99_ms = num(kv, "fanout_p99_ms");
      r.fanout_max_ms = num(kv, "fanout_max_ms");
      if (!kv["error"].empty()) r.error = "load: " + kv["error"];
      // A generator that fell behind drove the server with less than the rate asked for: the
      // point does not measure the experiment (it stays in the CSV, marked).
      const double target = load::parse_rate_bps(cfg.rate).value_or(0);
      if (r.error.empty() && r.load_rate_bps < 0.95 * target) {
        r.error =
            fmt::format("the load generator fell behind: {:.3f} of {:.3f} Mbit/s per connection",
                        r.load_rate_bps / 1e6, target / 1e6);
      }
      // Half the sends more than 1 ms late: lines went out bunched, several per wake-up of the
      // server, which makes the server cheaper than at the constant rate the experiment asks for.
      if (r.error.empty() && r.fanout_received < r.fanout_expected) {
        r.error = fmt::format("{} of {} fan-out deliveries never arrived",
                              r.fanout_expected - r.fanout_received, r.fanout_expected);
      }
      if (r.error.empty() && r.load_late_p50_ms > 1.0) {
        r.error = fmt::format("the load generator ran late (median {:.1f} ms): lines were bunched",
                              r.load_late_p50_ms);
      }
    } else {
      r.error = "the load generator gave no report";
    }
  }
  if (load.pid > 0) stop_group(load.pid, std::chrono::seconds(5));
  if (load.stdout_fd >= 0) ::close(load.stdout_fd);
  if (server.pid > 0) stop_group(server.pid, std::chrono::seconds(5));
}

}  // namespace

PointResult run_point(const CpuBenchConfig& cfg, const std::string& design, int connections,
                      int repeat, const std::string& scratch) {
  Running run = launch(cfg, design, connections, repeat, scratch);
  if (run.ramped) {
    std::this_thread::sleep_for(std::chrono::duration<double>(cfg.warmup_s));
    sample(cfg, {run.server.pid}, {run.load.pid}, {&run.r});
  }
  finish(cfg, run, run.ramped);
  return run.r;
}

std::vector<PointResult> run_paired_point(const CpuBenchConfig& cfg, const std::string& a,
                                          const std::string& b, int connections, int repeat,
                                          const std::string& scratch) {
  std::filesystem::create_directories(scratch + "/a");
  std::filesystem::create_directories(scratch + "/b");
  Running ra = launch(cfg, a, connections, repeat, scratch + "/a");
  Running rb = launch(cfg, b, connections, repeat, scratch + "/b");
  const bool both = ra.ramped && rb.ramped;
  if (both) {
    std::this_thread::sleep_for(std::chrono::duration<double>(cfg.warmup_s));
    sample(cfg, {ra.server.pid, rb.server.pid}, {ra.load.pid, rb.load.pid}, {&ra.r, &rb.r});
  } else {
    // A pair is measured together or not at all: alone, the other is an ordinary point.
    if (ra.r.error.empty()) ra.r.error = "not measured: its pair " + b + " failed: " + rb.r.error;
    if (rb.r.error.empty()) rb.r.error = "not measured: its pair " + a + " failed: " + ra.r.error;
  }
  finish(cfg, ra, both);
  finish(cfg, rb, both);
  ra.r.paired_with = b;
  rb.r.paired_with = a;
  return {ra.r, rb.r};
}

std::vector<PointResult> run_cpu_bench(const CpuBenchConfig& cfg,
                                       const std::function<void(const PointResult&)>& progress) {
  std::vector<PointResult> results;
  const std::string scratch = cfg.out_dir + "/scratch";
  std::filesystem::create_directories(scratch);
  if (cfg.pin) (void)pin_self(helper_core);  // the sampler, and the load it forks
  for (int n : cfg.connections) {
    for (int rep = 1; rep <= cfg.repeat; ++rep) {
      if (cfg.paired) {
        // The two at once; which starts first alternates by round (the first's idle memory is
        // taken before the second starts, the second's with the first loaded).
        const bool swap = rep % 2 == 0;
        const std::string& first = cfg.designs.at(swap ? 1 : 0);
        const std::string& second = cfg.designs.at(swap ? 0 : 1);
        for (PointResult& r : run_paired_point(cfg, first, second, n, rep, scratch)) {
          results.push_back(std::move(r));
          if (progress) progress(results.back());
        }
        continue;
      }
      for (const std::string& d : cfg.designs) {
        results.push_back(run_point(cfg, d, n, rep, scratch));
        if (progress) progress(results.back());
      }
    }
  }
  return results;
}

}  // namespace papaya::real::bench
