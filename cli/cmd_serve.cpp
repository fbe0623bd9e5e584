// `papaya serve`: the real chat daemon. Options are turned into a chat::ServerConfig and a
// real::ServeOptions; real::serve (real/serve.hpp) does the start-up sequence and runs
// chat::run_server (the design's server) inside it. docs/real.md is the user's guide.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "chat/goroutine/goroutine_sink.hpp"
#include "chat/key.hpp"
#include "chat/server.hpp"
#include "chat/sink_server.hpp"
#include "chat/variant.hpp"
#include "cli/command.hpp"
#include "cli/design_options.hpp"
#include "real/duration_text.hpp"
#include "real/key_file.hpp"
#include "real/serve.hpp"
#if PAPAYA_HAVE_FIBER
#include "real/fiber/fiber_os.hpp"
#endif

namespace papaya::cli {

namespace {

struct ServeArgs {
  DesignArgs design;
  std::string log_path;
  std::string key_file;
  std::string host = "127.0.0.1";
  int port = 7777;
  size_t history = 7;
  size_t max_line = 4096;
  std::string auth_timeout = "1s";
  std::string idle_timeout = "0s";
  int max_clients = 256;
  std::string user;
  bool foreground = false;
  std::string pid_file;
  std::string workload = "chat";  // sink: the paper's experiment server (chat/sink_server.hpp)
  std::string sink_output;        // --workload sink: where every read goes (default /dev/null)
  int threads = 0;                // --design fiber: scheduler threads (0: not given, one per core)
};

int usage(const std::string& message) {
  std::fprintf(stderr, "papaya serve: %s\n", message.c_str());
  return exit_usage;
}

// Option values CLI11 cannot check alone -> ServerConfig. Returns 0, or the exit code after
// saying what is wrong.
int build_config(const ServeArgs& a, chat::ServerConfig& cfg) {
  const DesignChoice choice = resolve_designs(a.design, World::real, /*many=*/false);
  if (!choice.ok()) return usage(choice.error);
  const chat::DesignVariant dv = choice.rows.front();
  if (a.threads != 0 && dv.design != chat::Design::goroutine)
    return usage("--threads: only --design fiber has scheduler threads");
  if (dv.design == chat::Design::goroutine) {
#if !PAPAYA_HAVE_FIBER
    return usage("--design fiber: not in this build (sanitizer builds leave out Boost.Fiber)");
#endif
  }
  if (!a.sink_output.empty()) {
    if (a.workload != "sink") return usage("--sink-output: only --workload sink writes its reads");
    // access(2) W_OK: "The check is done using the calling process's real UID and GID"; the
    // server opens it again (and says why if that fails after --user).
    if (::access(a.sink_output.c_str(), W_OK) != 0)
      return usage("--sink-output: cannot write to '" + a.sink_output +
                   "' (it must exist and be writable)");
  }
  std::optional<Duration> timeout = real::parse_duration(a.auth_timeout);
  if (!timeout || *timeout <= Duration::zero()) {
    return usage("--auth-timeout: expected a positive duration such as 250ms or 1s, got '" +
                 a.auth_timeout + "'");
  }
  std::optional<Duration> idle = real::parse_duration(a.idle_timeout);
  if (!idle) {
    return usage("--idle-timeout: expected a duration such as 10m or 0s (off), got '" +
                 a.idle_timeout + "'");
  }
  real::Checked<std::string> contents = real::read_key_file(a.key_file);
  if (!contents.ok()) return usage(contents.error);
  chat::KeyCheck key = chat::validate_key(contents.value);
  if (!key.ok()) return usage("key file " + a.key_file + ": " + key.error);
  cfg.log_path = a.log_path;
  cfg.key = key.key;
  cfg.history = a.history;
  cfg.max_line = a.max_line;
  cfg.auth_timeout = *timeout;
  cfg.idle_timeout = *idle;
  cfg.max_clients = a.max_clients;
  cfg.design = dv.design;
  cfg.variant = dv.variant;
  return exit_ok;
}

// A daemon runs in "/" (daemon(7)), so every path it keeps is made absolute while the caller's
// working directory is still known.
std::string absolute(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

int run_serve(ServeArgs a) {
  a.log_path = absolute(a.log_path);
  if (!a.pid_file.empty()) a.pid_file = absolute(a.pid_file);
  chat::ServerConfig cfg;
  if (int code = build_config(a, cfg); code != exit_ok) return code;
  real::ServeOptions opts;
  opts.host = a.host;
  opts.port = static_cast<std::uint16_t>(a.port);
  opts.log_path = a.log_path;
  opts.user = a.user;
  opts.foreground = a.foreground;
  opts.pid_file = a.pid_file;
  if (a.workload == "sink") {
    chat::SinkConfig sink;
    sink.max_clients = a.max_clients;
    if (!a.sink_output.empty()) sink.output_path = absolute(a.sink_output);
#if PAPAYA_HAVE_FIBER
    if (cfg.design == chat::Design::goroutine) {
      // The sink as a goroutine per client on Boost.Fiber: the paper's Go server's shape, with
      // the process design's read size and output (chat/goroutine/goroutine_sink.hpp).
      const unsigned threads = static_cast<unsigned>(a.threads);
      return real::serve(opts, [sink, threads](Os& os, Fd listener) {
        auto* real_os = dynamic_cast<real::RealOs*>(&os);
        real::RealOs::Options log_options = real_os ? real_os->options() : real::RealOs::Options{};
        return real::fiber::run_main(log_options, threads, [&](Os& main_goroutine) {
          return chat::run_goroutine_sink_server(main_goroutine, sink, listener);
        });
      });
    }
#endif
    return real::serve(
        opts, [sink](Os& os, Fd listener) { return chat::run_sink_server(os, sink, listener); });
  }
#if PAPAYA_HAVE_FIBER
  if (cfg.design == chat::Design::goroutine) {
    // The goroutine design on Boost.Fiber (docs/fiber.md): the server process runs the chat
    // server as its main goroutine on `threads` scheduler threads, logging as `os` does.
    const unsigned threads = static_cast<unsigned>(a.threads);
    return real::serve(opts, [cfg, threads](Os& os, Fd listener) {
      auto* real_os = dynamic_cast<real::RealOs*>(&os);
      real::RealOs::Options log_options = real_os ? real_os->options() : real::RealOs::Options{};
      return real::fiber::run_main(log_options, threads, [&](Os& main_goroutine) {
        return chat::run_server(main_goroutine, cfg, listener);
      });
    });
  }
#endif
  return real::serve(opts,
                     [cfg](Os& os, Fd listener) { return chat::run_server(os, cfg, listener); });
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd =
      app.add_subcommand("serve", "Run the real chat server (daemon unless --foreground)");
  add_design_options(cmd, args->design, World::real, /*many=*/false);
  cmd->add_option("--log", args->log_path, "Chat log file (created 0660 if missing)")->required();
  cmd->add_option("--key-file", args->key_file,
                  "Key file: 128 hex digits on the first line, mode 0600")
      ->required();
  cmd->add_option("--host", args->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", args->port, "TCP port; 0 picks a free one (printed on stderr)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--history", args->history, "Lines a joining client receives first")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--max-line", args->max_line, "Longest accepted line in bytes, newline included")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--auth-timeout", args->auth_timeout,
                  "Time a client has to send its key (250ms, 1s)")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", args->idle_timeout,
                  "Disconnect an authenticated client silent this long (10m; 0s: never)")
      ->capture_default_str();
  cmd->add_option("--max-clients", args->max_clients, "Most clients connected at once")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--user", args->user, "Drop root to this user after binding and opening files");
  cmd->add_flag("--foreground", args->foreground,
                "Stay in the foreground, log to stderr, stop on Ctrl-C (default: daemon, syslog)");
  cmd->add_option("--pid-file", args->pid_file,
                  "Write the pid here; refuse to start if it is held");
  cmd->add_option(
         "--threads", args->threads,
         "--design fiber: scheduler threads, like GOMAXPROCS (default: one per core it may run on)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--workload", args->workload,
                  "chat, or sink: accept, a process (--design process) or a goroutine (--design "
                  "fiber) per client, 4096-byte reads to /dev/null (papaya bench's sink workload; "
                  "--log and --key-file are still checked)")
      ->check(CLI::IsMember({"chat", "sink"}))
      ->capture_default_str();
  cmd->add_option("--sink-output", args->sink_output,
                  "--workload sink: write every read here instead of /dev/null (an existing file)");
  cmd->callback([args, &exit_code] { exit_code = run_serve(*args); });
}

}  // namespace papaya::cli
