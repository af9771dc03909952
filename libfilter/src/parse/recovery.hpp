// Error recovery: a syntax error inside a command is recorded and parsing
// goes on after that command, so one run reports every broken command of
// a script, not only the first (as Pigeonhole does). The command is
// skipped to its end as a reader would see it: to its ';', past its block,
// or up to the '}' of the block around it, whichever comes first outside
// strings and comments.
#pragma once

#include "parse/chars.hpp"
#include "parse/config.hpp"

#include <boost/spirit/home/x3.hpp>

#include <iterator>
#include <string_view>

namespace sift::parse::recovery {

template <typename Iterator>
Iterator past_quoted(Iterator at, Iterator const& last) {
    for (++at; at != last; ++at) {
        if (*at == '\\') {
            if (++at == last) break;
        } else if (*at == '"') {
            return std::next(at);
        }
    }
    return last;
}

// Past a multi-line string's terminating "." line (or to the end).
template <typename Iterator>
Iterator past_multiline(Iterator at, Iterator const& last) {
    while (at != last && *at != '\n') ++at;  // the "text:" line
    while (at != last) {
        Iterator const line = std::next(at);
        if (line == last) return last;
        Iterator end = line;
        while (end != last && *end != '\n') ++end;
        std::string_view const text(&*line, static_cast<std::size_t>(end - line));
        if (text == "." || text == ".\r") return end;
        at = end;
    }
    return last;
}

// Past a comment, terminated or not (its error, if any, was reported).
template <typename Iterator>
Iterator past_comment(Iterator at, Iterator const& last) {
    if (*at == '#') {
        while (at != last && *at != '\n') ++at;
        return at;
    }
    for (at = std::next(at, 2); at != last; ++at)
        if (*at == '*' && std::next(at) != last && *std::next(at) == '/') return std::next(at, 2);
    return last;
}

// Where parsing resumes after a broken command starting at `start`.
template <typename Iterator>
Iterator resume_point(Iterator const start, Iterator const& last) {
    unsigned depth = 0;
    for (Iterator at = start; at != last;) {
        char const c = *at;
        if (c == '"') {
            at = past_quoted(at, last);
            continue;
        }
        if (c == '#' || (c == '/' && std::next(at) != last && *std::next(at) == '*')) {
            at = past_comment(at, last);
            continue;
        }
        if ((c == 't' || c == 'T') && (at == start || !chars::is_word(*std::prev(at))) &&
            chars::starts_text_colon(at, last)) {
            at = past_multiline(at, last);
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
