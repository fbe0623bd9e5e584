// `papaya chat`: the real line-mode client. stdin lines go to the server as "USER: line", the
// server's bytes go to stdout. docs/real.md is the user's guide.
#include <cstddef>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "chat/client.hpp"
#include "chat/key.hpp"
#include "cli/command.hpp"
#include "real/duration_text.hpp"
#include "real/key_file.hpp"
#include "real/real_os.hpp"

namespace papaya::cli {

namespace {

struct ChatArgs {
  std::string host = "127.0.0.1";
  int port = 7777;
  std::string key_file;
  std::string user;
  std::string linger = "2s";
  std::size_t max_line = 4096;  // serve's default
};

int usage(const std::string& message) {
  std::fprintf(stderr, "papaya chat: %s\n", message.c_str());
  return exit_usage;
}

int run_chat(const ChatArgs& a) {
  real::Checked<std::string> contents = real::read_key_file(a.key_file);
  if (!contents.ok()) return usage(contents.error);
  chat::KeyCheck key = chat::validate_key(contents.value);
  if (!key.ok()) return usage("key file " + a.key_file + ": " + key.error);
  if (a.user.find_first_of("\n\r") != std::string::npos) return usage("--user must be one line");
  // "0" alone is the one duration without a unit anybody means: no lingering.
  std::optional<Duration> linger =
      a.linger == "0" ? std::optional<Duration>(Duration::zero()) : real::parse_duration(a.linger);
  if (!linger) {
    return usage("--linger: expected a duration such as 500ms or 2s (0: do not wait), got '" +
                 a.linger + "'");
  }
  chat::ClientConfig cfg{.host = a.host,
                         .port = static_cast<std::uint16_t>(a.port),
                         .key = key.key,
                         .user = a.user,
                         .linger = *linger,
                         .max_line = a.max_line};
  real::RealOs os(real::RealOs::Options{false, "papaya chat"});
  // A closed stdout must end the client with an error from write(2), not kill it (signal(7):
  // SIGPIPE's default action terminates).
  (void)os.sigaction(Sig::pipe, SigAction::ign());
  return chat::run_line_client(os, cfg, 0, 1);
}

}  // namespace

void add_chat_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ChatArgs>();
  CLI::App* cmd = app.add_subcommand(
      "chat",
      "Line-mode chat client: stdin lines to the server as 'USER: line', its bytes to stdout");
  cmd->add_option("--host", args->host, "Server address")->capture_default_str();
  cmd->add_option("--port", args->port, "Server port")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  cmd->add_option("--key-file", args->key_file,
                  "Key file: 128 hex digits on the first line, mode 0600")
      ->required();
  cmd->add_option("--user", args->user, "Name shown before each of your lines")->required();
  cmd->add_option("--linger", args->linger,
                  "At end of input, wait at most this long for your last line to come back "
                  "before hanging up (0: do not wait)")
      ->capture_default_str();
  cmd->add_option("--max-line", args->max_line,
                  "The server's --max-line: longer lines are refused, so not waited for "
                  "(0: unknown)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run_chat(*args); });
}

}  // namespace papaya::cli
