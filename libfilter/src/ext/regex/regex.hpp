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

// Searches `value` for the regular expression `key`, string `id` of the
// running program: the pattern compiled at link time when it is constant,
// compiled now when it came from variables. With `captures`, [0] is what
// the whole expression matched and [1].. its groups (unset groups empty).
// An invalid run-time pattern or a match that hits eval_limits'
// regex_match_limit / regex_depth_limit throws vm::runtime_error.
bool regex_search(vm::run_state& s, std::string_view value, std::uint32_t id, std::string_view key,
                  vm::comparator cmp, std::vector<vm::span>* captures);

// Compiles the constant :regex keys of `p` into p.regexes (program::link).
void link_regexes(vm::program& p);

// `set :quoteregex`: a backslash before every character special in a
// regular expression, so the value matches itself.
std::string quote_regex(std::string_view value);

}  // namespace sift::ext
