// `papaya bench cpu`: the paper's experiment (real/bench/cpu_bench.hpp), written out by
// real/bench/report.hpp. docs/results.md is the user's guide and holds the figures.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/command.hpp"
#include "real/bench/cpu_bench.hpp"
#include "real/bench/idle_bench.hpp"
#include "real/bench/line_bench.hpp"
#include "real/bench/report.hpp"
#include "real/bench/spawn.hpp"

namespace papaya::cli {

namespace {

// The designs a workload offers, when --designs is not given: the sink is the paper's server
// (papaya's two designs and the peers), chat is papaya's protocol.
std::string default_designs(const std::string& workload) {
  return workload == "chat" ? "process,fiber,go" : "process,fiber,c,go,go-raw";
}

struct BenchArgs {
  std::string designs;  // empty: default_designs(workload)
  std::string workload = "sink";
  std::string connections = "1,2,4,8,16,32,64";
  double seconds = 60;
  double max_extend = 1;
  int repeat = 1;
  bool pin = false;
  bool paired = false;
  bool shared_session = false;
  std::string out = "bench-out";
  std::string rate;    // empty: 1Mbps (sink), 10kbps (chat)
  int line_bytes = 0;  // 0: 1460 (sink), 128 (chat)
  double drain_s = 3;
};

int usage(const std::string& message) {
  std::fprintf(stderr, "papaya bench: %s\n", message.c_str());
  return exit_usage;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

// Builds the peers with bench/peers/build.sh (next to the build directory's source tree) when a
// design needs one that is missing.
void build_peers_if_missing(const real::bench::CpuBenchConfig& cfg) {
  bool missing = false;
  for (const std::string& d : cfg.designs) {
    if (d == "process") continue;
    real::bench::ServerCommand c = real::bench::server_command(cfg, d, 1, "/tmp");
    missing |= !c.error.empty() && c.error.find("not built") != std::string::npos;
  }
  if (!missing) return;
  // The binary lives in build/ or build/<preset>/ of the source tree: look up from there.
  std::filesystem::path script;
  for (std::filesystem::path dir = std::filesystem::path(cfg.papaya_exe).parent_path();
       !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "bench/peers/build.sh")) {
      script = dir / "bench/peers/build.sh";
      break;
    }
  }
  if (script.empty()) {
    std::fprintf(stderr, "papaya bench: peers missing and bench/peers/build.sh not found\n");
    return;
  }
  std::string cmd = "'" + script.string() + "' '" + cfg.peers_dir + "' >&2";
  std::fprintf(stderr, "papaya bench: building peers: %s\n", cmd.c_str());
  (void)std::system(cmd.c_str());
}

int run_bench_cpu(const BenchArgs& a) {
  real::bench::CpuBenchConfig cfg;
  cfg.designs = split(a.designs.empty() ? default_designs(a.workload) : a.designs);
  for (const std::string& d : cfg.designs) {
    if (d != "process" && d != "fiber" && d != "c" && d != "go" && d != "go-raw")
      return usage("--designs: unknown design '" + d + "' (process, fiber, c, go, go-raw)");
  }
  if (a.paired && (cfg.designs.size() != 2 || cfg.designs[0] == cfg.designs[1]))
    return usage("--paired: expected exactly two different designs in --designs, like process,c");
  cfg.connections.clear();
  for (const std::string& n : split(a.connections)) {
    char* end = nullptr;
    long v = std::strtol(n.c_str(), &end, 10);
    if (n.empty() || *end != '\0' || v < 1 || v > 4096)
      return usage("--connections: expected a list like 1,2,4 of counts 1..4096, got '" + n + "'");
    cfg.connections.push_back(static_cast<int>(v));
  }
  if (!(a.seconds >= 1)) return usage("--seconds: at least 1");
  if (!(a.drain_s >= 0) || a.drain_s > 3600) return usage("--drain: expected 0 <= T <= 3600");
  if (a.pin && real::bench::online_cores() < 2) return usage("--pin needs at least 2 online cores");
  cfg.workload = a.workload;
  cfg.seconds = a.seconds;
  cfg.max_extend = a.max_extend;
  cfg.drain_s = a.drain_s;
  cfg.repeat = a.repeat;
  cfg.pin = a.pin;
  cfg.paired = a.paired;
  cfg.own_sessions = !a.shared_session;
  // Chat: every line goes to every client, so the server's output is N x N x the rate: 1 Mbit/s
  // per client would be 4 Gbit/s at N=64. 10 kbit/s of 128-byte lines is ~10 lines a second per
  // client (a busy chat), 40,000 deliveries a second at N=64.
  const bool chat = a.workload == "chat";
  cfg.rate = !a.rate.empty() ? a.rate : chat ? "10kbps" : "1Mbps";
  cfg.line_bytes = a.line_bytes > 0 ? a.line_bytes : chat ? 128 : 1460;
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) return usage("--out: cannot create " + a.out + ": " + ec.message());
  cfg.out_dir = std::filesystem::absolute(a.out).string();
  cfg.papaya_exe = real::bench::self_exe();
  cfg.peers_dir = (std::filesystem::path(cfg.papaya_exe).parent_path() / "peers").string();
  build_peers_if_missing(cfg);
  int failed = 0;
  auto results = real::bench::run_cpu_bench(cfg, [&](const real::bench::PointResult& r) {
    if (!r.error.empty()) {
      ++failed;
      std::fprintf(stderr, "papaya bench: %s N=%d #%d: %s\n", r.design.c_str(), r.connections,
                   r.repeat, r.error.c_str());
      return;
    }
    std::fprintf(
        stderr,
        "papaya bench: %-7s N=%-4d #%d  cpu %.2f%% (cv %.3f, %zu quiet of %d; all: %.2f%%)  "
        "anon/conn %.0f KiB (pss %.0f)  load %.3f Mbit/s/conn, %llu late of %llu, waited "
        "%.0f%%%s\n",
        r.design.c_str(), r.connections, r.repeat, r.kept.mean, r.kept.cv, r.kept.n, r.intervals,
        r.all.mean, r.anon_per_conn_kib, r.pss_per_conn_kib, r.load_rate_bps / 1e6,
        static_cast<unsigned long long>(r.load_late),
        static_cast<unsigned long long>(r.load_lines_due), r.load_runq_wait_pct,
        r.workload != "chat"
            ? ""
            : fmt::format("  fan-out p50/p90/p99/max {:.2f}/{:.2f}/{:.2f}/{:.2f} ms, {} of {}",
                          r.fanout_p50_ms, r.fanout_p90_ms, r.fanout_p99_ms, r.fanout_max_ms,
                          r.fanout_received, r.fanout_expected)
                  .c_str());
  });
  std::string note = real::bench::write_outputs(cfg.out_dir, results);
  std::fprintf(stderr, "papaya bench: wrote %s/results.csv, results.md; %s\n", cfg.out_dir.c_str(),
               note.c_str());
  return failed == 0 ? exit_ok : exit_failure;
}

