// A raw TCP chat client for tests: plain sockets and poll(2), every wait with a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace papaya::cli::testing {

using std::chrono::milliseconds;

class TestClient {
 public:
  // Connects to 127.0.0.1:port; check ok().
  explicit TestClient(std::uint16_t port);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Sends every byte (MSG_NOSIGNAL). False if the connection fails.
  bool send(std::string_view bytes);
  // Receives into received() until `done(received())` holds or the deadline passes; returns done.
  bool recv_until(const std::function<bool(const std::string&)>& done, milliseconds deadline);
  // Receives until `n` lines (newline-terminated) have arrived in total.
  bool recv_lines(size_t n, milliseconds deadline);
  // True if the server closes (end of stream or reset) within the deadline; bytes that arrive
  // before are kept in received().
  bool closed_within(milliseconds deadline);
  // shutdown(SHUT_WR): tells the server this client is done sending.
  void finish_sending();

  const std::string& received() const { return received_; }
  int fd() const { return fd_; }

 private:
  // One recv with a poll deadline: >0 bytes, 0 end of stream, -1 error, -2 timeout.
  long recv_some(milliseconds left);
  int fd_ = -1;
  bool eof_ = false;
  std::string received_;
};

size_t count_lines(std::string_view s);

}  // namespace papaya::cli::testing
