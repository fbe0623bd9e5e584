// libFuzzer target: validate_key (chat/key.hpp), the key file's contents rule. Accepted means
// exactly 128 hex digits, taken from the first line; refused means a one-line reason.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "chat/key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  papaya::chat::KeyCheck k = papaya::chat::validate_key(text);
  if (k.ok()) {
    if (k.key.size() != papaya::chat::key_length) std::abort();
    for (char c : k.key)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
        std::abort();
    if (text.substr(0, k.key.size()) != k.key) std::abort();
  } else if (k.error.empty() || k.error.find('\n') != std::string::npos) {
    std::abort();
  }
  return 0;
}
