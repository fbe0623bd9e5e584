#include "cli/tests/chat_helpers.hpp"

#include <gtest/gtest.h>

namespace papaya::cli::testing {

using namespace std::chrono_literals;

std::unique_ptr<TestClient> join(std::uint16_t port, const std::string& name) {
  auto c = std::make_unique<TestClient>(port);
  EXPECT_TRUE(c->ok()) << name << ": connect failed";
  if (!c->ok()) return nullptr;
  std::string hello = name + ": hello\n";
  EXPECT_TRUE(c->send(test_key())) << name;
  EXPECT_TRUE(c->send(hello)) << name;
  bool echoed =
      c->recv_until([&](const std::string& s) { return s.find(hello) != std::string::npos; }, 10s);
  EXPECT_TRUE(echoed) << name << " never saw its hello; received: " << c->received();
  return echoed ? std::move(c) : nullptr;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.push_back(text.substr(start, nl - start));
  }
  if (start < text.size()) out.push_back(text.substr(start));  // an unterminated tail, if any
  return out;
}

bool is_line_suffix_of(const std::string& received, const std::string& log) {
  if (received.size() > log.size()) return false;
  size_t k = log.size() - received.size();
  return log.compare(k, std::string::npos, received) == 0 && (k == 0 || log[k - 1] == '\n');
}

}  // namespace papaya::cli::testing
