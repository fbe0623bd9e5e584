#include "real/bench/line_bench.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "real/bench/cpu_bench.hpp"
#include "real/bench/line_clients.hpp"
#include "real/bench/spawn.hpp"
#include "real/load/latency_histogram.hpp"
#include "real/sampler/stats.hpp"
#include "real/sampler/tree_sampler.hpp"

namespace papaya::real::bench {

namespace {

constexpr int server_core = 0;
constexpr int client_core = 1;
constexpr auto line_timeout = std::chrono::seconds(5);

// The bench's own throwaway key, 0600 as key files must be (as `papaya bench cpu` writes it).
bool write_key(const std::string& path) {
  const std::string text = std::string(128, 'b') + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fchmod(fd, 0600);
  ::close(fd);
  return ok;
}

// clock_gettime(2): "CLOCK_PROCESS_CPUTIME_ID ... Per-process CPU-time clock (measures CPU time
// consumed by all threads in the process)."
double own_cpu_us() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// The server's command line exactly as `papaya bench cpu --workload chat` starts it.
ServerCommand chat_server(const LineBenchConfig& cfg, const std::string& design, int port,
                          const std::string& scratch) {
  CpuBenchConfig c;
  c.workload = "chat";
  c.papaya_exe = cfg.papaya_exe;
  c.peers_dir = cfg.peers_dir;
  return server_command(c, design, port, scratch);
}

// The measured part of a point: warm-up lines, then `lines` lines one at a time under the
// sampler. Fills `r`; sets r.error on the first failure.
void measure(const LineBenchConfig& cfg, LineClients& clients, pid_t server, LineResult& r) {
  const int n = clients.connections();
  for (int i = 0; i < cfg.warmup_lines; ++i) {
    if (!clients.one_line(i % n, line_timeout)) {
      r.error = "warm-up: " + clients.error();
      return;
    }
  }
  clients.restart();
  sampler::SamplerConfig sc;
  sc.server_root = server;
  if (cfg.pin) {
    sc.server_core = server_core;
    sc.helper_core = client_core;
  }
  sampler::TreeSampler ts(sc);
  load::LatencyHistogram per_line;
  const auto gap = std::chrono::duration<double, std::milli>(cfg.gap_ms);
  ts.start();
  // Wall time and the clients' CPU are taken around the lines only: the sampler's scans of
  // /proc (every process on the machine, to find the tree) would add to both.
  const auto t0 = std::chrono::steady_clock::now();
  const double client0 = own_cpu_us();
  for (int i = 0; i < cfg.lines; ++i) {
    std::optional<std::uint64_t> ns = clients.one_line(i % n, line_timeout);
    if (!ns) {
      r.error = fmt::format("line {}: {}", i + 1, clients.error());
      return;
    }
    per_line.add_us(*ns / 1000);
    if (cfg.gap_ms > 0) std::this_thread::sleep_for(gap);
  }
  r.client_cpu_us = own_cpu_us() - client0;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const sampler::Interval iv = ts.sample();
  const load::FanoutTracker& t = clients.tracker();
  r.lines = static_cast<std::uint64_t>(cfg.lines);
  r.deliveries = t.received();
  r.duplicates = t.duplicates();
  r.reordered = t.reordered();
  r.processes = iv.processes;
  r.server_cpu_us = iv.server_pct / 100 * iv.seconds * 1e6;
  r.other_pct = iv.other_pct;
  r.line_p50_us = static_cast<double>(per_line.percentile_us(0.50));
  r.line_p99_us = static_cast<double>(per_line.percentile_us(0.99));
  r.line_max_us = static_cast<double>(per_line.max_us());
  r.delivery_p50_us = static_cast<double>(t.latency().percentile_us(0.50));
  r.delivery_p99_us = static_cast<double>(t.latency().percentile_us(0.99));
  if (r.deliveries != r.lines * static_cast<std::uint64_t>(n - 1) || r.duplicates != 0 ||
      r.reordered != 0) {
    r.error = fmt::format("{} deliveries of {}, {} duplicates, {} reordered", r.deliveries,
                          r.lines * static_cast<std::uint64_t>(n - 1), r.duplicates, r.reordered);
  }
}

}  // namespace

double LineResult::cpu_us_per_line() const {
  return lines == 0 ? 0 : server_cpu_us / static_cast<double>(lines);
}

double LineResult::cpu_us_per_delivery() const {
  return deliveries == 0 ? 0 : server_cpu_us / static_cast<double>(deliveries);
}

LineResult run_line_point(const LineBenchConfig& cfg, const std::string& design, int connections,
                          int repeat, const std::string& scratch) {
  LineResult r;
  r.design = design;
  r.connections = connections;
  r.repeat = repeat;
  std::filesystem::remove(scratch + "/chat.log");  // a fresh log: no history from other points
  if (!write_key(scratch + "/key")) {
    r.error = "cannot write " + scratch + "/key";
    return r;
  }
  std::optional<int> port = free_port();
  ServerCommand sc = chat_server(cfg, design, port.value_or(0), scratch);
  if (!sc.error.empty() || !port) {
    r.error = port ? sc.error : "no free port";
    return r;
  }
  const std::string log_dir = cfg.out_dir + "/logs";
  std::filesystem::create_directories(log_dir);
  const std::string server_log =
      fmt::format("{}/line-{}-{}-{}.server.txt", log_dir, design, connections, repeat);
  Spawned server = spawn({sc.argv, sc.stdout_path, server_log, false,
                          cfg.pin ? std::optional<int>(server_core) : std::nullopt, true});
  if (server.pid < 0) {
    r.error = server.error;
    return r;
  }
  if (!wait_listening(*port, std::chrono::seconds(15), server.pid)) {
    r.error = "the server did not listen (exited, or not within 15 s): see " + server_log;
    stop_group(server.pid, std::chrono::seconds(2));
    return r;
  }
  // wait_listening's probe made a fork-per-client server fork a child; it has ended long before
  // the measured lines (the join and the warm-up come first), and the sampler counts only the
  // tree of the measured interval.
  {
    load::LoadOptions o;
    o.port = static_cast<std::uint16_t>(*port);
    o.plan.connections = connections;
    o.plan.line_bytes = static_cast<std::size_t>(cfg.line_bytes);
    o.key = std::string(128, 'b');
    o.user = "line";
    LineClients clients(o);
    if (!clients.error().empty() || !clients.join(std::chrono::seconds(10))) {
      r.error = clients.error();
    } else {
      measure(cfg, clients, server.pid, r);
    }
  }  // the clients close here, before the server is stopped
  stop_group(server.pid, std::chrono::seconds(5));
  return r;
}

std::vector<LineResult> run_line_bench(const LineBenchConfig& cfg,
                                       const std::function<void(const LineResult&)>& progress) {
  std::vector<LineResult> results;
  const std::string scratch = cfg.out_dir + "/scratch";
  std::filesystem::create_directories(scratch);
  if (cfg.pin) (void)pin_self(client_core);  // the clients and the sampler
  for (int n : cfg.connections) {
    for (int rep = 1; rep <= cfg.repeat; ++rep) {
      for (const std::string& d : cfg.designs) {
        results.push_back(run_line_point(cfg, d, n, rep, scratch));
        if (progress) progress(results.back());
      }
    }
  }
  return results;
}

std::string line_csv_header() {
  return "design,connections,repeat,lines,deliveries,duplicates,reordered,processes,wall_s,"
         "server_cpu_us,cpu_us_per_line,cpu_us_per_delivery,client_cpu_us,other_pct,"
         "line_p50_us,line_p99_us,line_max_us,delivery_p50_us,delivery_p99_us,error\n";
}

std::string line_csv_row(const LineResult& r) {
  std::string err = r.error;
  std::replace(err.begin(), err.end(), ',', ';');
  std::replace(err.begin(), err.end(), '\n', ' ');
  return fmt::format(
      "{},{},{},{},{},{},{},{},{:.3f},{:.0f},{:.2f},{:.3f},{:.0f},{:.1f},{:.0f},{:.0f},{:.0f},"
      "{:.0f},{:.0f},{}\n",
      r.design, r.connections, r.repeat, r.lines, r.deliveries, r.duplicates, r.reordered,
      r.processes, r.wall_s, r.server_cpu_us, r.cpu_us_per_line(), r.cpu_us_per_delivery(),
      r.client_cpu_us, r.other_pct, r.line_p50_us, r.line_p99_us, r.line_max_us, r.delivery_p50_us,
      r.delivery_p99_us, err);
}

namespace {

// "median (min-max)" of `xs` with `digits` decimals; "-" when empty.
std::string spread(std::vector<double> xs, int digits) {
  if (xs.empty()) return "-";
  const auto [lo, hi] = std::minmax_element(xs.begin(), xs.end());
  if (xs.size() == 1) return fmt::format("{:.{}f}", xs[0], digits);
  return fmt::format("{:.{}f} ({:.{}f}-{:.{}f})", sampler::median(xs), digits, *lo, digits, *hi,
                     digits);
}

}  // namespace

std::string line_table(const std::vector<LineResult>& results) {
  std::vector<int> ns;
  std::vector<std::string> designs;
  for (const LineResult& r : results) {
    if (std::find(ns.begin(), ns.end(), r.connections) == ns.end()) ns.push_back(r.connections);
    if (std::find(designs.begin(), designs.end(), r.design) == designs.end())
      designs.push_back(r.design);
  }
  // CPU per line of `process` in the same (N, round): the per-round ratios' denominators.
  std::map<std::pair<int, int>, double> process_cpu;
  for (const LineResult& r : results)
    if (r.design == "process" && r.error.empty())
      process_cpu[{r.connections, r.repeat}] = r.cpu_us_per_line();
  std::string out =
      "| N | design | rounds | server CPU per sent line, us | per delivered line, us | "
      "x process (per round) | latency to all, p50 us | p99 us | per delivery p50 us | "
      "processes | others' use, % |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (int n : ns) {
    for (const std::string& d : designs) {
      std::vector<double> line, delivery, ratio, p50, p99, dp50, others;
      int failed = 0, processes = 0;
      for (const LineResult& r : results) {
        if (r.connections != n || r.design != d) continue;
        if (!r.error.empty()) {
          ++failed;
          continue;
        }
        line.push_back(r.cpu_us_per_line());
        delivery.push_back(r.cpu_us_per_delivery());
        p50.push_back(r.line_p50_us);
        p99.push_back(r.line_p99_us);
        dp50.push_back(r.delivery_p50_us);
        others.push_back(r.other_pct);
        processes = r.processes;
        auto it = process_cpu.find({n, r.repeat});
        if (it != process_cpu.end() && it->second > 0)
          ratio.push_back(r.cpu_us_per_line() / it->second);
      }
      out += fmt::format("| {} | {} | {}{} | {} | {} | {} | {} | {} | {} | {} | {} |\n", n, d,
                         line.size(), failed ? fmt::format(" ({} failed)", failed) : "",
                         spread(line, 1), spread(delivery, 1), spread(ratio, 2), spread(p50, 0),
                         spread(p99, 0), spread(dp50, 0),
                         line.empty() ? "-" : fmt::format("{}", processes), spread(others, 0));
    }
  }
  return out;
}

}  // namespace papaya::real::bench
