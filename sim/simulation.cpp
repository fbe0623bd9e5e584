#include "sim/simulation.hpp"

#include <algorithm>
#include <sstream>

#include "model/check.hpp"
#include "sim/executor.hpp"
#include "traces/jsonl.hpp"

namespace papaya::sim {

Simulation::Simulation(Options opts)
    : opts_(std::move(opts)), exec_(std::make_unique<Executor>(opts_)) {}
Simulation::~Simulation() = default;

RunReport Simulation::run(std::function<void(Os&)> init) { return exec_->run(std::move(init)); }

std::optional<std::string> Simulation::file_contents(std::string_view path) const {
  return exec_->file_contents(path);
}

const traces::Trace& Simulation::trace() const { return exec_->trace(); }

namespace {
// A step line without its call site: a replay reproduces behaviour (process, operation,
// arguments, result, decisions); an edit that moves a line of chat/ must not break saved traces.
std::string_view without_site(std::string_view line) {
  std::size_t at = line.find(",\"site\":\"");
  return at == std::string_view::npos ? line : line.substr(0, at);
}

std::string first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b,
                             const char* a_name, const char* b_name, bool ignore_sites = false) {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if (ignore_sites ? without_site(a[i]) != without_site(b[i]) : a[i] != b[i])
      return "step " + std::to_string(i) + ": " + a_name + " " + a[i] + ", " + b_name + " " + b[i];
  if (a.size() != b.size())
    return std::string("the ") + a_name + " run has " + std::to_string(a.size()) + " steps, the " +
           b_name + " run " + std::to_string(b.size());
  return {};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}
}  // namespace

Options replay_options(const traces::LoadedTrace& recorded) {
  Options o;
  o.seed = recorded.header.seed;
  o.max_steps = recorded.header.max_steps;
  o.faults = recorded.header.faults;
  o.kills = recorded.header.kills;
  o.disk_full = recorded.header.disk_full;
  o.gomaxprocs = recorded.header.gomaxprocs;
  o.go_preempt = recorded.header.go_preempt;
  o.path_pids = recorded.header.path_pids;
  o.strategy = StrategyKind::replay;
  o.replay = recorded.decisions;
  o.header = recorded.header;
  return o;
}

std::string replay_divergence(const traces::LoadedTrace& recorded, const Simulation& replayed,
                              const RunReport& r) {
  std::string diff = first_difference(recorded.step_lines, traces::step_lines(replayed.trace()),
                                      "recorded", "replayed", /*ignore_sites=*/true);
  if (!diff.empty()) return diff;
  // The Go runtime's G/P records: a runtime that scheduled differently diverges here.
  diff = first_difference(recorded.go_lines, traces::go_lines(replayed.trace()), "recorded go",
                          "replayed go", /*ignore_sites=*/true);
  if (!diff.empty()) return diff;
  if (r.verdict == Verdict::replay_divergence) return r.detail;
  // A counterexample saved by `papaya check` carries a property verdict, which the simulator does
  // not compute: the caller re-checks the property.
  if (!is_property_verdict(recorded.verdict) && r.verdict != recorded.verdict)
    return "the recorded run ended " + std::string(verdict_name(recorded.verdict)) +
           ", the replay " + std::string(verdict_name(r.verdict));
  return {};
}

ReplayReport replay(const traces::LoadedTrace& recorded, std::function<void(Os&)> init) {
  Simulation sim(replay_options(recorded));
  ReplayReport rep;
  rep.run = sim.run(std::move(init));
  rep.divergence = replay_divergence(recorded, sim, rep.run);
  rep.diverged = !rep.divergence.empty();
  return rep;
}

std::string check_determinism(const Options& opts, const std::function<void(Os&)>& init) {
  Simulation a(opts);
  a.run(init);
  Simulation b(opts);
  b.run(init);
  std::string ta = traces::to_jsonl(a.trace());
  std::string tb = traces::to_jsonl(b.trace());
  if (ta == tb) return {};
  std::string diff = first_difference(lines_of(ta), lines_of(tb), "first", "second");
  return diff.empty() ? "the serialised traces differ" : diff;
}

}  // namespace papaya::sim
