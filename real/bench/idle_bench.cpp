#include "real/bench/idle_bench.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "real/bench/spawn.hpp"
#include "real/sampler/proc_tree.hpp"
#include "real/sampler/tree_sampler.hpp"

namespace papaya::real::bench {

namespace {

using Clock = std::chrono::steady_clock;

// The tree's size steady over three looks 200 ms apart (at most `most`): forked children of
// the last connections have started, or ended.
int settle_tree(pid_t root, std::chrono::seconds most) {
  const auto end = Clock::now() + most;
  size_t steady = 0, last = 0;
  while (steady < 3 && Clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    size_t size = sampler::process_tree(root).size();
    steady = size == last ? steady + 1 : 0;
    last = size;
  }
  return static_cast<int>(last);
}

}  // namespace

IdleResult run_idle_point(const CpuBenchConfig& cfg, const std::string& design, int connections,
                          const std::string& scratch) {
  IdleResult r;
  r.design = design;
  r.workload = cfg.workload;
  r.connections = connections;
  std::filesystem::remove(scratch + "/chat.log");
  std::optional<int> port = free_port();
  CpuBenchConfig server_cfg = cfg;
  server_cfg.max_clients = std::max(cfg.max_clients, connections + 16);
  ServerCommand sc = server_command(server_cfg, design, port.value_or(0), scratch);
  if (!sc.error.empty() || !port) {
    r.error = port ? sc.error : "no free port";
    return r;
  }
  const std::string log_dir = cfg.out_dir + "/logs";
  std::filesystem::create_directories(log_dir);
  const std::string tag = fmt::format("idle-{}-{}-{}", cfg.workload, design, connections);
  Spawned server = spawn({sc.argv, sc.stdout_path, log_dir + "/" + tag + ".server.txt", false,
                          std::nullopt, cfg.own_sessions});
  if (server.pid < 0) {
    r.error = server.error;
    return r;
  }
  if (!wait_listening(*port, std::chrono::seconds(15), server.pid)) {
    r.error = "the server did not listen (see " + log_dir + "/" + tag + ".server.txt)";
    stop_group(server.pid, std::chrono::seconds(2));
    return r;
  }
  (void)settle_tree(server.pid, std::chrono::seconds(3));
  r.pss_idle_kib = sampler::tree_pss_kib(server.pid);
  const std::uint64_t anon_idle = sampler::tree_anon_pss_kib(server.pid);
  const std::uint64_t kernel_idle = sampler::kernel_share_kib().value_or(0);
  // 2 ms per connection (fork-per-client servers fork one or two processes per connect); on a
  // busy machine a forking server accepts far slower, so the wait for "ramped" allows 15 min more.
  const double ramp_s = std::max(1.0, connections * 0.002);
  std::vector<std::string> load_argv{cfg.papaya_exe,
                                     "load",
                                     "--idle",
                                     "--host",
                                     "127.0.0.1",
                                     "--port",
                                     std::to_string(*port),
                                     "--connections",
                                     std::to_string(connections),
                                     "--ramp",
                                     fmt::format("{}", ramp_s),
                                     "--seconds",
                                     fmt::format("{}", cfg.seconds + 120)};
  if (cfg.workload == "chat") load_argv.insert(load_argv.end(), {"--key-file", scratch + "/key"});
  const auto t0 = Clock::now();
  Spawned load = spawn(
      {load_argv, "", log_dir + "/" + tag + ".load.txt", true, std::nullopt, cfg.own_sessions});
  std::optional<std::string> ramped =
      load.pid > 0
          ? read_line(load.stdout_fd,
                      std::chrono::milliseconds(static_cast<int>((ramp_s * 3 + 900) * 1000)))
          : std::nullopt;
  r.ramp_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (ramped && *ramped == "ramped") {
    r.processes = settle_tree(server.pid, std::chrono::seconds(30));
    sampler::SamplerConfig scfg;
    scfg.server_root = server.pid;
    scfg.helpers = {load.pid};
    sampler::TreeSampler ts(scfg);
    ts.start();
    const int intervals = std::max(2, static_cast<int>(cfg.seconds * 2));
    double sum = 0;
    auto next = Clock::now();
    for (int i = 0; i < intervals; ++i) {
      next += std::chrono::milliseconds(500);
      std::this_thread::sleep_until(next);
      sampler::Interval iv = ts.sample();
      sum += iv.server_pct;
      r.cpu_pct_max = std::max(r.cpu_pct_max, iv.server_pct);
    }
    r.cpu_pct_mean = sum / intervals;
    r.pss_loaded_kib = sampler::tree_pss_kib(server.pid);
    const std::uint64_t kernel_loaded = sampler::kernel_share_kib().value_or(0);
    r.pss_per_conn_kib =
        (static_cast<double>(r.pss_loaded_kib) - static_cast<double>(r.pss_idle_kib)) / connections;
    r.anon_per_conn_kib = (static_cast<double>(sampler::tree_anon_pss_kib(server.pid)) -
                           static_cast<double>(anon_idle)) /
                          connections;
    r.kernel_per_conn_kib =
        (static_cast<double>(kernel_loaded) - static_cast<double>(kernel_idle)) / connections;
    ::kill(load.pid, SIGTERM);
  }
  // The report (or the generator's error: a refused or reset connection at some count).
  std::optional<std::string> report =
      load.pid > 0 ? read_line(load.stdout_fd, std::chrono::seconds(30)) : std::nullopt;
  if (report && report->rfind("connections=", 0) != 0)
    report = read_line(load.stdout_fd, std::chrono::seconds(30));
  if (report) {
    size_t at = report->find("connections=");
    if (at != std::string::npos) r.held = std::atoi(report->c_str() + at + 12);
    size_t e = report->find("error=\"");
    if (e != std::string::npos && (*report)[e + 7] != '"')
      r.error = "load: " + report->substr(e + 7, report->size() - e - 8);
  } else {
    r.error = "the load generator gave no report (see " + log_dir + "/" + tag + ".load.txt)";
  }
  if (r.error.empty() && r.held < connections)
    r.error = fmt::format("only {} of {} connections held", r.held, connections);
  if (load.pid > 0) stop_group(load.pid, std::chrono::seconds(10));
  if (load.stdout_fd >= 0) ::close(load.stdout_fd);
  stop_group(server.pid, std::chrono::seconds(30));
  return r;
}

std::string idle_csv_header() {
  return "design,workload,connections,held,processes,ramp_s,cpu_pct_mean,cpu_pct_max,"
         "pss_idle_kib,pss_loaded_kib,pss_per_conn_kib,kernel_per_conn_kib,anon_per_conn_kib,"
         "error\n";
}

std::string idle_csv_row(const IdleResult& r) {
  std::string err = r.error;
  std::replace(err.begin(), err.end(), ',', ';');
  return fmt::format("{},{},{},{},{},{:.1f},{:.3f},{:.3f},{},{},{:.1f},{:.1f},{:.1f},{}\n",
                     r.design, r.workload, r.connections, r.held, r.processes, r.ramp_s,
                     r.cpu_pct_mean, r.cpu_pct_max, r.pss_idle_kib, r.pss_loaded_kib,
                     r.pss_per_conn_kib, r.kernel_per_conn_kib, r.anon_per_conn_kib, err);
}

}  // namespace papaya::real::bench
