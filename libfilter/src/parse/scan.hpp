// Stepping over the source's tokens without the grammar, for what looks
// at the source after parsing: error recovery (recovery.hpp) and the
// validator, which points at the end of a token ("missing ';'"). No
// Spirit here, so the validator can include it.
#pragma once

#include "parse/chars.hpp"

#include <cstddef>
#include <iterator>
#include <string_view>

namespace sift::parse::scan {

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

// The end of the token that starts at byte `offset` of a parsed script (a
// string, a bracketed string list, a number, a tag or an identifier):
// where a ';' after it goes. A multi-line string ends after the line break
// of its "." line (RFC 5228 §8.1: "." CRLF is part of the token).
std::size_t token_end(std::string_view source, std::size_t offset);

}  // namespace sift::parse::scan
