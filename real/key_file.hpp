// Reading the key file: the operating-system half of the check. The file must be a regular file
// that neither group nor others may read or write (st_mode & 077 == 0), like ssh's private keys:
// a key anyone on the machine can read authenticates nobody. Its contents are then validated by
// chat::validate_key (chat/key.hpp), which owns the rule "first line, 128 hex digits".
#pragma once

#include <cstddef>
#include <string>

#include "real/checked.hpp"

namespace papaya::real {

// A key file is one short line; anything past this many bytes is refused, not read.
inline constexpr size_t key_file_max_bytes = 64 * 1024;

// The file's whole contents, or a one-line reason naming `path`. Checks the mode with fstat(2)
// on the opened descriptor, so the file checked is the file read.
Checked<std::string> read_key_file(const std::string& path);

}  // namespace papaya::real
