// One line of printable ASCII for error messages that quote outside input (a JSON key with a
// newline, invalid UTF-8): every byte outside 0x20..0x7e becomes \xNN, so the message stays one
// line and can itself be written into JSON. Found by the fuzzers (fuzz/).
#pragma once

#include <string>
#include <string_view>

namespace papaya {

std::string printable(std::string_view text);

}  // namespace papaya
