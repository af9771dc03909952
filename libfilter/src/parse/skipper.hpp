// Whitespace between tokens (RFC 5228 §8.1): SP, HTAB, CRLF, bare LF (as
// every deployed Sieve parser accepts it), hash comments up to the end of
// the line or script, and bracket comments. A bare CR is not whitespace.
//
// A hand-written primitive rather than a rule: an unterminated bracket
// comment must be reported where it starts, and X3 calls skippers without a
// context, so the only way out is an exception carrying that position.
#pragma once

#include "parse/error_handler.hpp"

#include <boost/spirit/home/x3.hpp>

#include <array>
#include <string_view>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

struct skipper : x3::parser<skipper> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    // Skips all the whitespace and comments at `first` in one call, and
    // then answers false: X3 calls a skipper until it fails (skip_over), and
    // X3 skips before every parser, so most calls find a token right away;
    // failing at once saves the second call that would find nothing.
    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
        if (first == last || !may_start_blank(*first)) return false;
        while (first != last) {
            Iterator next = skip_one(first, last);
            if (next == first) break;
            first = next;
        }
        return false;
    }

private:
    // Whether whitespace or a comment may start at `c`: one test for the
    // common case, a token right here.
    static bool may_start_blank(char c) { return blank_starts[static_cast<unsigned char>(c)]; }

    static constexpr std::array<bool, 256> blank_starts = [] {
        std::array<bool, 256> table{};
        for (int c = 0; c <= ' '; ++c) table[c] = true;
        table['#'] = table['/'] = true;
        return table;
    }();

    // Returns `at` unchanged when no whitespace or comment starts there.
    template <typename Iterator>
    static Iterator skip_one(Iterator at, Iterator const& last) {
        char const c = *at;
        // Most calls find a token right here: X3 skips before every parser.
        if (c > ' ' && c != '#' && c != '/') return at;
        if (c == ' ' || c == '\t' || c == '\n') return std::next(at);
        if (c == '\r') return starts_with(at, last, "\r\n") ? std::next(at, 2) : at;
        if (c == '#') return skip_hash_comment(at, last);
        if (starts_with(at, last, "/*")) return skip_bracket_comment(at, last);
        return at;
    }

    template <typename Iterator>
    static Iterator skip_hash_comment(Iterator at, Iterator const& last) {
        while (at != last && *at != '\n') ++at;
        return at == last ? at : std::next(at);
    }

    template <typename Iterator>
    static Iterator skip_bracket_comment(Iterator start, Iterator const& last) {
        for (Iterator at = std::next(start, 2); at != last; ++at)
            if (starts_with(at, last, "*/")) return std::next(at, 2);
        throw lexical_error<Iterator>(start, "syntax error: unterminated comment");
    }

    template <typename Iterator>
    static bool starts_with(Iterator at, Iterator const& last, std::string_view text) {
        for (char c : text) {
            if (at == last || *at != c) return false;
            ++at;
        }
        return true;
    }
};

}  // namespace sift::parse
