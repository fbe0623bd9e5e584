// `papaya serve` end to end: real processes, real TCP on 127.0.0.1, ephemeral ports. Every wait
// has a deadline; every process is SIGKILLed and reaped at teardown (DescendantReaper).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

#include "cli/tests/chat_helpers.hpp"
#include "cli/tests/proc_table.hpp"
#include "cli/tests/serve_process.hpp"
#include "cli/tests/test_client.hpp"

namespace papaya::cli::testing {
namespace {

using namespace std::chrono_literals;

class ServeChat : public ::testing::Test {
 protected:
  DescendantReaper reaper;  // first member: destroyed last, after every ServeProcess
  TempDir dir;
};

// Line j of client i: unique, and of varied length (up to ~3 KB, so lines split across TCP
// segments and reads, as back-to-back 3000-byte lines do on loopback).
std::string data_line(int i, int j) {
  size_t pad = static_cast<size_t>(10 + (i * 131 + j * 977) % 3000);
  return "c" + std::to_string(i) + ": line " + std::to_string(j) + " " +
         std::string(pad, static_cast<char>('a' + (i + j) % 26)) + "\n";
}

// Sends each line in up to three pieces, so the server must reassemble lines.
void send_lines_in_pieces(TestClient& c, int i, int lines) {
  for (int j = 0; j < lines; ++j) {
    std::string line = data_line(i, j);
    size_t cut1 = line.size() / 3, cut2 = 2 * line.size() / 3;
    if (!c.send(line.substr(0, cut1)) || !c.send(line.substr(cut1, cut2 - cut1)) ||
        !c.send(line.substr(cut2))) {
      return;
    }
  }
}

size_t data_lines_in(const std::string& s) {
  size_t n = 0;
  for (size_t at = 0; (at = s.find(": line ", at)) != std::string::npos; at += 7) ++n;
  return n;
}

TEST_F(ServeChat, EightClientsSendingFiftyLinesAtOnceAllGetTheLogByteForByte) {
  constexpr int clients = 8, lines = 50;
  ServeProcess server(dir);
  ASSERT_TRUE(server.started()) << server.stderr_text();
  std::vector<std::unique_ptr<TestClient>> c;
  for (int i = 0; i < clients; ++i) {
    c.push_back(join(server.port(), "c" + std::to_string(i)));
    ASSERT_NE(c.back(), nullptr);
  }
  std::vector<std::thread> senders;
  for (int i = 0; i < clients; ++i)
    senders.emplace_back(send_lines_in_pieces, std::ref(*c[i]), i, lines);
  for (int i = 0; i < clients; ++i) {
    // Each joined before anyone sent data, so each must receive all of it.
    EXPECT_TRUE(c[i]->recv_until(
        [](const std::string& s) { return data_lines_in(s) >= clients * lines; }, 60s))
        << "client " << i << " got " << data_lines_in(c[i]->received()) << " data lines";
  }
  for (std::thread& t : senders) t.join();
  for (auto& client : c) (void)client->recv_until([](const std::string&) { return false; }, 100ms);

  std::string log = server.log();
  std::vector<std::string> got = split_lines(log);
  std::vector<std::string> want;
  for (int i = 0; i < clients; ++i) {
    want.push_back("c" + std::to_string(i) + ": hello");
    for (int j = 0; j < lines; ++j) {
      std::string l = data_line(i, j);
      want.push_back(l.substr(0, l.size() - 1));
    }
  }
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back(), '\n');
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_TRUE(got == want) << "the log does not hold every line exactly once, intact ("
                           << got.size() << " lines, want " << want.size() << ")";
  for (int i = 0; i < clients; ++i) {
    EXPECT_TRUE(is_line_suffix_of(c[i]->received(), log))
        << "client " << i << " did not receive the log's bytes in order from its join point";
  }
}

TEST_F(ServeChat, ALateJoinerFirstGetsTheLastHistoryLinesThenNewOnes) {
  ServeProcess server(dir, {"--history", "3"});
  ASSERT_TRUE(server.started()) << server.stderr_text();
  auto early = join(server.port(), "early");
  ASSERT_NE(early, nullptr);
  for (int j = 0; j < 10; ++j)
    ASSERT_TRUE(early->send("early: message " + std::to_string(j) + "\n"));
  ASSERT_TRUE(early->recv_until(
      [](const std::string& s) { return s.find("early: message 9\n") != std::string::npos; }, 10s));

  TestClient late(server.port());
  ASSERT_TRUE(late.ok());
  ASSERT_TRUE(late.send(test_key()));
  const std::string history = "early: message 7\nearly: message 8\nearly: message 9\n";
  EXPECT_TRUE(
      late.recv_until([&](const std::string& s) { return s.size() >= history.size(); }, 10s));
  (void)late.recv_until([](const std::string&) { return false; }, 300ms);  // nothing more comes
  EXPECT_EQ(late.received(), history);

  ASSERT_TRUE(early->send("early: after the join\n"));
  EXPECT_TRUE(
      late.recv_until([&](const std::string& s) { return s.size() >= history.size() + 22; }, 10s));
  EXPECT_EQ(late.received(), history + "early: after the join\n");
}

TEST_F(ServeChat, AWrongKeyIsRefusedAndNothingItSentIsLogged) {
  ServeProcess server(dir);
  ASSERT_TRUE(server.started()) << server.stderr_text();
  auto alice = join(server.port(), "alice");
  ASSERT_NE(alice, nullptr);

  std::string wrong = test_key();
  wrong[0] = wrong[0] == 'f' ? 'e' : 'f';  // well-formed, one digit off
  TestClient mallory(server.port());
  ASSERT_TRUE(mallory.ok());
  (void)mallory.send(wrong + "mallory: let me in\n");
  EXPECT_TRUE(mallory.closed_within(5s));
  EXPECT_EQ(mallory.received(), "") << "a refused client must not see the history";

  ASSERT_TRUE(alice->send("alice: still here\n"));
  ASSERT_TRUE(alice->recv_until(
      [](const std::string& s) { return s.find("alice: still here\n") != std::string::npos; },
      10s));
  EXPECT_EQ(server.log(), "alice: hello\nalice: still here\n");
  EXPECT_NE(server.stderr_text().find("wrong key"), std::string::npos) << server.stderr_text();
}

TEST_F(ServeChat, ASilentClientIsDroppedAfterTheAuthTimeoutButAnAuthenticatedOneIsNot) {
  ServeProcess server(dir, {"--auth-timeout", "300ms"});
  ASSERT_TRUE(server.started()) << server.stderr_text();
  auto start = std::chrono::steady_clock::now();
  TestClient silent(server.port());
  TestClient partial(server.port());
  ASSERT_TRUE(silent.ok() && partial.ok());
  ASSERT_TRUE(partial.send(test_key().substr(0, 100)));  // a key that never completes
  auto bob = join(server.port(), "bob");
  ASSERT_NE(bob, nullptr);
  EXPECT_TRUE(silent.closed_within(5s));
  EXPECT_TRUE(partial.closed_within(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  // bob authenticated in time: the timeout is over for him.
  EXPECT_FALSE(bob->closed_within(700ms));
  ASSERT_TRUE(bob->send("bob: still connected\n"));
  EXPECT_TRUE(bob->recv_until(
      [](const std::string& s) { return s.find("bob: still connected\n") != std::string::npos; },
      10s));
}

TEST_F(ServeChat, AOneMebibyteLineIsRefusedWithoutATraceWhileOthersKeepChatting) {
  ServeProcess server(dir);
  ASSERT_TRUE(server.started()) << server.stderr_text();
  auto alice = join(server.port(), "alice");
  auto bob = join(server.port(), "bob");
  auto huge = join(server.port(), "huge");
  ASSERT_TRUE(alice && bob && huge);
  std::thread flood([&] { (void)huge->send("huge: " + std::string(1 << 20, 'x') + "\n"); });
  for (int j = 0; j < 20; ++j) {
    ASSERT_TRUE(alice->send("alice: " + std::to_string(j) + "\n"));
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(bob->recv_until(
      [](const std::string& s) { return s.find("alice: 19\n") != std::string::npos; }, 20s));
  flood.join();
  (void)huge->send("huge: a normal line after the refused one\n");
  EXPECT_TRUE(bob->recv_until(
      [](const std::string& s) {
        return s.find("huge: a normal line after the refused one\n") != std::string::npos;
      },
      10s));
  std::string log = server.log();
  EXPECT_EQ(log.find("xxxxxxxx"), std::string::npos) << "part of the refused line reached the log";
  EXPECT_EQ(split_lines(log).size(), 3u + 20u + 1u);
  EXPECT_TRUE(is_line_suffix_of(bob->received(), log));
  EXPECT_NE(server.stderr_text().find("refused a line"), std::string::npos) << server.stderr_text();
}

}  // namespace
}  // namespace papaya::cli::testing
