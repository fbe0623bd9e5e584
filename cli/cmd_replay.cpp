// papaya replay FILE: re-executes a recorded simulated run from its decisions and checks that it
// takes the same steps. Exit 0 when it replays faithfully and the run passed, 1 on a divergence or
// a failed run, 2 on a malformed or truncated trace.
#include <cstdio>

#include "check/chat_run.hpp"
#include "check/check_suite.hpp"
#include "cli/allocator.hpp"
#include "cli/command.hpp"
#include "cli/sim_chat.hpp"
#include "sim/simulation.hpp"
#include "traces/jsonl.hpp"

namespace papaya::cli {

namespace {

// A counterexample saved by `papaya check` records the property it breaks as its verdict: the
// replay must break that property again. Other traces record the simulator's own verdict, which
// the step-by-step comparison has already matched.
bool same_verdict(const traces::LoadedTrace& t, const std::vector<properties::Finding>& findings) {
  for (const properties::Finding& f : findings) {
    if (properties::verdict_of(f.property) != t.verdict ||
        f.property == properties::Property::no_deadlock)
      continue;
    if (f.holds) {
      std::printf("  VERDICT DIFFERS: recorded %s, but %s holds on replay\n",
                  std::string(verdict_name(t.verdict)).c_str(),
                  std::string(properties::property_name(f.property)).c_str());
      return false;
    }
    std::printf("  verdict reproduced: %s (%s)\n", std::string(verdict_name(t.verdict)).c_str(),
                std::string(properties::property_name(f.property)).c_str());
  }
  return true;
}

int run_replay(const std::string& path) {
  keep_freed_memory();
  traces::LoadedTrace t;
  try {
    t = traces::read_jsonl_file(path);
  } catch (const traces::TraceError& e) {
    std::fprintf(stderr, "papaya replay: %s\n", e.what());
    return exit_usage;
  }
  std::string error;
  std::optional<chat::Scenario> c = properties::chat_from_header(t.header, error);
  if (!c) {
    std::fprintf(stderr, "papaya replay: %s: %s\n", path.c_str(), error.c_str());
    return exit_usage;
  }
  std::printf("papaya replay: %s: design %s, variant %s, seed %llu, %zu steps, %zu decisions\n",
              path.c_str(), t.header.design.c_str(), t.header.variant.c_str(),
              static_cast<unsigned long long>(t.header.seed), t.step_lines.size(),
              t.decisions.size());
  for (const traces::KillFault& k : t.header.kills)
    std::printf("  fault: %s\n", traces::describe_kill(k).c_str());
  auto out = std::make_shared<ChatOutcome>();
  sim::Simulation s(sim::replay_options(t));
  sim::RunReport r = s.run(properties::chat_init(*c, out));
  std::string divergence = sim::replay_divergence(t, s, r);
  if (!divergence.empty()) {
    std::printf("  DIVERGED: %s\n", divergence.c_str());
    std::fprintf(stderr, "papaya replay: the run diverged from %s (first divergent step above)\n",
                 path.c_str());
    return exit_failure;
  }
  std::printf("  replayed faithfully: every step as recorded\n");
  const int account = print_chat_account(*c, s, r, *out);
  return same_verdict(t, properties::check_all(properties::chat_history(*c, s, r))) ? account
                                                                                    : exit_failure;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "replay", "Re-execute a recorded simulated run and check it does not diverge");
  cmd->add_option("FILE", *path, "a trace written by papaya sim (JSON Lines)")->required();
  cmd->callback([path, &exit_code] { exit_code = run_replay(*path); });
}

}  // namespace papaya::cli
