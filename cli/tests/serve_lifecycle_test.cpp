// `papaya serve`'s life: stopping leaves nothing behind, daemon mode, pid file, privileges, and
// refusals (exit 2, one line) for bad keys and bad options.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "cli/tests/chat_helpers.hpp"
#include "cli/tests/proc_table.hpp"
#include "cli/tests/serve_process.hpp"
#include "cli/tests/spawn.hpp"

namespace papaya::cli::testing {
namespace {

using namespace std::chrono_literals;

class ServeLife : public ::testing::Test {
 protected:
  DescendantReaper reaper;
  TempDir dir;
};

size_t live_in_group(pid_t pgid) {
  size_t n = 0;
  for (const ProcEntry& p : processes_in_group(pgid)) n += p.state != 'Z';
  return n;
}

// Waits until no process at all (zombies included) is in `pgid`, reaping our own exited
// children meanwhile (the test is their subreaper). True if the group emptied in time.
bool group_empties(pid_t pgid, std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    reap_exited_children();
    if (processes_in_group(pgid).empty()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

void expect_one_line_refusal(const RunResult& r, const std::string& prefix,
                             const std::string& words) {
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
  EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
}

TEST_F(ServeLife, SigtermLeavesNoProcessOfTheServerBehind) {
  ServeProcess server(dir);
  ASSERT_TRUE(server.started()) << server.stderr_text();
  std::vector<std::unique_ptr<TestClient>> clients;
  for (const char* name : {"a", "b", "c"}) {
    clients.push_back(join(server.port(), name));
    ASSERT_NE(clients.back(), nullptr);
  }
  // The daemon, and per client a Child RECV and a Child SEND; the fiber design is one process.
  EXPECT_GE(live_in_group(server.server_group()), serve_design() == "fiber" ? 1u : 7u);
  EXPECT_NE(server.server_group(), ::getpgid(0));
  ChildOutcome end = server.stop(SIGTERM);
  EXPECT_TRUE(end.exited && end.code == 0) << end.describe() << "\n" << server.stderr_text();
  EXPECT_TRUE(group_empties(server.server_group(), 5s))
      << processes_in_group(server.server_group()).size() << " processes left in the group";
  for (auto& c : clients) EXPECT_TRUE(c->closed_within(5s));
}

TEST_F(ServeLife, SigintAsFromCtrlCStopsTheWholeServerToo) {
  ServeProcess server(dir);
  ASSERT_TRUE(server.started()) << server.stderr_text();
  auto a = join(server.port(), "a");
  ASSERT_NE(a, nullptr);
  ChildOutcome end = server.stop(SIGINT);
  EXPECT_TRUE(end.exited && end.code == 0) << end.describe();
  EXPECT_TRUE(group_empties(server.server_group(), 5s));
}

TEST_F(ServeLife, DaemonModeStartsWritesItsPidFileAndStopsOnSigterm) {
  std::string pid_path = dir.file("serve.pid");
  std::vector<std::string> args{
      "serve",      "--port",       "0",          "--log", dir.file("chat.log"),
      "--key-file", write_key(dir), "--pid-file", pid_path};
  RunResult launched = run_papaya(args, dir.path());
  ASSERT_TRUE(launched.exited && launched.code == 0) << launched.err;
  std::uint16_t port = port_in(launched.err);
  ASSERT_NE(port, 0) << launched.err;
  pid_t daemon = 0;
  std::ifstream(pid_path) >> daemon;
  ASSERT_GT(daemon, 0);
  EXPECT_EQ(::getpgid(daemon), daemon) << "the daemon leads its own group";
  EXPECT_NE(::getsid(daemon), ::getsid(0)) << "the daemon left the caller's session";

  auto a = join(port, "a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(read_file(dir.file("chat.log")), "a: hello\n");

  RunResult second = run_papaya(args, dir.path());
  expect_one_line_refusal(second,
                          "papaya serve: ", "held by running process " + std::to_string(daemon));

  ASSERT_EQ(::kill(daemon, SIGTERM), 0);
  EXPECT_TRUE(group_empties(daemon, 10s));
  EXPECT_TRUE(a->closed_within(5s));
  struct stat st;
  EXPECT_NE(::stat(pid_path.c_str(), &st), 0) << "a clean stop removes the pid file";
}

TEST_F(ServeLife, UserDropsPrivilegesAfterBindingAndTheServerStillWritesItsLog) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  ASSERT_EQ(::chmod(dir.path().c_str(), 0711), 0);  // nobody may reach the log by its path
  ServeProcess server(dir, {"--user", "nobody"});
  ASSERT_TRUE(server.started()) << server.stderr_text();
  auto a = join(server.port(), "a");
  ASSERT_NE(a, nullptr) << server.stderr_text();
  std::string status = read_file("/proc/" + std::to_string(server.server_group()) + "/status");
  EXPECT_NE(status.find("\nUid:\t65534\t65534\t65534\t65534\n"), std::string::npos) << status;
  EXPECT_EQ(server.log(), "a: hello\n");
}

TEST_F(ServeLife, ALogTheUserCannotReachIsRefusedAtStartInBothModes) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  // dir is mkdtemp's 0700 root directory: nobody cannot reach the log inside it.
  std::string log = dir.file("chat.log");
  std::vector<std::string> args{"serve",      "--port",       "0",      "--log", log,
                                "--key-file", write_key(dir), "--user", "nobody"};
  for (bool foreground : {true, false}) {
    std::vector<std::string> a = args;
    if (foreground) a.push_back("--foreground");
    RunResult r = run_papaya(a, dir.path());
    EXPECT_TRUE(r.exited && r.code == 1) << r.err;
    EXPECT_NE(r.err.find("cannot open log " + log + " as user nobody: Permission denied"),
              std::string::npos)
        << r.err;
  }
}

TEST_F(ServeLife, KeyFilesReadableByOthersOrOfTheWrongLengthAreRefused) {
  std::string log = dir.file("chat.log");
  std::string key = write_key(dir);
  ::chmod(key.c_str(), 0644);
  expect_one_line_refusal(
      run_papaya({"serve", "--foreground", "--port", "0", "--log", log, "--key-file", key},
                 dir.path()),
      "papaya serve: ", "readable or writable by group or others (mode 0644)");
  expect_one_line_refusal(
      run_papaya({"chat", "--port", "1", "--key-file", key, "--user", "a"}, dir.path()),
      "papaya chat: ", "readable or writable by group or others");
  write_file(key, test_key().substr(1) + "\n", 0600);
  expect_one_line_refusal(
      run_papaya({"serve", "--foreground", "--port", "0", "--log", log, "--key-file", key},
                 dir.path()),
      "papaya serve: ", "127 characters long");
  expect_one_line_refusal(
      run_papaya({"chat", "--port", "1", "--key-file", key, "--user", "a"}, dir.path()),
      "papaya chat: ", "127 characters long");
  struct stat st;
  EXPECT_NE(::stat(log.c_str(), &st), 0) << "a refused start creates nothing";
}

TEST_F(ServeLife, BadOptionsAreRefusedWithOneLineAndExitTwo) {
  std::string key = write_key(dir);
  std::vector<std::string> base{"serve", "--foreground",       "--port",     "0",
                                "--log", dir.file("chat.log"), "--key-file", key};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return run_papaya(a, dir.path());
  };
  expect_one_line_refusal(with({"--auth-timeout", "banana"}), "papaya serve: ", "--auth-timeout");
  expect_one_line_refusal(with({"--auth-timeout", "0s"}), "papaya serve: ", "--auth-timeout");
  expect_one_line_refusal(with({"--variant", "nope"}), "papaya serve: ", "unknown variant 'nope'");
  expect_one_line_refusal(with({"--threads", "0"}), "papaya: ", "--threads");
  if (serve_design() == "process") {  // the fiber run already names its --design
    expect_one_line_refusal(with({"--design", "goroutine"}), "papaya serve: ", "unknown design");
    expect_one_line_refusal(with({"--threads", "2"}), "papaya serve: ", "only --design fiber");
  }
  expect_one_line_refusal(with({"--user", "papaya-no-such-user"}),
                          "papaya serve: ", "no such user");
  expect_one_line_refusal(with({"--host", "192.0.2.1"}),
                          "papaya serve: ", "cannot listen on 192.0.2.1");
  expect_one_line_refusal(with({"--port", "70000"}), "papaya: ", "--port");
  expect_one_line_refusal(run_papaya({"serve", "--key-file", key}, dir.path()),
                          "papaya: ", "--log");
}

TEST_F(ServeLife, AHeldPidFileRefusesASecondForegroundServer) {
  std::string pid_path = dir.file("serve.pid");
  ServeProcess first(dir, {"--pid-file", pid_path});
  ASSERT_TRUE(first.started()) << first.stderr_text();
  EXPECT_EQ(read_file(pid_path), std::to_string(first.supervisor()) + "\n");
  RunResult second =
      run_papaya({"serve", "--foreground", "--port", "0", "--log", dir.file("other.log"),
                  "--key-file", dir.file("key"), "--pid-file", pid_path},
                 dir.path());
  expect_one_line_refusal(second, "papaya serve: ", "is held by running process");
}

}  // namespace
}  // namespace papaya::cli::testing
