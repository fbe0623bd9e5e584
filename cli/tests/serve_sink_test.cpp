// `papaya serve --workload sink` on both designs (the paper's experiment server, docs/results.md):
// every byte every client sends reaches the output, one process per client or one process in all,
// a stop with SIGTERM, max_clients, and the refusals of bad input. Each test starts its server on
// an ephemeral port of 127.0.0.1 and kills its process groups at teardown (ServeProcess).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "cli/tests/proc_table.hpp"
#include "cli/tests/serve_process.hpp"
#include "cli/tests/spawn.hpp"
#include "cli/tests/test_client.hpp"

namespace papaya::cli::testing {
namespace {

using namespace std::chrono_literals;

// The designs with a sink in this build (sanitizer builds leave Boost.Fiber out).
std::vector<std::string> sink_designs() {
#if PAPAYA_TEST_HAVE_FIBER
  return {"process", "fiber"};
#else
  return {"process"};
#endif
}

class ServeSink : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> sink_args(std::vector<std::string> extra = {}) const {
    std::vector<std::string> a{"--design", GetParam(), "--workload", "sink"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  DescendantReaper reaper;
  TempDir dir;
};

size_t sink_live_in_group(pid_t pgid) {
  size_t n = 0;
  for (const ProcEntry& p : processes_in_group(pgid)) n += p.state != 'Z';
  return n;
}

// Polls `done` every 5 ms until it holds or the deadline passes.
template <class F>
bool sink_eventually(F done, std::chrono::milliseconds deadline) {
  for (auto until = std::chrono::steady_clock::now() + deadline;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(5ms))
    if (done()) return true;
  return done();
}

TEST_P(ServeSink, EveryByteEveryClientSendsReachesTheOutputAndEndOfStreamClosesTheClient) {
  const std::string out = dir.file("sink.out");
  write_file(out, "", 0600);
  ServeProcess server(dir, sink_args({"--sink-output", out}));
  ASSERT_TRUE(server.started()) << server.stderr_text();
  constexpr size_t kClients = 4;
  constexpr size_t kBytes = 300 * 1024;  // more than one 4096-byte read, many times over
  std::vector<std::unique_ptr<TestClient>> clients;
  for (size_t i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<TestClient>(server.port()));
    ASSERT_TRUE(clients.back()->ok());
  }
  for (size_t i = 0; i < kClients; ++i) {
    ASSERT_TRUE(clients[i]->send(std::string(kBytes, static_cast<char>('a' + i))));
    clients[i]->finish_sending();
  }
  EXPECT_TRUE(sink_eventually([&] { return read_file(out).size() >= kClients * kBytes; }, 10s))
      << read_file(out).size() << " of " << kClients * kBytes << " bytes in the output";
  const std::string got = read_file(out);
  EXPECT_EQ(got.size(), kClients * kBytes);
  for (size_t i = 0; i < kClients; ++i)
    EXPECT_EQ(static_cast<size_t>(std::count(got.begin(), got.end(), static_cast<char>('a' + i))),
              kBytes)
        << "client " << i;
  for (auto& c : clients) EXPECT_TRUE(c->closed_within(5s)) << "the server kept a finished client";
}

TEST_P(ServeSink, FiberIsOneProcessForAllClientsAndProcessForksOnePerClient) {
  ServeProcess server(dir, sink_args());
  ASSERT_TRUE(server.started()) << server.stderr_text();
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<TestClient>(server.port()));
    ASSERT_TRUE(clients.back()->ok());
    ASSERT_TRUE(clients.back()->send("x"));
  }
  const size_t want = GetParam() == "fiber" ? 1 : 4;  // the server, and one child per client
  EXPECT_TRUE(
      sink_eventually([&] { return sink_live_in_group(server.server_group()) == want; }, 5s))
      << sink_live_in_group(server.server_group()) << " processes, expected " << want;
  std::this_thread::sleep_for(100ms);  // and no more come
  EXPECT_EQ(sink_live_in_group(server.server_group()), want);
}

