#include "check/suite.hpp"

#include <chrono>

#include "check/chat_run.hpp"

namespace papaya::properties {

namespace {

using std::chrono::milliseconds;

chat::Scenario base(chat::DesignVariant dv) {
  chat::Scenario s;
  s.server.design = dv.design;
  s.server.variant = dv.variant;
  return s;
}

chat::ClientPlan plan(std::vector<std::size_t> lengths, milliseconds gap = milliseconds(0)) {
  chat::ClientPlan p;
  p.line_lengths = std::move(lengths);
  p.gap = gap;
  return p;
}

void add_kill_scenarios(chat::DesignVariant v, std::vector<SuiteScenario>& out) {
  // kill -9 of the last writer between its append and its SIGUSR1: the readers sleep on a line
  // already in the log unless someone else wakes them (the daemon, when it reaps the cluster).
  chat::Scenario crash = base(v);
  crash.clients = 3;
  crash.messages = 3;
  crash.line_length = 24;
  out.push_back({"crash", crash, /*kill_last_writer=*/true});

  // kill -9 of a writer between two pages of a long line (issue 9): the log holds a torn line
  // until the next writer cuts it back; nobody may receive it, nor get the next line glued to
  // it; the killed client must be disconnected, not left half served.
  chat::Scenario torn = base(v);
  torn.server.max_line = 16384;
  torn.plans = {plan({6000}), plan({30, 31}, milliseconds(3)), plan({32, 33}, milliseconds(4))};
  out.push_back({"torn", torn, /*kill_last_writer=*/false, /*tear_an_append=*/true});
}

}  // namespace

std::vector<SuiteScenario> builtin_suite(chat::DesignVariant v) {
  std::vector<SuiteScenario> out;

  // Short lines from three clients at once: appends race, notifications coalesce.
  chat::Scenario chatter = base(v);
  chatter.clients = 3;
  chatter.messages = 4;
  chatter.line_length = 24;
  out.push_back({"chatter", chatter});

  // Lines over a page: a write becomes visible page by page, and more than 4096 bytes arrive
  // between two wakeups. The limit is raised so the server accepts them.
  chat::Scenario pages = base(v);
  pages.server.max_line = 16384;
  pages.plans = {plan({6000, 5000}), plan({7000, 300})};
  out.push_back({"pages", pages});

  // Many readers: five Child SENDs read the log while lines arrive.
  chat::Scenario readers = base(v);
  readers.clients = 5;
  readers.messages = 1;
  readers.line_length = 40;
  out.push_back({"readers", readers});

  // A late joiner arrives mid-conversation and must get the history window, then the rest; a
  // refused oversize line and a client vanishing mid-line must leave no trace in the log.
  chat::Scenario mixed = base(v);
  mixed.server.history = 3;
  chat::ClientPlan late = plan({30});
  late.late = true;
  late.join_delay = milliseconds(5);
  chat::ClientPlan vanishing = plan({26});
  vanishing.vanish_mid_line = true;
  mixed.plans = {plan({20, 21, 22, 23, 24, 25}, milliseconds(2)),
                 plan({30, 5000, 31}, milliseconds(3)), late, vanishing};
  out.push_back({"mixed", mixed});

  // The kill -9 scenarios kill one server process and check that the others carry on. The
  // goroutine design has one server process: a kill -9 of it ends every client at once, and
  // there is no survivor to check (a goroutine cannot be killed alone).
  if (v.design == chat::Design::process) add_kill_scenarios(v, out);

  // A client that stops reading (slow-client): it joins, then reads nothing for 5 s while over a
  // megabyte (more than its socket buffer, model/limits.hpp) comes its way; the others must keep
  // receiving. Whoever sends to it blocks: its own sender only, unless the design makes someone
  // else wait for that sender.
  chat::Scenario slow = base(v);
  slow.server.max_line = 262144;
  chat::ClientPlan stuck = plan({});
  stuck.stop_reading_for = std::chrono::seconds(5);
  slow.plans = {stuck, plan({250000, 250000, 250000, 250000, 250000}),
                plan({30, 31}, milliseconds(1))};
  out.push_back({"slow", slow});

  // The disk fills (issue 9): the log alone on a file system that may fill at any append and
  // whose space may return at any later one (sim::Options::disk_full, fault decisions). A short
  // write leaves a partial line unless its writer cuts it back; its client is dropped; nobody may
  // receive the fragment, nor get the next line glued to it once space returns.
  //
  // Both designs: the goroutine design's writer goroutine drops the client whose line the log
  // could not take (issue 12), and kill_effects names that client by the connection the writer
  // shuts down after its failed append (check/server_kills.cpp), as it names the process design's
  // by the cluster whose write failed.
  chat::Scenario disk = base(v);
  disk.clients = 3;
  disk.messages = 3;
  disk.line_length = 40;
  out.push_back({"disk-full", disk, false, false, /*disk_full=*/true});

  return out;
}

std::vector<traces::KillFault> suite_kills(const SuiteScenario& sc, const sim::Options& opts) {
  if (sc.kill_last_writer) return kill_after_last_append(sc.scenario, opts);
  if (sc.tear_an_append) return kill_mid_append(sc.scenario, opts);
  return {};
}

std::function<std::vector<traces::KillFault>(const chat::Scenario&, const sim::Options&)>
suite_faults(const SuiteScenario& sc) {
  if (sc.kill_last_writer) return kill_after_last_append;
  if (sc.tear_an_append) return kill_mid_append;
  return {};
}

std::vector<traces::KillFault> kill_mid_append(const chat::Scenario& s, const sim::Options& opts) {
  constexpr std::uint64_t page = 4096;
  sim::Options probe = opts;
  probe.kills.clear();
  const CheckedRun run = run_and_check(s, probe);
  for (const LogEvent& e : run.history.events)
    if (e.kind == LogEvent::Kind::write_begin && e.length > 0 &&
        e.offset / page != (e.offset + e.length - 1) / page)
      return {traces::KillFault{.step = e.step + 1, .pick = 0, .pid = e.pid}};
  return {};
}

std::vector<traces::KillFault> kill_after_last_append(const chat::Scenario& s,
                                                      const sim::Options& opts) {
  sim::Options probe = opts;
  probe.kills.clear();
  const CheckedRun run = run_and_check(s, probe);
  for (auto e = run.history.events.rbegin(); e != run.history.events.rend(); ++e)
    if (e->kind == LogEvent::Kind::write_end)
      return {traces::KillFault{.step = e->step + 1, .pick = 0, .pid = e->pid}};
  return {};
}

}  // namespace papaya::properties
