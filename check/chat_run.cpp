#include "check/chat_run.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "chat/design.hpp"
#include "check/client_sends.hpp"
#include "check/log_events.hpp"
#include "check/server_kills.hpp"

namespace papaya::properties {

namespace {
// Whether the client that opened `transcript_path` ended by a signal (its settle alarm: it was
// still connected and waiting), not by returning.
bool ended_by_signal(const traces::Trace& t, std::string_view transcript_path) {
  const Pid pid = transcript_opener(t, transcript_path);
  if (pid == 0) return false;
  for (const traces::Step& st : t.steps)
    if (st.pid == pid && st.status == model::StepStatus::exited) return st.ret2 != 0;
  return false;
}
}  // namespace

bool CheckedRun::all_hold() const {
  for (const Finding& f : findings)
    if (!f.holds) return false;
  return true;
}

const Finding& CheckedRun::finding(Property p) const {
  for (const Finding& f : findings)
    if (f.property == p) return f;
  std::abort();  // findings always holds every property
}

traces::Header chat_trace_header(const chat::Scenario& s) {
  traces::Header h;
  h.design = std::string(chat::design_name(s.server.design));
  h.variant = std::string(chat::variant_name(s.server.variant));
  h.scenario_json = chat::to_json(s).dump();
  return h;
}

std::optional<chat::Scenario> chat_from_header(const traces::Header& h, std::string& error) {
  const std::optional<chat::Design> design = chat::parse_design(h.design);
  if (!design) {
    error = h.design.empty() ? "the trace is not of a chat scenario (no design)"
                             : "design \"" + h.design + "\" cannot be simulated (one of " +
                                   chat::design_names() + ")";
    return std::nullopt;
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(h.scenario_json);
  } catch (const nlohmann::json::exception& e) {
    error = std::string("the header's scenario is not JSON: ") + e.what();
    return std::nullopt;
  }
  chat::ScenarioFromJson parsed = chat::from_json(j);
  if (!parsed) {
    error = "the header's scenario: " + parsed.error;
    return std::nullopt;
  }
  if (parsed->server.design != *design) {
    error = "the header says design \"" + h.design + "\" but its scenario says \"" +
            std::string(chat::design_name(parsed->server.design)) + "\"";
    return std::nullopt;
  }
  if (chat::variant_name(parsed->server.variant) != h.variant) {
    error = "the header says variant \"" + h.variant + "\" but its scenario says \"" +
            std::string(chat::variant_name(parsed->server.variant)) + "\"";
    return std::nullopt;
  }
  return *parsed.scenario;
}

std::function<void(Os&)> chat_init(const chat::Scenario& s, std::shared_ptr<ChatOutcome> out) {
  return [s, out](Os& os) {
    chat::ScenarioReport report = chat::run_scenario_report(os, s);
    if (out) *out = ChatOutcome{true, report};
  };
}

History chat_history(const chat::Scenario& s, const sim::Simulation& sim, const sim::RunReport& r) {
  History h;
  h.log = sim.file_contents(s.server.log_path).value_or("");
  h.events = log_events(sim.trace(), s.server.log_path);
  h.max_line = s.server.max_line;
  h.history_lines = s.server.history;
  h.quiescent = r.verdict == Verdict::ok;
  if (!h.quiescent) h.end_detail = fmt::format("{}: {}", verdict_name(r.verdict), r.detail);
  std::vector<chat::ClientPlan> plans = chat::effective_plans(s);
  // Barrier clients leave once they have seen every accepted message line of the barrier clients
  // (chat/scenario/scenario.hpp). That is the end of the log only when there is such a line (join
  // lines all come before the barrier opens, so before it) and no late client talks after them.
  const bool late_talkers =
      std::any_of(plans.begin(), plans.end(), [](const chat::ClientPlan& p) { return p.late; });
  bool barrier_message = false;
  for (int c = 1; c <= static_cast<int>(plans.size()); ++c) {
    if (plans[static_cast<std::size_t>(c - 1)].late) continue;
    std::vector<std::string> lines = chat::sent_lines(s, c);
    barrier_message |= std::any_of(lines.begin() + 1, lines.end(), [&](const std::string& l) {
      return l.size() <= s.server.max_line;
    });
  }
  const bool barrier_waits_for_the_end = barrier_message && !late_talkers;
  std::vector<std::string> transcripts;
  for (int c = 1; c <= static_cast<int>(plans.size()); ++c)
    transcripts.push_back(chat::transcript_path(s, c));
  const std::vector<KillEffect> kills = kill_effects(sim.trace(), transcripts);
  // A kill -9, or a client dropped because the disk was full (a late client may rightly leave
  // before lines that never come).
  const bool any_killed =
      std::any_of(sim.trace().steps.begin(), sim.trace().steps.end(),
                  [](const traces::Step& st) { return st.killed_from_outside; }) ||
      std::any_of(kills.begin(), kills.end(), [&](const KillEffect& k) { return k.cut_off; });
  for (int c = 1; c <= static_cast<int>(plans.size()); ++c) {
    ClientRecord rec;
    rec.name = fmt::format("c{}", c);
    // What went out whole, not what was planned: a client can die before it sends everything.
    rec.sent_lines = whole_lines_sent(chat::sent_lines(s, c), s.server.key.size(),
                                      bytes_sent_by(sim.trace(), chat::transcript_path(s, c)));
    rec.received = sim.file_contents(chat::transcript_path(s, c)).value_or("");
    const chat::ClientPlan& plan = plans[static_cast<std::size_t>(c - 1)];
    rec.stayed_to_the_end = !plan.vanish_mid_line && (plan.late || barrier_waits_for_the_end);
    // kill -9 of its server processes: its lines may be lost, it stops hearing the log.
    const KillEffect& k = kills[static_cast<std::size_t>(c - 1)];
    rec.lines_may_be_lost = k.lines_may_be_lost;
    rec.cluster_killed = k.cluster_killed;
    rec.waited_out = !plan.late && ended_by_signal(sim.trace(), chat::transcript_path(s, c));
    rec.stayed_to_the_end = rec.stayed_to_the_end && !k.cut_off;
    // A late client stays until `settle` passes with nothing new; a barrier client whose cluster
    // died holds the barrier shut for its own settle period, so a late one may rightly leave
    // before the others' message lines come.
    if (plan.late && any_killed) rec.stayed_to_the_end = false;
    rec.stopped_reading = plan.stop_reading_for > Duration::zero();
    if (rec.stopped_reading) rec.stayed_to_the_end = false;
    const ClientTimeline timeline = client_timeline(sim.trace(), chat::transcript_path(s, c));
    rec.connected_ns = timeline.connected_ns;
    rec.ended_ns = timeline.ended_ns;
    for (const auto& [bytes, at] : timeline.receipts) rec.receipts.push_back({bytes, at});
    h.clients.push_back(std::move(rec));
  }
  return h;
}

CheckedRun run_and_check(const chat::Scenario& s, sim::Options opts) {
  opts.header = chat_trace_header(s);
  CheckedRun out;
  out.sim = std::make_unique<sim::Simulation>(opts);
  out.report = out.sim->run(chat_init(s));
  out.history = chat_history(s, *out.sim, out.report);
  out.findings = check_all(out.history);
  return out;
}

}  // namespace papaya::properties
