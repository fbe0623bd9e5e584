// The scenario driver: the init process of a simulated (or real) run of the process design. A
// server, `clients` clients that each send `messages` distinct lines and listen for everyone's,
// then a clean shutdown. `papaya sim` and the property checker run it; the checker identifies each
// line in the trace with parse_scenario_line.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "chat/process_server.hpp"
#include "os/os.hpp"

namespace papaya::chat {

// A fixed key for scenarios: the SHA-512 hex digest of "papaya".
inline constexpr std::string_view scenario_key =
    "b4dad940683da74f6b8c5f43af0eee9532cde0243e232fb4e752d4343c50fabac9b764e020f1959d30af83fd64791b"
    "c"
    "99b305abd25129d88831b028cadda5cd5";

// ServerConfig with the scenario's log path ("/papaya/chat.log") and key.
ServerConfig scenario_server_config();

struct Scenario {
  int clients = 3;
  int messages = 5;         // lines per client
  size_t line_length = 24;  // bytes per line incl. the "cN: mNNN " prefix and '\n' (at least
                            // the prefix and '\n': shorter is raised to that)
  ServerConfig server = scenario_server_config();
  std::uint16_t port = 7000;
  Duration settle = std::chrono::seconds(2);  // how long a client keeps listening after it last
                                              // made progress (sent or received a new line)
};

// Line `message` (1-based) of client `client` (1-based): "c2: m003 bbbbbbbbbbbbbbb\n", exactly
// max(length, prefix + 1) bytes; the padding letter is the client's ('a' + (client-1) % 26), so
// a line torn and mixed with another's shows it.
std::string scenario_line(int client, int message, size_t length);

struct LineId {
  int client = 0;
  int message = 0;
  friend bool operator==(const LineId&, const LineId&) = default;
};
// Which scenario line `line` (with or without its '\n') is; nullopt unless it is exactly
// scenario_line(id.client, id.message, length) for some id.
std::optional<LineId> parse_scenario_line(std::string_view line, size_t length);

// The init process of a run: unlinks the log, listens on 127.0.0.1:port (port 0: an ephemeral
// port), forks the server into its own process group (setpgid), forks the clients, and when all
// clients are done SIGTERMs the server's group, reaps everything and returns 0 (1 if the listener
// or a pipe cannot be set up or a fork fails).
//
// A client connects, sends the key and its join line (message 0), and waits until the join line
// comes back: from then on its Child SEND is following the log. When every client has joined (a
// barrier through two pipes with init), the clients send their lines 1..messages and keep
// receiving until they have seen every client's every line, then close. The barrier makes
// "every line" exact: a client that joined late would otherwise rightly miss lines older than
// the server's history, and wait for `settle` in a correct run.
//
// `settle` is alarm(2) with SIGALRM's default action, re-armed on progress (a line sent or a new
// line seen) and disarmed during the barrier: it ends a client however it is blocked, with no
// window in which a caught alarm could be missed. Client exit codes: 0 saw every line, 1 the
// server closed first, 2 could not connect or send; killed by SIGALRM: settled without seeing
// every line. Each outcome is logged.
int run_scenario(Os& os, const Scenario& s);

// How the clients of a run ended, for callers that want more than the exit code.
struct ScenarioReport {
  int code = 0;            // run_scenario's return value
  int saw_every_line = 0;  // clients that exited 0
  int settled = 0;         // clients ended by their settle alarm: lines went missing for them
  int failed = 0;          // clients that could not connect or send, or saw the server close
};
// run_scenario, reporting the clients' outcomes.
ScenarioReport run_scenario_report(Os& os, const Scenario& s);

}  // namespace papaya::chat
