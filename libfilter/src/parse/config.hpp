// The iterator and context every rule is instantiated for (X3 calc9's
// config.hpp). A rule used with any other context would fail to link, so
// this is the single place that decides them.
#pragma once

#include "parse/positions.hpp"
#include "parse/skipper.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

using iterator_type = std::string_view::const_iterator;

// A syntax error the parser recovered from (recovery.hpp): where, and
// either the rule that was expected there or the token's own message.
struct syntax_error {
    iterator_type where;
    std::string what;
    bool expected = false;   // `what` names the expected rule (x3::expectation_failure)
    iterator_type opened{};  // the '{' or '(' left unclosed (unclosed_failure), if any
};

// Per-parse state reached through the context: the start of the script and
// the line cursor for positions, the nesting depth that keeps recursion
// off the stack limit, and the errors recovered from so far.
struct parse_state {
    iterator_type begin;
    line_cursor lines;
    unsigned depth = 0;
    unsigned max_depth = 0;
    std::vector<syntax_error> errors;
    std::size_t max_errors = 0;
};

struct parse_state_tag;

// No skipper: the token parsers skip for themselves (skipper.hpp).
using context_type = x3::context<parse_state_tag, parse_state>;

}  // namespace sift::parse
