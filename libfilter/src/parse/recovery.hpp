// Error recovery: a syntax error inside a command is recorded and parsing
// goes on after that command, so one run reports every broken command of
// a script, not only the first (as Pigeonhole does). The command is
// skipped to its end as a reader would see it: to its ';', past its block,
// or up to the '}' of the block around it, whichever comes first outside
// strings and comments.
#pragma once

#include "parse/chars.hpp"
#include "parse/config.hpp"
#include "parse/scan.hpp"

#include <boost/spirit/home/x3.hpp>

#include <iterator>

namespace sift::parse::recovery {

// Where parsing resumes after a broken command starting at `start`.
template <typename Iterator>
Iterator resume_point(Iterator const start, Iterator const& last) {
    unsigned depth = 0;
    for (Iterator at = start; at != last;) {
        char const c = *at;
        if (c == '"') {
            at = scan::past_quoted(at, last);
            continue;
        }
        if (c == '#' || (c == '/' && std::next(at) != last && *std::next(at) == '*')) {
            at = scan::past_comment(at, last);
            continue;
        }
        if ((c == 't' || c == 'T') && (at == start || !chars::is_word(*std::prev(at))) &&
            chars::starts_text_colon(at, last)) {
            at = scan::past_multiline(at, last);
            continue;
        }
        if (c == '{') {
            ++depth;
        } else if (c == '}') {
            if (depth == 0) return at;               // the enclosing block's end
            if (--depth == 0) return std::next(at);  // the command's own block ended
        } else if (c == ';' && depth == 0) {
            return std::next(at);
        }
        ++at;
    }
    return last;
}

// Records a recovered error; false when the script already has
// compile_limits::max_errors of them (the caller then lets it end the parse).
template <typename Context>
bool record(Context const& context, syntax_error error) {
    auto& state = x3::get<parse_state_tag>(context);
    if (state.errors.size() + 1 >= state.max_errors) return false;
    state.errors.push_back(std::move(error));
    return true;
}

}  // namespace sift::parse::recovery
