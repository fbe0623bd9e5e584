// The shared key: what the key file must hold, checked once when it is read.
//
// Decision: the key is the first line of the key file, exactly 128 hexadecimal digits (the
// original's key is a SHA-512 digest in hex). A trailing "\n" or "\r\n" ends the line; anything
// after the first line is ignored. Case is kept as written: the wire compares bytes, so the client
// must use the same file. Whitespace inside the line is an error, not trimmed: a key that silently
// differs from what the operator sees is worse than a clear refusal.
// The file-permission check (not readable by others) belongs to the caller that opens the file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace papaya::chat {

inline constexpr size_t key_length = 128;

struct KeyCheck {
  std::string key;    // the 128 characters, when ok()
  std::string error;  // a one-line message naming the problem, when not ok()
  bool ok() const { return error.empty(); }
};

// Validates a key file's contents; returns the key or why it is refused.
KeyCheck validate_key(std::string_view contents);

}  // namespace papaya::chat
