// A malformed token (an unterminated string or comment, a number too
// large), thrown by the token parsers at the position the token starts and
// turned into a diagnostic by error_handler.hpp.
#pragma once

#include <stdexcept>
#include <string>

namespace sift::parse {

template <typename Iterator>
struct lexical_error : std::runtime_error {
    lexical_error(Iterator where, std::string const& message) : std::runtime_error(message), where(where) {}
    Iterator where;
};

}  // namespace sift::parse
