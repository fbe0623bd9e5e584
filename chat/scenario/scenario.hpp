// The scenario driver: the init process of a simulated (or real) run of the process design. A
// server, clients that each send their lines and listen for everyone's, then a clean shutdown.
// `papaya sim` and the property checkers run it; the checkers identify each line in a trace with
// parse_scenario_line and compare what each client received (its transcript) with the log.
//
// A scenario is either uniform (`clients` clients, each `messages` lines of `line_length` bytes:
// the classic run) or a list of per-client plans (`plans`: varied line lengths, join and leave
// times, late joiners, clients that vanish mid-line), as the property generators draw them.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>  // to_json returns a json by value: callers need the whole type
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/server.hpp"
#include "os/os.hpp"

namespace papaya::chat {

// A fixed key for scenarios: the SHA-512 hex digest of "papaya".
inline constexpr std::string_view scenario_key =
    "b4dad940683da74f6b8c5f43af0eee9532cde0243e232fb4e752d4343c50fabac9b764e020f1959d30af83fd64791b"
    "c"
    "99b305abd25129d88831b028cadda5cd5";

// ServerConfig with the scenario's log path ("/papaya/chat.log") and key.
ServerConfig scenario_server_config();

// What one client does.
struct ClientPlan {
  std::vector<std::size_t> line_lengths;  // its message lines (after its join line), each exactly
                                          // this many bytes incl. prefix and '\n', raised to the
                                          // minimum identifiable length (scenario_line)
  Duration join_delay{0};                 // sleep before connecting (virtual time in the sim)
  Duration gap{0};                        // sleep before each of its message lines
  bool late = false;                      // does not take part in the join barrier (connects
                                          // after join_delay, any time)
  bool vanish_mid_line = false;           // after its lines, sends the first half of one more
                                          // line, then closes (the half never shows up in the log)
  Duration stop_reading_for{0};           // > 0: after the barrier and its lines it stops
                                          // reading for this long, still connected (its socket
                                          // buffer fills), then closes (slow-client)
  friend bool operator==(const ClientPlan&, const ClientPlan&) = default;
};

struct Scenario {
  int clients = 3;          // uniform plans only (plans empty)
  int messages = 5;         // uniform plans only: lines per client
  size_t line_length = 24;  // uniform plans: bytes per line incl. the "cN: mNNN " prefix and '\n'
                            // (at least the prefix and '\n': shorter is raised to that). Always:
                            // the join line's length (capped at server.max_line)
  ServerConfig server = scenario_server_config();
  std::uint16_t port = 7000;
  Duration settle = std::chrono::seconds(2);  // how long a client keeps listening after it last
                                              // made progress (sent or received a new line),
                                              // counted from the end of the scenario's schedule
                                              // (schedule_horizon) at the earliest
  std::vector<ClientPlan> plans;              // empty: `clients` uniform plans of `messages` x
                                              // `line_length`; else one plan per client, and
                                              // `clients`/`messages` are ignored
  std::string transcript_dir = "/papaya/received";  // "" = no transcripts
  // The exploration scenario (`papaya explore`, docs/explore.md): init shuts the server down only
  // once the run is idle (it sleeps idle_shutdown_wait first: in the simulator virtual time moves
  // only when every process is blocked) and reaps by pid, never waitpid(-1). Off: the classic
  // shutdown under load (SIGTERM to the server's group as soon as the clients are done, then a
  // waitpid(-1) loop). Recorded in the trace header only when set.
  bool idle_shutdown = false;
  // Each non-late client reports its join to init through a pipe of its own, read in client
  // order, instead of one pipe they all write: which client's byte init reads first is a race
  // no property reads, and on two clients it was a third of optimal DPOR's branches
  // (docs/explore.md, "One barrier pipe per client"). Part of the exploration scenario; recorded
  // in the trace header only when set.
  bool barrier_per_client = false;
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

// The exploration scenario (`papaya explore`): the idle shutdown and one barrier pipe per client.
inline void use_exploration_scenario(Scenario& s) {
  s.idle_shutdown = true;
  s.barrier_per_client = true;
}

// How long init sleeps before an idle shutdown: more than the process server's accept tick (1 s,
// process_server.cpp), so a cluster whose SIGCHLD came before the daemon's accept blocked is
// reaped at the tick before init wakes, and less than two ticks.
inline constexpr Duration idle_shutdown_wait = std::chrono::milliseconds(1500);

// The plans the run follows: `plans`, or `clients` uniform plans of `messages` x `line_length`.
std::vector<ClientPlan> effective_plans(const Scenario& s);

// Every whole line client `c` (1-based) sends, in order, join line first, exactly as sent (incl.
// '\n'). Lines longer than s.server.max_line are still listed (the server must refuse them; the
// checker knows). A vanishing client's final half line is not listed (vanish_half_line).
// Empty when there is no client `c`.
std::vector<std::string> sent_lines(const Scenario& s, int c);

// The bytes a vanish_mid_line client sends after its whole lines before it closes: the first half
// of scenario line (c, its line count + 1), no '\n'. "" for a client that does not vanish.
std::string vanish_half_line(const Scenario& s, int c);

// The file where client c's process appends EVERY byte it receives from the server, chunk by
// chunk as received, through Os (opened O_WRONLY|O_CREAT|O_TRUNC|O_APPEND once after connecting;
// each recv'd chunk written at once, so a client killed by its settle alarm still leaves a full
// transcript). s.transcript_dir + "/c" + N; "" when transcript_dir is "" (no transcripts).
std::string transcript_path(const Scenario& s, int c);

// An upper bound on when the last planned line is sent, from the clients' start (virtual time in
// the sim, where the run's work takes none): the longest join delay plus the longest sum of gaps.
// Clients never settle before it has passed.
Duration schedule_horizon(const Scenario& s);

// One line for people: "3 clients: c1 2 lines [24,5000] gap 1ms; c2 late +5ms 0 lines; c3 1 line
// [24] vanishes mid-line", then the server settings that differ from the scenario defaults in
// parentheses ("(variant no-lock, max_line 100)").
std::string describe(const Scenario& s);

// Every field of a Scenario as one JSON object (durations in ns: "settle_ns", "join_delay_ns",
// ...; the variant by name; the key only when it is not scenario_key), for trace headers.
nlohmann::json to_json(const Scenario& s);

// A Scenario, or why a JSON value does not describe one.
struct ScenarioFromJson {
  std::optional<Scenario> scenario;  // set on success
  std::string error;                 // on failure: one line naming the field and the problem
  bool ok() const { return scenario.has_value(); }
  explicit operator bool() const { return ok(); }
  const Scenario& operator*() const { return *scenario; }
  const Scenario* operator->() const { return &*scenario; }
};
// The inverse of to_json. Missing fields keep the Scenario defaults (so older trace headers, with
// fewer fields, still load); an unknown field, a wrong type, an out-of-range value or an unknown
// variant is an error.
ScenarioFromJson from_json(const nlohmann::json& j);

// Line `message` (message 0: the join line) of client `client` (both 1-based):
// "c2: m003 bbbbbbbbbbbbbbb\n", exactly max(length, prefix + 1) bytes; the padding letter is the
// client's ('a' + (client-1) % 26), so a line torn and mixed with another's shows it.
std::string scenario_line(int client, int message, size_t length);
// The shortest scenario line of (client, message): its prefix and '\n'.
size_t scenario_line_min_length(int client, int message);

struct LineId {
  int client = 0;
  int message = 0;
  friend bool operator==(const LineId&, const LineId&) = default;
};
// Which scenario line `line` (with or without its '\n') is, whatever its length: nullopt unless it
// is exactly scenario_line(id.client, id.message, n) for some id and length n (its "cN: mNNN "
// prefix, then only the client's padding letter). A torn or mixed line, one with a NUL, or one
// renumbered ("m3" for "m003") is not identified; a line that lost some of its padding is: compare
// its length with the one sent (sent_lines) to tell.
std::optional<LineId> parse_scenario_line(std::string_view line);
// As above, and exactly `length` bytes long counting a '\n' (a line given without its '\n' is
// `length - 1` bytes).
std::optional<LineId> parse_scenario_line(std::string_view line, size_t length);

// The init process of a run: unlinks the log, listens on 127.0.0.1:port (port 0: an ephemeral
// port), forks the server into its own process group (setpgid), forks the clients, and when all
// clients are done SIGTERMs the server's group, reaps everything and returns 0 (1 if the listener
// or a pipe cannot be set up or a fork fails). With `idle_shutdown`: when all clients are done it
// sleeps idle_shutdown_wait, SIGTERMs the server alone, reaps it by pid, then anything left.
//
// Every client sleeps its join_delay, connects, opens its transcript, sends the key and its join
// line (message 0), and waits until the join line comes back: from then on its Child SEND is
// following the log. Clients that are not `late` then meet at a barrier (two pipes with init);
// when all of them have joined, each sends its message lines (sleeping `gap` before each) and
// keeps receiving until it has seen every accepted message line (length <= max_line) of every
// non-late client, then closes (exit 0). The barrier makes "every line" exact: a client that
// joined late would otherwise rightly miss lines older than the server's history. A `late` client
// skips the barrier, sends its lines, waits until its own accepted lines come back, tells init so
// (a pipe) and listens until `settle` passes with nothing new: it cannot know which older lines
// it was meant to miss. A `vanish_mid_line` client, once its own accepted lines are back, sends
// vanish_half_line and closes (exit 0).
//
// `settle` is alarm(2) with SIGALRM's default action, re-armed on progress (a line sent or a new
// line seen) and disarmed during the barrier: it ends a client however it is blocked, with no
// window in which a caught alarm could be missed. It never fires before schedule_horizon has
// passed. Client exit codes: 0 saw every line, 1 the server closed first, 2 could not connect or
// send; killed by SIGALRM: settled (the normal end of a late client that saw its own lines back,
// else lines went missing). Each outcome is logged.
int run_scenario(Os& os, const Scenario& s);

// How the clients of a run ended, for callers that want more than the exit code.
struct ScenarioReport {
  int code = 0;            // run_scenario's return value
  int saw_every_line = 0;  // clients that completed their plan: exited 0, or (late clients)
                           // settled after seeing their own accepted lines come back
  int settled = 0;         // clients ended by their settle alarm short: lines went missing
  int failed = 0;          // clients that could not connect or send, or saw the server close
};
// run_scenario, reporting the clients' outcomes.
ScenarioReport run_scenario_report(Os& os, const Scenario& s);

// Whether the server's end `w` is a clean stop: exit code 0. One exception, the goroutine design
// killed by SIGTERM when no client's join line came back (`served_a_client` false): its SIGTERM
// handling (signal.Notify, Os::signal_notify) is installed before its first accept, so a SIGTERM
// can have arrived before it only in a run where the server never served anyone (init sends it
// as soon as its clients are done, and with no client that can be before the server ran at all).
// Once a client was served, a goroutine server killed by SIGTERM is a server that did not stop.
bool server_stopped_cleanly(Design design, const WaitStatus& w, bool served_a_client);

}  // namespace papaya::chat
