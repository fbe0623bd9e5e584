// Small text helpers the checkers share: splitting into lines, the history window, excerpts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace papaya::properties {

// The lines of `text`, each with its '\n'; a final piece without '\n' is returned as is.
std::vector<std::string_view> split_lines(std::string_view text);
// The byte offsets at which a line starts (0 included, and text.size() when text ends in '\n').
std::vector<std::size_t> line_boundaries(std::string_view text);
// The last `n` whole lines of `text` (the window a joining client first receives).
std::string_view last_lines(std::string_view text, std::size_t n);
// A printable, bounded excerpt of `bytes` for a one-line message ("c1: m003 xx…", NUL as \0).
std::string excerpt(std::string_view bytes, std::size_t max = 40);

}  // namespace papaya::properties