TEST_P(ServeSink, SigtermStopsItWithExitCodeZeroAndEveryClientSeesTheEnd) {
  ServeProcess server(dir, sink_args());
  ASSERT_TRUE(server.started()) << server.stderr_text();
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<TestClient>(server.port()));
    ASSERT_TRUE(clients.back()->ok());
    ASSERT_TRUE(clients.back()->send("some bytes"));
  }
  // Its handlers are in place once it says how it sinks (both designs log it after installing
  // them); a SIGTERM before that would take the default action, as for any server.
  ASSERT_TRUE(sink_eventually(
      [&] { return server.stderr_text().find("-byte reads to") != std::string::npos; }, 5s))
      << server.stderr_text();
  ChildOutcome end = server.stop(SIGTERM);
  EXPECT_TRUE(end.exited && end.code == 0) << end.describe() << "\n" << server.stderr_text();
  for (auto& c : clients) EXPECT_TRUE(c->closed_within(5s));
  EXPECT_TRUE(sink_eventually([&] { return sink_live_in_group(server.server_group()) == 0; }, 5s));
}

TEST_P(ServeSink, AClientOverMaxClientsIsClosedAndTheOthersStillSink) {
  const std::string out = dir.file("sink.out");
  write_file(out, "", 0600);
  ServeProcess server(dir, sink_args({"--max-clients", "2", "--sink-output", out}));
  ASSERT_TRUE(server.started()) << server.stderr_text();
  TestClient a(server.port()), b(server.port());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a.send("a") && b.send("b"));
  // Both are being served (a child each, or a goroutine each) before the third comes.
  ASSERT_TRUE(sink_eventually(
      [&] {
        return sink_live_in_group(server.server_group()) == (GetParam() == "fiber" ? 1u : 3u);
      },
      5s));
  TestClient third(server.port());
  ASSERT_TRUE(third.ok());  // the kernel completes the handshake; the server then closes it
  EXPECT_TRUE(third.closed_within(5s));
  ASSERT_TRUE(a.send("A"));
  a.finish_sending();  // the process design's children flush their buffer at end of stream
  b.finish_sending();
  EXPECT_TRUE(sink_eventually([&] { return read_file(out).size() == 3; }, 5s)) << read_file(out);
  const std::string got = read_file(out);
  EXPECT_EQ(std::count(got.begin(), got.end(), 'a') + std::count(got.begin(), got.end(), 'A'), 2);
}

// The paper's C server prints through stdio, fully buffered: write(2)s of the buffer's size while
// the client sends, the rest at exit. The process design's sink does the same (equal output
// paths, measuring.md); the fiber design writes each read, as go-raw's io.Copy does.
TEST_P(ServeSink, TheProcessDesignWritesInBlocksOfItsOutputBufferAsTheCServersStdioDoes) {
  if (GetParam() == "fiber") GTEST_SKIP() << "the fiber sink writes each read (go-raw's shape)";
  const std::string out = dir.file("sink.out");
  write_file(out, "", 0600);
  ServeProcess server(dir, sink_args({"--sink-output", out}));
  ASSERT_TRUE(server.started()) << server.stderr_text();
  TestClient c(server.port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.send(std::string(3 * 1460, 'x')));  // three of load's lines: 4,380 bytes
  ASSERT_TRUE(sink_eventually([&] { return read_file(out).size() >= 4096; }, 5s))
      << read_file(out).size();
  std::this_thread::sleep_for(200ms);  // every byte was read long ago; only a block is written
  EXPECT_EQ(read_file(out).size(), 4096u);
  c.finish_sending();
  EXPECT_TRUE(sink_eventually([&] { return read_file(out).size() == 3 * 1460; }, 5s))
      << read_file(out).size();
}

TEST_P(ServeSink, BadSinkOptionsAreRefusedWithOneLineAndExitTwo) {
  const std::string key = write_key(dir);
  auto refused = [&](std::vector<std::string> extra, const std::string& words) {
    std::vector<std::string> a{
        "serve", "--foreground", "--port",  "0", "--log", dir.file("chat.log"), "--key-file",
        key,     "--design",     GetParam()};
    a.insert(a.end(), extra.begin(), extra.end());
    RunResult r = run_papaya(a, dir.path());
    EXPECT_TRUE(r.exited);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
  };
  refused({"--workload", "sink", "--sink-output", dir.file("no/such/dir")},
          "--sink-output: cannot write to");
  refused({"--sink-output", "/dev/null"}, "--sink-output: only --workload sink");
  refused({"--workload", "drain"}, "--workload");
  write_file(key, "short\n", 0600);
  refused({"--workload", "sink"}, "key file");  // the key is still checked, as for chat
}

INSTANTIATE_TEST_SUITE_P(Designs, ServeSink, ::testing::ValuesIn(sink_designs()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace papaya::cli::testing
