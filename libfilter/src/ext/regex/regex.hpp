// draft-ietf-sieve-regex-01: the :regex match type and `set :quoteregex`.
#pragma once

#include "vm/match.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sift::vm {
class run_state;
struct program;
}  // namespace sift::vm

namespace sift::ext {

// The :regex match type's id (a bytecode operand: it never changes). Its
// operations (vm::match_type_ops, registered with the tag) search each
// value with each key: a constant pattern compiled once when the program
// is linked (into program::regexes), one from variables when it runs. The
// match variables are what the whole expression and its groups matched.
// An invalid run-time pattern or a match that hits eval_limits'
// regex_match_limit / regex_depth_limit throws vm::runtime_error.
inline constexpr vm::match_type match_regex{5};

// `set :quoteregex`: a backslash before every character special in a
// regular expression, so the value matches itself.
std::string quote_regex(std::string_view value);

}  // namespace sift::ext
