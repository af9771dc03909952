// Locating positions in script source, shared by the parser and the
// validator so their diagnostics look alike.
#pragma once

#include <sift/diagnostic.hpp>

#include <string>
#include <string_view>

namespace sift {

struct line_column {
    unsigned line = 1;
    unsigned column = 1;  // in characters (sift/diagnostic.hpp)
};

// Line and column (1-based) of byte `offset` in `source`.
line_column locate(std::string_view source, std::size_t offset);

// The line of `source` that holds `offset`, without its line ending.
std::string_view line_at(std::string_view source, std::size_t offset);

// A diagnostic at `offset` with the excerpt filled in (cut around the
// caret when the line is longer than max_excerpt_columns).
diagnostic make_diagnostic(std::string_view source, const std::string& file, std::size_t offset,
                           std::string message, severity level = severity::error);

// A note at `offset` added to `d` (clang's "note: to match this '{'").
void add_note(diagnostic& d, std::string_view source, std::size_t offset, std::string message);

}  // namespace sift
