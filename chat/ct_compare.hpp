// Constant-time comparison of secrets (the 128-byte key). The time taken depends only on the
// lengths, never on where the bytes differ, so a client cannot find the key byte by byte by
// timing the server's answers (the original used strncmp, which stops at the first difference).
#pragma once

#include <string_view>

namespace papaya::chat {

// True when `a` and `b` hold the same bytes. Reads every byte of `a` whatever the contents; a
// length mismatch is false (lengths are not secret: the key is always 128 bytes).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace papaya::chat
