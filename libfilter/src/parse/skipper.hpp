// Whitespace between tokens (RFC 5228 §8.1): SP, HTAB, CRLF, bare LF (as
// every deployed Sieve parser accepts it), hash comments up to the end of
// the line or script, and bracket comments. A bare CR is not whitespace.
//
// The grammar runs without an X3 skipper: X3 would call one before every
// parser of every rule, most of them at a token already. Instead each
// token parser skips before itself, once: the primitives of lexical_def.hpp
// and annotation.hpp, the punctuation below, and the few parsers that look
// at the next character to choose (arguments.hpp, nesting.hpp).
#pragma once

#include "parse/chars.hpp"
#include "parse/lexical_error.hpp"

#include <boost/spirit/home/x3.hpp>

#include <string_view>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

namespace blanks {

// What may start at a byte: a token (the common case, one test), a plain
// blank (SP, HTAB, LF), or perhaps a CRLF or a comment.
inline constexpr std::uint8_t token = 0, plain = 1, maybe = 2;
inline constexpr chars::byte_table start_class = [] {
    chars::byte_table table{};
    for (int c = 0; c <= ' '; ++c) table[c] = maybe;
    table[' '] = table['\t'] = table['\n'] = plain;
    table['#'] = table['/'] = maybe;
    return table;
}();

template <typename Iterator>
bool starts_with(Iterator at, Iterator const& last, std::string_view text) {
    for (char c : text) {
        if (at == last || *at != c) return false;
        ++at;
    }
    return true;
}

// Skips a CRLF or a comment; returns `at` unchanged when none starts
// there. An unterminated bracket comment is reported where it starts.
template <typename Iterator>
Iterator skip_one(Iterator at, Iterator const& last) {
    char const c = *at;
    if (c == '\r') return starts_with(at, last, "\r\n") ? std::next(at, 2) : at;
    if (c == '#') {
        while (at != last && *at != '\n') ++at;
        return at == last ? at : std::next(at);
    }
    if (starts_with(at, last, "/*")) {
        for (Iterator end = std::next(at, 2); end != last; ++end)
            if (starts_with(end, last, "*/")) return std::next(end, 2);
        throw lexical_error<Iterator>(at, "syntax error: unterminated comment");
    }
    return at;
}

}  // namespace blanks

// Moves `first` past all the whitespace and comments there.
template <typename Iterator>
void skip(Iterator& first, Iterator const& last) {
    while (first != last) {
        auto const what = chars::lookup(blanks::start_class, *first);
        if (what == blanks::token) return;
        if (what == blanks::plain) {
            ++first;
            continue;
        }
        Iterator const next = blanks::skip_one(first, last);
        if (next == first) return;
        first = next;
    }
}

// One punctuation character (';', '{', '[', ...) after optional blanks.
template <char C>
struct punct_parser : x3::parser<punct_parser<C>> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
        skip(first, last);
        if (first == last || *first != C) return false;
        ++first;
        return true;
    }
};

template <char C>
inline constexpr punct_parser<C> punct{};

// The end of the script, after optional blanks.
struct end_of_input_parser : x3::parser<end_of_input_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
        skip(first, last);
        return first == last;
    }
};

inline constexpr end_of_input_parser end_of_input{};

}  // namespace sift::parse