struct IdleArgs {
  std::string designs;  // empty: default_designs(workload)
  std::string workload = "sink";
  std::string connections = "1000,10000";
  double seconds = 10;
  std::string out = "bench-idle";
};

int run_bench_idle(const IdleArgs& a) {
  real::bench::CpuBenchConfig cfg;
  cfg.designs = split(a.designs.empty() ? default_designs(a.workload) : a.designs);
  for (const std::string& d : cfg.designs) {
    if (d != "process" && d != "fiber" && d != "c" && d != "go" && d != "go-raw")
      return usage("--designs: unknown design '" + d + "' (process, fiber, c, go, go-raw)");
  }
  std::vector<int> counts;
  for (const std::string& n : split(a.connections)) {
    char* end = nullptr;
    long v = std::strtol(n.c_str(), &end, 10);
    if (n.empty() || *end != '\0' || v < 1 || v > 100000)
      return usage("--connections: expected a list like 100,1000 of counts 1..100000, got '" + n +
                   "'");
    counts.push_back(static_cast<int>(v));
  }
  if (!(a.seconds >= 1) || a.seconds > 3600) return usage("--seconds: 1 to 3600");
  cfg.workload = a.workload;
  cfg.seconds = a.seconds;
  std::error_code ec;
  std::filesystem::create_directories(a.out + "/scratch", ec);
  if (ec) return usage("--out: cannot create " + a.out + ": " + ec.message());
  cfg.out_dir = std::filesystem::absolute(a.out).string();
  cfg.papaya_exe = real::bench::self_exe();
  cfg.peers_dir = (std::filesystem::path(cfg.papaya_exe).parent_path() / "peers").string();
  build_peers_if_missing(cfg);
  const std::string scratch = cfg.out_dir + "/scratch";
  {
    std::ofstream key(scratch + "/key");
    key << std::string(128, 'b') << "\n";
  }
  std::filesystem::permissions(
      scratch + "/key", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ofstream csv(cfg.out_dir + "/idle.csv");
  csv << real::bench::idle_csv_header();
  int failed = 0;
  for (int n : counts) {
    for (const std::string& d : cfg.designs) {
      real::bench::IdleResult r = real::bench::run_idle_point(cfg, d, n, scratch);
      csv << real::bench::idle_csv_row(r) << std::flush;
      failed += r.error.empty() ? 0 : 1;
      std::fprintf(stderr,
                   "papaya bench idle: %-7s %s N=%-6d held %d, %d processes, ramp %.1f s, cpu "
                   "%.3f%% (max %.3f%%), anon/conn %.1f KiB (pss %.1f), kernel/conn %.1f KiB%s%s\n",
                   d.c_str(), r.workload.c_str(), n, r.held, r.processes, r.ramp_s, r.cpu_pct_mean,
                   r.cpu_pct_max, r.anon_per_conn_kib, r.pss_per_conn_kib, r.kernel_per_conn_kib,
                   r.error.empty() ? "" : "; ", r.error.c_str());
    }
  }
  std::fprintf(stderr, "papaya bench idle: wrote %s/idle.csv\n", cfg.out_dir.c_str());
  return failed == 0 ? exit_ok : exit_failure;
}

struct LineArgs {
  std::string designs = "process,fiber,go";
  std::string connections = "2,16";
  int lines = 2000;
  int warmup_lines = 100;
  double gap_ms = 1;
  int line_bytes = 128;
  int repeat = 3;
  bool pin = false;
  std::string out = "bench-line";
};

int run_bench_line(const LineArgs& a) {
  real::bench::LineBenchConfig cfg;
  cfg.designs = split(a.designs);
  for (const std::string& d : cfg.designs) {
    if (d != "process" && d != "fiber" && d != "go")
      return usage("--designs: unknown chat design '" + d + "' (process, fiber, go)");
  }
  cfg.connections.clear();
  for (const std::string& n : split(a.connections)) {
    char* end = nullptr;
    long v = std::strtol(n.c_str(), &end, 10);
    if (n.empty() || *end != '\0' || v < 2 || v > 1024)
      return usage("--connections: expected a list like 2,16 of counts 2..1024, got '" + n + "'");
    cfg.connections.push_back(static_cast<int>(v));
  }
  if (a.pin && real::bench::online_cores() < 2) return usage("--pin needs at least 2 online cores");
  cfg.lines = a.lines;
  cfg.warmup_lines = a.warmup_lines;
  cfg.gap_ms = a.gap_ms;
  cfg.line_bytes = a.line_bytes;
  cfg.repeat = a.repeat;
  cfg.pin = a.pin;
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) return usage("--out: cannot create " + a.out + ": " + ec.message());
  cfg.out_dir = std::filesystem::absolute(a.out).string();
  cfg.papaya_exe = real::bench::self_exe();
  cfg.peers_dir = (std::filesystem::path(cfg.papaya_exe).parent_path() / "peers").string();
  {
    real::bench::CpuBenchConfig peers;
    peers.workload = "chat";
    peers.designs = cfg.designs;
    peers.papaya_exe = cfg.papaya_exe;
    peers.peers_dir = cfg.peers_dir;
    build_peers_if_missing(peers);
  }
  std::ofstream csv(cfg.out_dir + "/line.csv");
  csv << real::bench::line_csv_header();
  int failed = 0;
  auto results = real::bench::run_line_bench(cfg, [&](const real::bench::LineResult& r) {
    csv << real::bench::line_csv_row(r) << std::flush;
    if (!r.error.empty()) {
      ++failed;
      std::fprintf(stderr, "papaya bench line: %s N=%d #%d: %s\n", r.design.c_str(), r.connections,
                   r.repeat, r.error.c_str());
      return;
    }
    std::fprintf(stderr,
                 "papaya bench line: %-7s N=%-4d #%d  %llu lines in %.1f s: server CPU %.1f us "
                 "per line, %.1f us per delivery; latency to all p50/p99 %.0f/%.0f us; "
                 "others used %.0f%% of a core\n",
                 r.design.c_str(), r.connections, r.repeat,
                 static_cast<unsigned long long>(r.lines), r.wall_s, r.cpu_us_per_line(),
                 r.cpu_us_per_delivery(), r.line_p50_us, r.line_p99_us, r.other_pct);
  });
  std::ofstream md(cfg.out_dir + "/line.md");
  md << fmt::format(
      "# papaya bench line\n\nOne chat line at a time, each from the next client in turn, sent "
      "once every client has the previous one: {} measured lines after {} warm-up lines, "
      "{}-byte lines, {} ms idle after each line, {} round(s), designs interleaved, {}. Server "
      "CPU: the whole tree's on-CPU time (schedstat). Medians over rounds (min-max).\n\n",
      cfg.lines, cfg.warmup_lines, cfg.line_bytes, cfg.gap_ms, cfg.repeat,
      cfg.pin ? "server pinned to core 0, clients and sampler to core 1" : "unpinned");
  md << real::bench::line_table(results);
  std::fprintf(stderr, "papaya bench line: wrote %s/line.csv, line.md\n", cfg.out_dir.c_str());
  return failed == 0 ? exit_ok : exit_failure;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  CLI::App* bench =
      app.add_subcommand("bench", "Measure servers on this machine (docs/results.md)");
  bench->require_subcommand(1);
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cpu = bench->add_subcommand(
      "cpu", "The paper's experiment: server CPU at N connections x 1 Mbit/s, per design");
  cpu->add_option("--designs", args->designs,
                  "Comma list of process, fiber, c, go, go-raw (default: process,fiber,c,go,go-raw "
                  "for the sink, process,fiber,go for chat)");
  cpu->add_option("--workload", args->workload, "sink (the paper's server) or chat")
      ->check(CLI::IsMember({"sink", "chat"}))
      ->capture_default_str();
  cpu->add_option("--connections", args->connections, "Comma list of connection counts")
      ->capture_default_str();
  cpu->add_option("--seconds", args->seconds, "Seconds sampled per point")->capture_default_str();
  cpu->add_option("--max-extend", args->max_extend,
                  "Keep sampling up to seconds x this until `seconds` of quiet intervals")
      ->check(CLI::Range(1.0, 10.0))
      ->capture_default_str();
  cpu->add_option("--repeat", args->repeat, "Rounds per connection count (designs interleaved)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cpu->add_flag("--pin", args->pin, "Server on core 0; load generator and sampler on core 1");
  cpu->add_flag("--paired", args->paired,
                "Run the two --designs at once, each server with its own load generator, both "
                "sampled in the same intervals: a host slowdown hits both alike, so their ratio "
                "holds where rounds apart differ (servers share one core: keep the sum under it)");
  cpu->add_flag("--shared-session", args->shared_session,
                "Keep server and load in papaya's session (one scheduler autogroup): the "
                "set-up that starved the load generator (docs/results.md), for comparison");
  cpu->add_option("--rate", args->rate, "Per-connection rate (default 1Mbps; chat: 10kbps)");
  cpu->add_option("--line-bytes", args->line_bytes,
                  "Bytes per line, newline included (default 1460; chat: 128)")
      ->check(CLI::Range(2, 4096));
  cpu->add_option("--drain", args->drain_s,
                  "Chat: seconds the load generator keeps reading after the window for lines on "
                  "their way; a delivery still missing then rejects the point (overload: a short "
                  "window and a long drain tell a lost line from a late one)")
      ->capture_default_str();
  cpu->add_option("--out", args->out, "Output directory")->capture_default_str();
  cpu->callback([args, &exit_code] { exit_code = run_bench_cpu(*args); });

  auto idle_args = std::make_shared<IdleArgs>();
  CLI::App* idle = bench->add_subcommand(
      "idle", "Memory and CPU of holding N idle connections, per design (docs/results.md)");
  idle->add_option(
      "--designs", idle_args->designs,
      "Comma list of process, fiber, c, go, go-raw (default: process,fiber,c,go,go-raw "
      "for the sink, process,fiber,go for chat)");
  idle->add_option("--workload", idle_args->workload,
                   "sink (one process per client for process/c) or chat (papaya's full server: "
                   "two per client; go: the Go chat peer)")
      ->check(CLI::IsMember({"sink", "chat"}))
      ->capture_default_str();
  idle->add_option("--connections", idle_args->connections, "Comma list of connection counts")
      ->capture_default_str();
  idle->add_option("--seconds", idle_args->seconds, "Seconds of CPU sampling once all are open")
      ->capture_default_str();
  idle->add_option("--out", idle_args->out, "Output directory")->capture_default_str();
  idle->callback([idle_args, &exit_code] { exit_code = run_bench_idle(*idle_args); });

  auto line_args = std::make_shared<LineArgs>();
  CLI::App* line = bench->add_subcommand(
      "line",
      "What one chat line costs end to end per design: server CPU and latency to every "
      "other client (docs/results.md)");
  line->add_option("--designs", line_args->designs, "Comma list of process, fiber, go")
      ->capture_default_str();
  line->add_option("--connections", line_args->connections, "Comma list of client counts (2..1024)")
      ->capture_default_str();
  line->add_option("--lines", line_args->lines, "Measured lines per point")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  line->add_option("--warmup-lines", line_args->warmup_lines, "Lines sent first, not measured")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  line->add_option("--gap-ms", line_args->gap_ms,
                   "Idle milliseconds after each line reached every client")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  line->add_option("--line-bytes", line_args->line_bytes, "Bytes per line, newline included")
      ->check(CLI::Range(64, 4096))
      ->capture_default_str();
  line->add_option("--repeat", line_args->repeat, "Rounds (designs interleaved in each)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  line->add_flag("--pin", line_args->pin, "Server on core 0; clients and sampler on core 1");
  line->add_option("--out", line_args->out, "Output directory (line.csv, line.md, logs/)")
      ->capture_default_str();
  line->callback([line_args, &exit_code] { exit_code = run_bench_line(*line_args); });
}

}  // namespace papaya::cli
