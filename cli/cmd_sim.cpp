// papaya sim: one deterministic simulated run of the chat scenario (design.md's CLI contract).
//   papaya sim --design process --variant NAME --clients N --messages M --seed S [--trace FILE]
//              [--check-determinism] [--max-steps K] [--faults] [--kill STEP[:PICK]]...
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "chat/design.hpp"
#include "check/chat_run.hpp"
#include "check/minimise.hpp"
#include "cli/allocator.hpp"
#include "cli/command.hpp"
#include "cli/design_options.hpp"
#include "cli/sim_chat.hpp"
#include "properties/checkers.hpp"
#include "sim/simulation.hpp"
#include "traces/jsonl.hpp"

namespace papaya::cli {

int print_chat_account(const chat::Scenario& scenario, const sim::Simulation& s,
                       const sim::RunReport& r, const ChatOutcome& out) {
  const std::optional<std::string> log = s.file_contents(scenario.server.log_path);
  const int clients = static_cast<int>(chat::effective_plans(scenario).size());
  std::size_t lines = 0;
  if (log)
    for (char ch : *log) lines += ch == '\n' ? 1 : 0;
  std::printf("  processes %d, steps %llu, decisions %llu, virtual time %.3f s\n", r.processes,
              static_cast<unsigned long long>(r.steps),
              static_cast<unsigned long long>(r.decisions),
              static_cast<double>(r.virtual_time.count()) / 1e9);
  std::printf("  log: %zu lines, %zu bytes; sockets: %llu bytes sent, %llu bytes received\n", lines,
              log ? log->size() : 0, static_cast<unsigned long long>(r.bytes_sent),
              static_cast<unsigned long long>(r.bytes_received));
  if (out.finished)
    std::printf(
        "  clients: %d of %d saw every line, %d settled short, %d failed; scenario exit %d\n",
        out.report.saw_every_line, clients, out.report.settled, out.report.failed, out.report.code);
  else
    std::printf("  clients: the scenario did not finish\n");
  // Stricter-than-Linux flags (docs/simulator.md): the first few, and how many there were.
  for (std::size_t i = 0; i < r.warnings.size() && i < 3; ++i)
    std::printf("  warning: %s\n", r.warnings[i].c_str());
  if (r.warnings.size() > 3)
    std::printf("  warning: ... %zu more in the trace\n", r.warnings.size() - 3);
  std::printf("  verdict: %s%s%s\n", std::string(verdict_name(r.verdict)).c_str(),
              r.detail.empty() ? "" : ": ", r.detail.c_str());
  // The property verdicts (properties/), from the run's history.
  bool all_hold = true;
  for (const properties::Finding& f :
       properties::check_all(properties::chat_history(scenario, s, r))) {
    all_hold = all_hold && f.holds;
    std::printf("  %-22s %s%s\n", std::string(properties::property_name(f.property)).c_str(),
                f.holds ? "PASS" : "FAIL: ", f.holds ? "" : f.detail.c_str());
  }
  bool delivered = out.finished && out.report.code == 0 && out.report.saw_every_line == clients;
  return r.verdict == Verdict::ok && delivered && all_hold ? exit_ok : exit_failure;
}

namespace {

struct SimArgs {
  DesignArgs design;
  int clients = 3;
  int messages = 5;
  std::size_t line_length = 24;
  std::uint64_t seed = 1;
  std::uint64_t max_steps = 1'000'000;
  int gomaxprocs = 2;
  std::string trace;
  bool check_determinism = false;
  bool faults = false;
  std::vector<std::string> kills;  // "STEP" or "STEP:PICK"
};

// "120" or "120:1": kill -9 at step 120 of the first (second) live server process; "120@4": of
// process 4.
std::optional<traces::KillFault> parse_kill(const std::string& text) {
  traces::KillFault k;
  const auto sep = text.find_first_of(":@");
  const std::string step = text.substr(0, sep);
  const std::string rest = sep == std::string::npos ? "0" : text.substr(sep + 1);
  auto num = [](const std::string& t, auto& v) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return !t.empty() && ec == std::errc() && end == t.data() + t.size();
  };
  if (!num(step, k.step)) return std::nullopt;
  if (sep != std::string::npos && text[sep] == '@') {
    if (!num(rest, k.pid) || k.pid <= 1) return std::nullopt;
    return k;
  }
  if (!num(rest, k.pick)) return std::nullopt;
  return k;
}

bool write_trace(const traces::Trace& t, const std::string& path) {
  std::ofstream f(path);
  if (!f) return false;
  traces::write_jsonl(t, f);
  return static_cast<bool>(f);
}

int run_sim(const SimArgs& a) {
  keep_freed_memory();
  const DesignChoice choice = resolve_designs(a.design, World::sim, /*many=*/false);
  if (!choice.ok()) {
    std::fprintf(stderr, "papaya sim: %s\n", choice.error.c_str());
    return exit_usage;
  }
  const chat::DesignVariant dv = choice.rows.front();
  const std::string design(chat::design_name(dv.design));
  const std::string variant(chat::variant_name(dv.variant));
  if (a.clients < 1 || a.messages < 0) {
    std::fprintf(stderr, "papaya sim: --clients must be at least 1 and --messages at least 0\n");
    return exit_usage;
  }
  std::vector<traces::KillFault> kills;
  for (const std::string& text : a.kills) {
    std::optional<traces::KillFault> k = parse_kill(text);
    if (!k) {
      std::fprintf(
          stderr, "papaya sim: --kill \"%s\": expected STEP, STEP:PICK or STEP@PID (PID above 1)\n",
          text.c_str());
      return exit_usage;
    }
    kills.push_back(*k);
  }
  std::stable_sort(
      kills.begin(), kills.end(),
      [](const traces::KillFault& x, const traces::KillFault& y) { return x.step < y.step; });
  chat::Scenario scenario;
  scenario.clients = a.clients;
  scenario.messages = a.messages;
  scenario.line_length = a.line_length;
  scenario.server.design = dv.design;
  scenario.server.variant = dv.variant;
  sim::Options o;
  o.seed = a.seed;
  o.max_steps = a.max_steps;
  o.gomaxprocs = a.gomaxprocs;
  o.faults = a.faults;
  o.kills = kills;
  o.header = properties::chat_trace_header(scenario);
  o.header.papaya_version = PAPAYA_VERSION;
  std::printf("papaya sim: design %s, variant %s, %d clients x %d messages, seed %llu\n",
              design.c_str(), variant.c_str(), a.clients, a.messages,
              static_cast<unsigned long long>(a.seed));
  for (const traces::KillFault& k : kills)
    std::printf("  fault: %s\n", traces::describe_kill(k).c_str());
  auto out = std::make_shared<ChatOutcome>();
  sim::Simulation s(o);
  sim::RunReport r = s.run(properties::chat_init(scenario, out));
  int code = print_chat_account(scenario, s, r, *out);
  std::string trace_path = a.trace;
  if (trace_path.empty() && code != exit_ok)
    trace_path = fmt::format("papaya-sim-{}-seed{}.trace.jsonl", variant, a.seed);
  if (!trace_path.empty()) {
    // A run that breaks a property saves as a counterexample: `papaya replay` then checks that
    // the replay breaks it again (as for `papaya check`'s traces).
    traces::Trace t = s.trace();
    for (const properties::Finding& f :
         properties::check_all(properties::chat_history(scenario, s, r))) {
      if (f.holds) continue;
      properties::stamp_verdict(t, f);
      break;
    }
    if (!write_trace(t, trace_path)) {
      std::fprintf(stderr, "papaya sim: cannot write the trace to %s\n", trace_path.c_str());
      return exit_usage;
    }
    std::printf("  trace: %s (replay: papaya replay %s)\n", trace_path.c_str(), trace_path.c_str());
  }
  if (a.check_determinism) {
    std::string diff = sim::check_determinism(o, properties::chat_init(scenario));
    if (!diff.empty()) {
      std::printf("  determinism: FAIL: two runs of seed %llu differ: %s\n",
                  static_cast<unsigned long long>(a.seed), diff.c_str());
      return exit_failure;
    }
    std::printf("  determinism: two more runs of seed %llu gave byte-identical traces\n",
                static_cast<unsigned long long>(a.seed));
  }
  return code;
}

}  // namespace

