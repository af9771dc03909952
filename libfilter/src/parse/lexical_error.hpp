// Parse failures thrown besides X3's expectation_failure, turned into
// diagnostics by error_handler.hpp:
//  - lexical_error: a malformed token (an unterminated string or comment,
//    a number too large), thrown by the token parsers at the position the
//    token starts;
//  - unclosed_failure: the expectation of a block's '}' or a test list's
//    ')' failed; it carries where the '{' or '(' was (nesting.hpp), for
//    the note "to match this '{'".
#pragma once

#include <boost/spirit/home/x3.hpp>

#include <stdexcept>
#include <string>

namespace sift::parse {

template <typename Iterator>
struct lexical_error : std::runtime_error {
    lexical_error(Iterator where, std::string const& message) : std::runtime_error(message), where(where) {}
    Iterator where;
};

template <typename Iterator>
struct unclosed_failure : boost::spirit::x3::expectation_failure<Iterator> {
    unclosed_failure(boost::spirit::x3::expectation_failure<Iterator> const& failure, Iterator opened)
        : boost::spirit::x3::expectation_failure<Iterator>(failure), opened(opened) {}
    Iterator opened;
};

}  // namespace sift::parse
