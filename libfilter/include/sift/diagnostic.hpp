// Diagnostics: every syntax, validation and bytecode error Sift reports.
//
// A diagnostic is printed as
//
//     FILE:LINE:COL: error: MESSAGE
//     <the source line>
//          ^
//
// so editors and CI logs can jump to it. Lines and columns are 1-based;
// columns count bytes. Parse and validation errors look alike on purpose.
#pragma once

#include <sift/export.hpp>

#include <string>
#include <vector>

namespace sift {

enum class severity { error, warning };

struct diagnostic {
    std::string file;     // script name as given to compile(), may be empty
    unsigned line = 0;    // 1-based; 0 when the error has no position
    unsigned column = 0;  // 1-based byte column
    severity level = severity::error;
    std::string message;  // without the "error: " prefix
    std::string excerpt;  // the source line, without its line ending
};

// "FILE:LINE:COL: error: MESSAGE" plus the excerpt and a caret line when known.
SIFT_API std::string format(const diagnostic& d);
SIFT_API std::string format(const std::vector<diagnostic>& ds);

}  // namespace sift