void add_sim_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SimArgs>();
  CLI::App* cmd = app.add_subcommand("sim", "One deterministic simulated run of the chat scenario");
  add_design_options(cmd, args->design, World::sim, /*many=*/false);
  cmd->add_option("--clients", args->clients, "clients")->capture_default_str();
  cmd->add_option("--messages", args->messages, "lines per client")->capture_default_str();
  cmd->add_option("--line-length", args->line_length,
                  "bytes per line, '\\n' included (over 4096: refused by the server; a line "
                  "crossing a page boundary is written in two steps)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "the random strategy's seed")->capture_default_str();
  cmd->add_option("--max-steps", args->max_steps, "step bound of the run")->capture_default_str();
  cmd->add_option("--gomaxprocs", args->gomaxprocs,
                  "Ps of a goroutine program's Go runtime (GOMAXPROCS)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--trace", args->trace,
                  "write the trace (JSON Lines) here; written anyway on failure");
  cmd->add_flag("--check-determinism", args->check_determinism,
                "run the seed twice more and require byte-identical traces");
  cmd->add_flag("--faults", args->faults, "offer short sends as decisions");
  cmd->add_option("--kill", args->kills,
                  "STEP[:PICK] or STEP@PID: kill -9 at step STEP the PICK-th (mod their number, "
                  "default 0) live server process, in pid order, or process PID; repeatable");
  cmd->callback([args, &exit_code] { exit_code = run_sim(*args); });
}

}  // namespace papaya::cli
