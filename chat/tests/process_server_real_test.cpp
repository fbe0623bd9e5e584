// The process design on the real kernel: a focused smoke test of the behaviour only a whole
// server shows (fan-out, refusal, authentication, a clean SIGTERM), the line client, and one
// scenario run. The `papaya serve` end-to-end suite (real/, cli/) covers daemonising and flags.
// Each test body runs in a forked child (signals and process groups stay away from the runner).
#include <gtest/gtest.h>

#include <cstdio>

#include "chat/client.hpp"
#include "chat/process/process_server.hpp"
#include "chat/scenario/scenario.hpp"
#include "os/io.hpp"
#include "real/real_os.hpp"
#include "real/tests/child.hpp"

namespace papaya::chat {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using real::RealOs;
using real::testing::run_in_child;
using real::testing::TempDir;

#define BODY_CHECK(cond)                                                                      \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "%s:%d: in child: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      return 1;                                                                               \
    }                                                                                         \
  } while (0)

const std::string key(scenario_key);

// A server in its own process group; SIGKILLs the group if the test body bails out early.
struct Server {
  Os& os;
  Pid pid = -1;
  std::uint16_t port = 0;

  Server(Os& o, const ServerConfig& cfg) : os(o) {
    Fd l = *os.listen("127.0.0.1", 0, 16);
    port = *os.local_port(l);
    Result<Pid> p = os.fork([cfg, l](Os& child) {
      (void)child.setpgid(0, 0);
      child.exit(run_process_server(child, cfg, l));
    });
    pid = *p;
    (void)os.setpgid(pid, pid);
    (void)os.close(l);
  }
  ~Server() {
    if (pid <= 0) return;
    (void)os.kill(-pid, Sig::kill);
    (void)os.waitpid(pid, false);
  }
  // SIGTERM to the group; the daemon's exit code.
  int stop() {
    (void)os.kill(-pid, Sig::term);
    Result<WaitStatus> w = os.waitpid(pid, false);
    pid = -1;
    return w && w->exited ? w->exit_code : -1;
  }
};

ServerConfig config(const TempDir& dir) {
  ServerConfig cfg;
  cfg.log_path = dir.file("chat.log");
  cfg.key = key;
  cfg.max_line = 64;
  cfg.auth_timeout = 300ms;
  return cfg;
}

Fd join(Os& os, std::uint16_t port, std::string_view k = key) {
  Fd fd = *os.connect("127.0.0.1", port);
  (void)send_all(os, fd, k);
  return fd;
}

// Receives until `want` bytes have arrived, the stream ends, or 3 s pass. REQUIRES: SIGALRM caught.
std::string recv_bytes(Os& os, Fd fd, size_t want) {
  std::string got;
  char buf[512];
  (void)os.alarm(3s);
  while (got.size() < want) {
    Result<size_t> n = os.recv(fd, std::span<char>(buf, sizeof buf));
    if (!n || *n == 0) break;
    got.append(buf, *n);
  }
  (void)os.alarm(0s);
  return got;
}

// Reads a pipe until `want` bytes, its end, or 3 s. REQUIRES: SIGALRM caught.
std::string read_pipe(Os& os, Fd fd, size_t want) {
  std::string got;
  char buf[256];
  (void)os.alarm(3s);
  while (got.size() < want) {
    Result<size_t> n = os.read(fd, std::span<char>(buf, std::min(sizeof buf, want - got.size())));
    if (!n || *n == 0) break;
    got.append(buf, *n);
  }
  (void)os.alarm(0s);
  return got;
}

std::string file_contents(Os& os, const std::string& path) {
  Fd fd = *os.open(path, OpenFlags::rdonly);
  std::string s = *pread_to_eof(os, fd, 0);
  (void)os.close(fd);
  return s;
}

