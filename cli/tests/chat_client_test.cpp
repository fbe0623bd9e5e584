// `papaya chat` end to end: real client processes, stdin and stdout as pipes.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "cli/tests/proc_table.hpp"
#include "cli/tests/serve_process.hpp"
#include "cli/tests/spawn.hpp"
#include "cli/tests/test_client.hpp"

namespace papaya::cli::testing {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

class ChatClient : public ::testing::Test {
 protected:
  DescendantReaper reaper;
  TempDir dir;
};

// A `papaya chat` process with its stdin and stdout in our hands.
struct ChatProcess {
  Spawned p;
  std::string out;  // what it printed so far

  ChatProcess(std::uint16_t port, const std::string& key_file, const std::string& user) {
    SpawnOptions o;
    o.pipe_stdin = true;
    o.pipe_stdout = true;
    p = spawn({papaya_binary(), "chat", "--port", std::to_string(port), "--key-file", key_file,
               "--user", user},
              o);
  }
  ~ChatProcess() {
    if (p.in >= 0) ::close(p.in);
    ::close(p.out);
  }
  bool type(const std::string& text) {
    return ::write(p.in, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  }
  bool shows(const std::string& needle) { return read_until_contains(p.out, out, needle, 10s); }
  void end_input() {
    ::close(p.in);
    p.in = -1;
  }
  ChildOutcome wait() {
    ChildOutcome end = real::testing::wait_child(p.pid, 10s);
    out += read_all(p.out, 1s);
    return end;
  }
};

// `papaya chat` with all of `input` piped in at once and stdin then closed, as in
// `printf 'hi\n' | papaya chat ...`: what it printed, how it ended, and how long it took.
struct PipedRun {
  ChildOutcome end;
  std::string out;
  std::chrono::milliseconds took{};
};

PipedRun run_piped(std::uint16_t port, const std::string& key_file, const std::string& user,
                   const std::string& input, const std::vector<std::string>& extra = {}) {
  SpawnOptions o;
  o.pipe_stdin = true;
  o.pipe_stdout = true;
  std::vector<std::string> args{papaya_binary(), "chat",   "--port", std::to_string(port),
                                "--key-file",    key_file, "--user", user};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto start = std::chrono::steady_clock::now();
  Spawned p = spawn(args, o);
  PipedRun run;
  const bool wrote =
      ::write(p.in, input.data(), input.size()) == static_cast<ssize_t>(input.size());
  ::close(p.in);
  run.out = read_all(p.out, 20s);  // to end of file: every process of the client is gone
  run.end = real::testing::wait_child(p.pid, 5s);
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  ::close(p.out);
  if (!wrote) run.out = "(could not write stdin) " + run.out;
  return run;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The gap this closes: the server ends a client's cluster as soon as it sees the client's end of
// stream, so a client that hung up right after its last line often never got that line back
// (this test with `--linger 0` failed every run, 5 x 20 of each kind; the client before the
// linger lost its line in 84 to 88 runs out of 100 on loopback). Each line is unique, so it
// cannot come from the history; after the history, nothing but our own lines are sent to us, so
// they end the output.
TEST_F(ChatClient, PipedInputAlwaysComesBackBeforeTheClientHangsUp) {
  ServeProcess server(dir);
  ASSERT_TRUE(server.started()) << server.stderr_text();
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    PipedRun one = run_piped(server.port(), dir.file("key"), "alice", "hi " + n + "\n");
    EXPECT_TRUE(one.end.exited && one.end.code == 0) << "run " << i << ": " << one.end.describe();
    EXPECT_TRUE(ends_with(one.out, "alice: hi " + n + "\n")) << "run " << i << ": " << one.out;

    PipedRun three = run_piped(server.port(), dir.file("key"), "bob",
                               "one " + n + "\ntwo " + n + "\nthree " + n);  // no final '\n'
    EXPECT_TRUE(three.end.exited && three.end.code == 0)
        << "run " << i << ": " << three.end.describe();
    EXPECT_TRUE(
        ends_with(three.out, "bob: one " + n + "\nbob: two " + n + "\nbob: three " + n + "\n"))
        << "run " << i << ": " << three.out;
  }
}

// A line the server refuses never comes back: the client waits for it no longer than --linger.
// (The client believes max_line is 4096; this server's is 64.)
TEST_F(ChatClient, LingerBoundsTheWaitForALineThatNeverComesBack) {
  ServeProcess server(dir, {"--max-line", "64"});
  ASSERT_TRUE(server.started()) << server.stderr_text();
  PipedRun run = run_piped(server.port(), dir.file("key"), "alice",
                           "hi\n" + std::string(100, 'x') + "\n", {"--linger", "500ms"});
  EXPECT_TRUE(run.end.exited && run.end.code == 0) << run.end.describe();
  EXPECT_TRUE(ends_with(run.out, "alice: hi\n")) << run.out;
  EXPECT_GE(run.took, 490ms);  // it did wait (for the refused line)...
  EXPECT_LT(run.took, 4s);     // ...and then gave up
  EXPECT_EQ(server.log(), "alice: hi\n");
}

// Lines the client knows the server refuses (longer than --max-line, or with a NUL) are not
// awaited: it waits for the last line that will come back, then hangs up at once.
TEST_F(ChatClient, DoesNotWaitForLinesItKnowsTheServerRefuses) {
  ServeProcess server(dir, {"--max-line", "64"});
  ASSERT_TRUE(server.started()) << server.stderr_text();
  PipedRun run = run_piped(server.port(), dir.file("key"), "alice",
                           "hi\n" + std::string(100, 'x') + "\nnul \0 inside\n"s,
                           {"--linger", "30s", "--max-line", "64"});
  EXPECT_TRUE(run.end.exited && run.end.code == 0) << run.end.describe();
  EXPECT_TRUE(ends_with(run.out, "alice: hi\n")) << run.out;
  EXPECT_LT(run.took, 10s);  // far below the 30 s linger
  EXPECT_EQ(server.log(), "alice: hi\n");
}

TEST_F(ChatClient, RefusesABadLinger) {
  std::string key = write_key(dir);
  for (const char* bad : {"soon", "-1s", "5"}) {
    RunResult r =
        run_papaya({"chat", "--key-file", key, "--user", "eve", "--linger", bad}, dir.path());
    EXPECT_TRUE(r.exited && r.code == 2) << bad << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  }
}

TEST_F(ChatClient, OneClientsStdinLineAppearsOnTheOthersStdout) {
  ServeProcess server(dir);
  ASSERT_TRUE(server.started()) << server.stderr_text();
  ChatProcess alice(server.port(), dir.file("key"), "alice");
  ChatProcess bob(server.port(), dir.file("key"), "bob");
  ASSERT_TRUE(bob.type("hi, bob here\n"));
  ASSERT_TRUE(bob.shows("bob: hi, bob here\n")) << bob.out;  // bob is in
  ASSERT_TRUE(alice.type("hello from alice\n"));
  EXPECT_TRUE(bob.shows("alice: hello from alice\n")) << bob.out;
  EXPECT_TRUE(alice.shows("alice: hello from alice\n")) << alice.out;

  alice.end_input();
  ChildOutcome a = alice.wait();
  EXPECT_TRUE(a.exited && a.code == 0) << a.describe();
  bob.end_input();
  ChildOutcome b = bob.wait();
  EXPECT_TRUE(b.exited && b.code == 0) << b.describe();
  EXPECT_EQ(server.log(), "bob: hi, bob here\nalice: hello from alice\n");
}

TEST_F(ChatClient, ExitsOneWhenTheServerClosesFirst) {
  ServeProcess server(dir);
  ASSERT_TRUE(server.started()) << server.stderr_text();
  ChatProcess carol(server.port(), dir.file("key"), "carol");
  ASSERT_TRUE(carol.type("anyone?\n"));
  ASSERT_TRUE(carol.shows("carol: anyone?\n")) << carol.out;
  ChildOutcome stopped = server.stop(SIGTERM);
  EXPECT_TRUE(stopped.exited && stopped.code == 0) << stopped.describe();
  ChildOutcome c = carol.wait();
  EXPECT_TRUE(c.exited && c.code == 1) << c.describe();
}

TEST_F(ChatClient, ExitsTwoWhenNothingListensOrTheKeyIsWrong) {
  std::string key = write_key(dir);
  // The server runs for the wrong-key case, then stops: its port is then one nobody listens on.
  ServeProcess server(dir);
  ASSERT_TRUE(server.started()) << server.stderr_text();
  std::uint16_t live_port = server.port();

  std::string other = dir.file("other.key");
  std::string wrong = test_key();
  wrong[5] = wrong[5] == 'a' ? 'b' : 'a';
  write_file(other, wrong + "\n", 0600);
  // stdin stays open (a pipe): the server's close, not the end of input, ends the client. The
  // protocol has no "authenticated" answer, so a close before any byte is the refusal.
  ChatProcess eve(live_port, other, "eve");
  ChildOutcome refused = eve.wait();
  EXPECT_TRUE(refused.exited && refused.code == 2) << refused.describe();
  EXPECT_EQ(eve.out, "");

  ChildOutcome stopped = server.stop(SIGTERM);
  ASSERT_TRUE(stopped.exited);
  RunResult no_server =
      run_papaya({"chat", "--port", std::to_string(live_port), "--key-file", key, "--user", "eve"},
                 dir.path());
  EXPECT_TRUE(no_server.exited && no_server.code == 2) << no_server.err;
  EXPECT_EQ(count_lines(no_server.err), 1u) << no_server.err;
}

}  // namespace
}  // namespace papaya::cli::testing
