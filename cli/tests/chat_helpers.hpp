// Helpers shared by the end-to-end chat tests: joining a server and reading logs as lines.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/tests/serve_process.hpp"
#include "cli/tests/test_client.hpp"

namespace papaya::cli::testing {

// Connects, sends the key, then the line "NAME: hello" and waits until it comes back, which
// proves the client's reader is registered. Null (with a gtest failure) if any step fails.
std::unique_ptr<TestClient> join(std::uint16_t port, const std::string& name);

std::vector<std::string> split_lines(const std::string& text);  // without the '\n's
// True when `received` is exactly the log's bytes from some line boundary to its end.
bool is_line_suffix_of(const std::string& received, const std::string& log);

}  // namespace papaya::cli::testing