TEST(ProcessServerOnLinux, LinesReachEveryClientRefusedLinesReachNobodyAndSigtermEndsAll) {
  TempDir dir;
  auto body = [&]() -> int {
    RealOs os;
    (void)os.sigaction(Sig::alrm, SigAction::catch_flag(false));
    Server server(os, config(dir));
    Fd a = join(os, server.port);
    BODY_CHECK(send_all(os, a, "a: one\n").ok());
    BODY_CHECK(recv_bytes(os, a, 7) == "a: one\n");
    Fd b = join(os, server.port);
    BODY_CHECK(recv_bytes(os, b, 7) == "a: one\n");  // history
    BODY_CHECK(send_all(os, b, "b: two\n").ok());
    BODY_CHECK(recv_bytes(os, a, 7) == "b: two\n");
    BODY_CHECK(recv_bytes(os, b, 7) == "b: two\n");
    const std::string too_long = "a: " + std::string(80, 'z') + "\n";
    BODY_CHECK(send_all(os, a, too_long + "a: with\0nul\na: three\n"s).ok());
    BODY_CHECK(recv_bytes(os, b, 9) == "a: three\n");
    BODY_CHECK(recv_bytes(os, a, 9) == "a: three\n");
    BODY_CHECK(server.stop() == 0);
    // Both processes of each cluster hold its socket: end of stream means both are gone.
    BODY_CHECK(recv_bytes(os, a, 1).empty());
    BODY_CHECK(recv_bytes(os, b, 1).empty());
    BODY_CHECK(file_contents(os, config(dir).log_path) == "a: one\nb: two\na: three\n");
    return 0;
  };
  const real::testing::ChildOutcome out = run_in_child(body, 20s);
  EXPECT_CHILD_OK(out);  // (the macro reads its argument more than once)
}

TEST(ProcessServerOnLinux, AWrongShortOrLateKeyIsClosedWithoutAByteAndLogsNothing) {
  TempDir dir;
  auto body = [&]() -> int {
    RealOs os;
    (void)os.sigaction(Sig::alrm, SigAction::catch_flag(false));
    Server server(os, config(dir));
    Fd seed = join(os, server.port);
    BODY_CHECK(send_all(os, seed, "s: history\n").ok());
    BODY_CHECK(recv_bytes(os, seed, 11) == "s: history\n");
    Fd wrong = join(os, server.port, std::string(128, 'f'));
    BODY_CHECK(recv_bytes(os, wrong, 1).empty());
    Fd shorter = join(os, server.port, key.substr(0, 127));
    BODY_CHECK(os.shutdown(shorter, ShutHow::wr).ok());
    BODY_CHECK(recv_bytes(os, shorter, 1).empty());
    Fd silent = *os.connect("127.0.0.1", server.port);  // past auth_timeout (300 ms)
    BODY_CHECK(recv_bytes(os, silent, 1).empty());
    BODY_CHECK(server.stop() == 0);
    BODY_CHECK(file_contents(os, config(dir).log_path) == "s: history\n");
    return 0;
  };
  const real::testing::ChildOutcome out = run_in_child(body, 20s);
  EXPECT_CHILD_OK(out);  // (the macro reads its argument more than once)
}

TEST(ProcessServerOnLinux, TheLineClientSendsItsLinesPrintsTheServersBytesAndReturnsZero) {
  TempDir dir;
  auto body = [&]() -> int {
    RealOs os;
    (void)os.sigaction(Sig::alrm, SigAction::catch_flag(false));
    Server server(os, config(dir));
    Fd seed = join(os, server.port);
    BODY_CHECK(send_all(os, seed, "s: seed\n").ok());
    BODY_CHECK(recv_bytes(os, seed, 8) == "s: seed\n");
    auto [in_r, in_w] = *os.pipe();
    auto [out_r, out_w] = *os.pipe();
    ClientConfig cfg{.host = "127.0.0.1", .port = server.port, .key = key, .user = "me"};
    Pid client = *os.fork([&, in_r, in_w, out_r, out_w](Os& child) {
      (void)child.close(in_w);  // or the client would never see the end of its input
      (void)child.close(out_r);
      child.exit(run_line_client(child, cfg, in_r, out_w));
    });
    (void)os.close(in_r);
    (void)os.close(out_w);
    BODY_CHECK(write_all(os, in_w, "hello\n").ok());
    // The history, then its own line as every client gets it.
    BODY_CHECK(read_pipe(os, out_r, 18) == "s: seed\nme: hello\n");
    BODY_CHECK(write_all(os, in_w, "last without newline").ok());
    (void)os.close(in_w);  // end of input: flush, then 0
    (void)os.alarm(3s);
    Result<WaitStatus> w = os.waitpid(client, false);
    (void)os.alarm(0s);
    if (!w) (void)os.kill(client, Sig::kill);
    BODY_CHECK(w && w->exited && w->exit_code == 0);
    const std::string log = file_contents(os, config(dir).log_path);
    BODY_CHECK(log == "s: seed\nme: hello\nme: last without newline\n");
    BODY_CHECK(recv_bytes(os, seed, log.size() - 8) == log.substr(8));
    return 0;
  };
  const real::testing::ChildOutcome out = run_in_child(body, 20s);
  EXPECT_CHILD_OK(out);  // (the macro reads its argument more than once)
}

