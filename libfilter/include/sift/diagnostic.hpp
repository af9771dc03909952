// Diagnostics: every syntax, validation and bytecode error Sift reports.
//
// A diagnostic is printed as
//
//     FILE:LINE:COL: error: MESSAGE
//     <the source line>
//          ^
//     FILE:LINE:COL: note: MESSAGE      (a note, when there is one)
//
// so editors and CI logs can jump to it. Parse and validation errors look
// alike on purpose. Lines and columns are 1-based; a column counts
// characters (UTF-8 code points, each byte of an ill-formed sequence as
// one), so the caret lines up under non-ASCII text; a tab counts as one
// column and is kept in the caret line, so that lines up in a terminal
// too. A line longer than `max_excerpt_columns` is cut around the caret,
// the cut ends shown as "...".
//
// Notes follow clang's: "to match this '{'" where an unclosed block
// opened, "did you mean 'vacation'?" after an unknown name. A note at the
// error's own position repeats no excerpt.
#pragma once

#include <sift/export.hpp>

#include <string>
#include <vector>

namespace sift {

enum class severity { error, warning, note };

struct diagnostic {
    std::string file{};   // script name as given to compile(), may be empty
    unsigned line = 0;    // 1-based; 0 when the error has no position
    unsigned column = 0;  // 1-based, in characters (code points); a tab is one
    severity level = severity::error;
    std::string message{};  // without the "error: " prefix
    std::string excerpt{};  // the source line without its line ending, perhaps cut ("...")
    // Where the caret goes in `excerpt` (1-based, characters): `column`,
    // unless the start of the line was cut off.
    unsigned excerpt_column = 0;
    std::vector<diagnostic> notes{};  // each of severity::note, with its own position
};

// The widest excerpt shown, in characters, before a line is cut.
inline constexpr unsigned max_excerpt_columns = 120;

// "FILE:LINE:COL: error: MESSAGE" plus the excerpt and a caret line when
// known, then the notes.
SIFT_API std::string format(const diagnostic& d);
SIFT_API std::string format(const std::vector<diagnostic>& ds);

}  // namespace sift
