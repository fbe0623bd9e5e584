// `papaya chat` end to end: real client processes, stdin and stdout as pipes.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "cli/tests/proc_table.hpp"
#include "cli/tests/serve_process.hpp"
#include "cli/tests/spawn.hpp"
#include "cli/tests/test_client.hpp"

namespace papaya::cli::testing {
namespace {

using namespace std::chrono_literals;

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