// With all its input there at once and then its end (`printf ... | papaya chat`), the client still
// prints its own lines: it hangs up only once its last line has come back (the server ends the
// cluster, Child SEND included, as soon as it sees the client's end). The line the client knows
// is too long (max_line given) and the one with a NUL are refused, so not waited for: the run
// takes nowhere near the linger.
TEST(ProcessServerOnLinux, TheLineClientHangsUpOnlyOnceItsLastLineHasComeBack) {
  TempDir dir;
  auto body = [&]() -> int {
    RealOs os;
    (void)os.sigaction(Sig::alrm, SigAction::catch_flag(false));
    Server server(os, config(dir));
    ClientConfig cfg{.host = "127.0.0.1",
                     .port = server.port,
                     .key = key,
                     .user = "me",
                     .linger = 10s,
                     .max_line = config(dir).max_line};
    for (int i = 0; i < 10; ++i) {
      const std::string n = std::to_string(i);
      auto [in_r, in_w] = *os.pipe();
      auto [out_r, out_w] = *os.pipe();
      const std::string input =
          "a " + n + "\nb " + n + "\n" + std::string(100, 'z') + "\nnul \0 inside\n"s;
      BODY_CHECK(write_all(os, in_w, input).ok());
      (void)os.close(in_w);
      const Duration start = os.now();
      BODY_CHECK(run_line_client(os, cfg, in_r, out_w) == 0);
      BODY_CHECK(os.now() - start < 5s);
      (void)os.close(in_r);
      (void)os.close(out_w);
      const std::string out = read_pipe(os, out_r, std::string::npos);  // to its end
      (void)os.close(out_r);
      const std::string mine = "me: a " + n + "\nme: b " + n + "\n";
      BODY_CHECK(out.size() >= mine.size() && out.substr(out.size() - mine.size()) == mine);
    }
    return 0;
  };
  const real::testing::ChildOutcome out = run_in_child(body, 30s);
  EXPECT_CHILD_OK(out);  // (the macro reads its argument more than once)
}

// With no history, a client's first line still comes back, at once: its join point is fixed
// before Child RECV appends anything of its own (the client would otherwise wait its linger).
TEST(ProcessServerOnLinux, WithNoHistoryTheClientsFirstLineComesBack) {
  TempDir dir;
  auto body = [&]() -> int {
    RealOs os;
    (void)os.sigaction(Sig::alrm, SigAction::catch_flag(false));
    ServerConfig cfg = config(dir);
    cfg.history = 0;
    Server server(os, cfg);
    ClientConfig client{.host = "127.0.0.1",
                        .port = server.port,
                        .key = key,
                        .user = "me",
                        .linger = 10s,
                        .max_line = cfg.max_line};
    for (int i = 0; i < 20; ++i) {
      auto [in_r, in_w] = *os.pipe();
      auto [out_r, out_w] = *os.pipe();
      const std::string line = "first " + std::to_string(i) + "\n";
      BODY_CHECK(write_all(os, in_w, line).ok());
      (void)os.close(in_w);
      const Duration start = os.now();
      BODY_CHECK(run_line_client(os, client, in_r, out_w) == 0);
      BODY_CHECK(os.now() - start < 5s);
      (void)os.close(in_r);
      (void)os.close(out_w);
      BODY_CHECK(read_pipe(os, out_r, std::string::npos) == "me: " + line);
      (void)os.close(out_r);
    }
    return 0;
  };
  const real::testing::ChildOutcome out = run_in_child(body, 60s);
  EXPECT_CHILD_OK(out);
}

