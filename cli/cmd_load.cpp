// `papaya load`: the open-loop constant-rate load generator (real/load/load_generator.hpp).
// Prints "ramped" when every connection is up, then one key=value report line, on stdout.
// SIGTERM or SIGINT ends the measured window early (the report is still printed).
#include <signal.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "chat/key.hpp"
#include "cli/command.hpp"
#include "real/key_file.hpp"
#include "real/load/load_generator.hpp"

namespace papaya::cli {

namespace {

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void on_stop(int) { stop_requested = 1; }

struct LoadArgs {
  std::string host = "127.0.0.1";
  int port = 7777;
  int connections = 1;
  std::string rate = "1Mbps";
  double seconds = 10;
  size_t line_bytes = 1460;
  std::string key_file;
  std::string user = "load";
  double ramp_s = 0;
  double drain_s = 3;
  bool fanout = false;
  bool idle = false;
};

int usage(const std::string& message) {
  std::fprintf(stderr, "papaya load: %s\n", message.c_str());
  return exit_usage;
}

int run_load_command(const LoadArgs& a) {
  std::optional<double> rate = real::load::parse_rate_bps(a.rate);
  if (!rate)
    return usage("--rate: expected bits per second such as 1Mbps, 500kbps, got '" + a.rate + "'");
  if (!(a.seconds > 0) || a.seconds > 86400) return usage("--seconds: expected 0 < T <= 86400");
  if (!(a.drain_s >= 0) || a.drain_s > 86400) return usage("--drain: expected 0 <= T <= 86400");
  std::string error;
  std::optional<real::load::LoadPlan> plan =
      real::load::make_plan(a.connections, *rate, a.line_bytes, error);
  if (!plan) return usage(error);
  real::load::LoadOptions o;
  o.host = a.host;
  o.port = static_cast<std::uint16_t>(a.port);
  o.plan = *plan;
  o.seconds = std::chrono::milliseconds(std::llround(a.seconds * 1000));
  o.ramp = std::chrono::milliseconds(std::llround(a.ramp_s * 1000));
  o.drain = std::chrono::milliseconds(std::llround(a.drain_s * 1000));
  // Every join probe wakes all N clients' servers: on a busy machine the process design's 2 N
  // processes took over 10 s to pass one around at N = 256 (docs/results.md, fifth quiet round).
  o.join_timeout = std::chrono::milliseconds(10'000 + 50 * a.connections);
  o.user = a.user;
  o.fanout = a.fanout;
  o.idle = a.idle;
  if (a.idle && a.fanout) return usage("--idle and --fanout exclude each other");
  if (!a.key_file.empty()) {
    real::Checked<std::string> contents = real::read_key_file(a.key_file);
    if (!contents.ok()) return usage(contents.error);
    chat::KeyCheck key = chat::validate_key(contents.value);
    if (!key.ok()) return usage("key file " + a.key_file + ": " + key.error);
    o.key = key.key;
  }
  o.ramped_to = stdout;
  o.stop = &stop_requested;
  struct sigaction sa {};
  sa.sa_handler = on_stop;  // no SA_RESTART: epoll_pwait2 returns EINTR and the loop looks
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  real::load::LoadReport r = real::load::run_load(o);
  std::printf("%s\n", r.summary_line().c_str());
  std::fflush(stdout);
  if (!r.error.empty()) {
    std::fprintf(stderr, "papaya load: %s\n", r.error.c_str());
    return exit_failure;
  }
  return exit_ok;
}

}  // namespace

void add_load_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<LoadArgs>();
  CLI::App* cmd = app.add_subcommand(
      "load", "Open-loop constant-rate TCP load (tcpkali-like): N connections x --rate each");
  cmd->add_option("--host", args->host, "Server IPv4 address")->capture_default_str();
  cmd->add_option("--port", args->port, "Server TCP port")->check(CLI::Range(1, 65535))->required();
  cmd->add_option("--connections", args->connections, "Concurrent connections")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--rate", args->rate, "Per-connection rate: 1Mbps, 500kbps, ...")
      ->capture_default_str();
  cmd->add_option("--seconds", args->seconds, "Measured window after the ramp")
      ->capture_default_str();
  cmd->add_option("--line-bytes", args->line_bytes, "Bytes per line, newline included")
      ->capture_default_str();
  cmd->add_option("--key-file", args->key_file, "Authenticate with this key first (chat server)");
  cmd->add_option("--user", args->user, "Name in the lines sent: '<user><i>: ...'")
      ->capture_default_str();
  cmd->add_option("--ramp", args->ramp_s,
                  "Seconds to open the connections over (0: 4 ms each, >= 0.2 s)")
      ->capture_default_str();
  cmd->add_option("--drain", args->drain_s,
                  "With --fanout: seconds to keep reading after the window (and after a SIGTERM) "
                  "until every line reached every other connection; what has not is reported "
                  "missing")
      ->capture_default_str();
  cmd->add_flag("--fanout", args->fanout,
                "Chat workload: stamp every line (sender, sequence, send time) and report the "
                "latency to every other connection, p50/p90/p99/max, and lines missing");
  cmd->add_flag("--idle", args->idle,
                "Open (and authenticate) the connections, then send nothing: what holding N "
                "idle clients costs the server (papaya bench idle)");
  cmd->callback([args, &exit_code] { exit_code = run_load_command(*args); });
}

}  // namespace papaya::cli
