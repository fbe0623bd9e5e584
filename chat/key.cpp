#include "chat/key.hpp"

#include <fmt/format.h>

namespace papaya::chat {

namespace {
bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

KeyCheck refuse(std::string message) { return KeyCheck{.key = {}, .error = std::move(message)}; }
}  // namespace

KeyCheck validate_key(std::string_view contents) {
  std::string_view line = contents.substr(0, contents.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {
    return refuse(contents.empty() ? "key file is empty"
                                   : "key file's first line is empty; expected the key on it");
  }
  if (line.size() != key_length) {
    return refuse(
        fmt::format("key is {} characters long; expected exactly {} (a SHA-512 digest "
                    "in hex)",
                    line.size(), key_length));
  }
  for (size_t i = 0; i < line.size(); ++i) {
    if (!is_hex(line[i])) {
      const auto c = static_cast<unsigned char>(line[i]);
      return refuse(
          fmt::format("key has a non-hexadecimal character (byte 0x{:02x}) at position "
                      "{}; expected {} hex digits",
                      c, i + 1, key_length));
    }
  }
  return KeyCheck{.key = std::string(line), .error = {}};
}

}  // namespace papaya::chat