TEST(ProcessServerOnLinux, TheLineClientReturnsTwoWhenRefusedOrWhenNobodyListens) {
  TempDir dir;
  auto body = [&]() -> int {
    RealOs os;
    Server server(os, config(dir));
    auto [in_r, in_w] = *os.pipe();
    auto [out_r, out_w] = *os.pipe();
    ClientConfig cfg{
        .host = "127.0.0.1", .port = server.port, .key = std::string(128, '0'), .user = "me"};
    BODY_CHECK(run_line_client(os, cfg, in_r, out_w) == 2);  // closed without a byte
    BODY_CHECK(server.stop() == 0);
    cfg.key = key;
    BODY_CHECK(run_line_client(os, cfg, in_r, out_w) == 2);  // ECONNREFUSED
    (void)in_w;
    (void)out_r;
    return 0;
  };
  const real::testing::ChildOutcome out = run_in_child(body, 20s);
  EXPECT_CHILD_OK(out);
}

TEST(ScenarioOnLinux, EveryClientSeesEveryLineAndTheLogHoldsEachOnce) {
  TempDir dir;
  auto body = [&]() -> int {
    RealOs os;
    Scenario s;
    s.clients = 4;
    s.messages = 20;
    s.line_length = 40;
    s.port = 0;
    s.server.log_path = dir.file("chat.log");
    s.transcript_dir = dir.path();
    ScenarioReport r = run_scenario_report(os, s);
    BODY_CHECK(r.code == 0);
    BODY_CHECK(r.saw_every_line == 4);
    std::string log = file_contents(os, s.server.log_path);
    BODY_CHECK(log.size() == static_cast<size_t>(4 * 21 * 40));  // join lines + lines
    for (int c = 1; c <= 4; ++c) {
      for (int m = 0; m <= 20; ++m) {
        BODY_CHECK(log.find(scenario_line(c, m, 40)) != std::string::npos);
      }
      // Every client stayed until the last line: its transcript is the log's tail.
      const std::string t = file_contents(os, transcript_path(s, c));
      BODY_CHECK(!t.empty() && log.ends_with(t));
    }
    return 0;
  };
  const real::testing::ChildOutcome out = run_in_child(body, 30s);
  EXPECT_CHILD_OK(out);  // (the macro reads its argument more than once)
}

TEST(ScenarioOnLinux, PlansWithLongLinesALateJoinerAndAVanishingClient) {
  TempDir dir;
  auto body = [&]() -> int {
    RealOs os;
    Scenario s;
    s.port = 0;
    s.settle = 500ms;
    s.server.log_path = dir.file("chat.log");
    s.transcript_dir = dir.path();
    s.plans = {ClientPlan{.line_lengths = {24, 5000, 4096}, .gap = 1ms},
               ClientPlan{.line_lengths = {100}, .join_delay = 20ms, .late = true},
               ClientPlan{.line_lengths = {10000, 50}, .vanish_mid_line = true}};
    ScenarioReport r = run_scenario_report(os, s);
    BODY_CHECK(r.code == 0);
    BODY_CHECK(r.saw_every_line == 3);
    const std::string log = file_contents(os, s.server.log_path);
    size_t accepted = 0;
    for (int c = 1; c <= 3; ++c) {
      for (const std::string& l : sent_lines(s, c)) {
        const bool in_log = log.find(l) != std::string::npos;
        BODY_CHECK(in_log == (l.size() <= s.server.max_line));
        accepted += in_log ? l.size() : 0;
      }
    }
    BODY_CHECK(log.size() == accepted);
    BODY_CHECK(log.find(vanish_half_line(s, 3)) == std::string::npos);
    // The late client listened to the end.
    BODY_CHECK(log.ends_with(file_contents(os, transcript_path(s, 2))));
    return 0;
  };
  const real::testing::ChildOutcome out = run_in_child(body, 30s);
  EXPECT_CHILD_OK(out);
}

}  // namespace
}  // namespace papaya::chat
