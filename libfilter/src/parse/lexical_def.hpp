// Token parsers for RFC 5228 §8.1. Each is a small hand-written X3
// primitive rather than a composed rule: a token's errors (a number that
// overflows, a string that never ends) must be reported where the token
// starts and with their own words, which expectation points cannot do from
// inside a lexeme. The rules wrapping them give positions and names.
#pragma once

#include "parse/annotation.hpp"
#include "parse/chars.hpp"
#include "parse/error_handler.hpp"
#include "parse/lexical.hpp"

#include <boost/spirit/home/x3.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace sift::parse {
namespace lexical {

// Shared by the primitives: each skips leading whitespace itself (they are
// primitives, so no one else does) and never skips inside the token. Nodes
// get the position where the token starts.
template <typename Derived, typename Attribute>
struct token_parser : x3::parser<Derived> {
    using attribute_type = Attribute;
    static bool const has_attribute = true;

    template <typename Iterator, typename Context, typename RContext>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
               Attribute& attr) const {
        skip(first, last);
        Iterator const start = first;
        if (!static_cast<Derived const&>(*this).scan(first, last, attr)) return false;
        attr.pos = position_of(start, context);
        return true;
    }
};

template <typename Iterator>
[[noreturn]] void fail(Iterator where, std::string const& message) {
    throw lexical_error<Iterator>(where, "syntax error: " + message);
}

// tag = ":" identifier
struct tag_parser : token_parser<tag_parser, ast::tag> {
    template <typename Iterator>
    bool scan(Iterator& first, Iterator const& last, ast::tag& tag) const {
        if (first == last || *first != ':') return false;
        Iterator name = std::next(first);
        if (name == last || !chars::is_word_start(*name))
            fail(first, "tag ':' without a name (expected ':' immediately followed by a letter)");
        first = chars::scan_word(name, last, tag.name);
        return true;
    }
};

// number = 1*DIGIT [ QUANTIFIER ], QUANTIFIER = "K" / "M" / "G". The value
// is a uint64; anything beyond it is an error rather than a silent wrap.
struct number_parser : token_parser<number_parser, ast::number> {
    template <typename Iterator>
    bool scan(Iterator& first, Iterator const& last, ast::number& number) const {
        if (first == last || !chars::is_digit(*first)) return false;
        constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
        Iterator at = first;
        std::uint64_t value = 0;
        for (; at != last && chars::is_digit(*at); ++at) {
            auto const digit = static_cast<std::uint64_t>(*at - '0');
            if (value > (max - digit) / 10) fail(first, "number too large (exceeds 2^64-1)");
            value = value * 10 + digit;
        }
        if (at != last) {
            if (int shift = quantifier_shift(*at)) {
                if (value > (max >> shift)) fail(first, "number too large (exceeds 2^64-1)");
                value <<= shift;
                ++at;
            }
        }
        if (at != last && chars::is_word(*at))
            fail(at, "invalid number suffix " + describe_token(at, last) +
                         " (only K, M or G may follow the digits)");
        number.value = value;
        first = at;
        return true;
    }

    static int quantifier_shift(char c) {
        switch (chars::to_lower(c)) {
            case 'k':
                return 10;
            case 'm':
                return 20;
            case 'g':
                return 30;
            default:
                return 0;
        }
    }
};

// string = quoted-string / multi-line
struct string_parser : token_parser<string_parser, ast::string_lit> {
    template <typename Iterator>
    bool scan(Iterator& first, Iterator const& last, ast::string_lit& string) const {
        if (first == last) return false;
        if (*first == '"') {
            first = scan_quoted(first, last, string.value);
            string.multiline = false;
            return true;
        }
        if (chars::starts_text_colon(first, last)) {
            first = scan_multiline(first, last, string.value);
            string.multiline = true;
            return true;
        }
        return false;
    }

private:
    // quoted-string = DQUOTE *(quoted-safe / "\\" octet) DQUOTE. RFC 5228
    // §2.4.2: only \" and \\ are defined; any other backslash is dropped
    // and the character after it kept. A line break in the string is CRLF
    // in the value whatever the script file uses (the grammar's CRLF; as
    // Pigeonhole reads it).
    // A string with neither backslashes nor bare LFs, nearly every one, is
    // its own value: a view of the script, nothing copied.
    template <typename Iterator>
    static Iterator scan_quoted(Iterator const open, Iterator const& last, std::string_view& value) {
        Iterator const start = std::next(open);
        Iterator at = start;
        while (at != last && !chars::lookup(quoted_stop, *at)) ++at;
        if (at != last && *at == '"') {
            value = std::string_view(&*start, static_cast<std::size_t>(at - start));
            return std::next(at);
        }
        return unescape_quoted(open, last, value);
    }

    // Where a quoted string's fast scan stops: its end, or what needs
    // rewriting.
    static constexpr chars::byte_table quoted_stop = [] {
        chars::byte_table table{};
        table['"'] = table['\\'] = table['\n'] = 1;
        return table;
    }();

    // The general case: the value is built a run at a time in a buffer and
    // kept in the tree's arena.
    template <typename Iterator>
    static Iterator unescape_quoted(Iterator const open, Iterator const& last, std::string_view& value) {
        std::string& out = scratch();
        Iterator run = std::next(open);
        for (Iterator at = run; at != last; ++at) {
            if (*at == '"') {
                out.append(run, at);
                value = keep(out);
                return std::next(at);
            }
            if (*at == '\n' && (at == run || *std::prev(at) != '\r')) {
                out.append(run, at);
                out += "\r\n";
                run = std::next(at);
                continue;
            }
            if (*at == '\\') {
                out.append(run, at);
                if (++at == last) break;
                run = at;  // the escaped character starts the next run
            }
        }
        fail(open, "unterminated string (missing closing '\"')");
    }

    // Where strings that are not a view of the script are put together; one
    // per thread, so its memory is reused from script to script.
    static std::string& scratch() {
        thread_local std::string buffer;
        buffer.clear();
        return buffer;
    }

    static std::string_view keep(std::string_view built) { return ast::arena::current()->copy(built); }

    // multi-line = "text:" *(SP / HTAB) (hash-comment / CRLF)
    //              *(multiline-literal / multiline-dotstart) "." CRLF
    // Every line ends in CRLF in the value, whatever the file uses (the
    // grammar's CRLF, as Pigeonhole reads it). A line starting ".." loses
    // one "." (dot-stuffing); other lines starting with "." are kept as
    // they are (Pigeonhole's reading, pinned by its lexer test); the line
    // "." alone ends the string. That line may also end the script without
    // a line break: nothing else could follow it.
    template <typename Iterator>
    static Iterator scan_multiline(Iterator const text, Iterator const& last, std::string_view& value) {
        std::string& out = scratch();
        Iterator at = after_text_header(text, last);
        while (at != last) {
            Iterator line_end = at;
            while (line_end != last && *line_end != '\n') ++line_end;
            Iterator const next = line_end == last ? last : std::next(line_end);
            Iterator content_end = line_end;
            if (content_end != at && line_end != last && *std::prev(content_end) == '\r') --content_end;
            if (*at == '.' && std::next(at) == content_end) {
                value = keep(out);
                return next;
            }
            if (*at == '.' && std::next(at) != content_end && *std::next(at) == '.') ++at;
            out.append(at, content_end);
            if (line_end != last) out += "\r\n";
            at = next;
        }
        fail(text, "unterminated multi-line string (missing a line with only '.')");
    }

    template <typename Iterator>
    static Iterator after_text_header(Iterator const text, Iterator const& last) {
        Iterator at = std::next(text, 5);
        while (at != last && (*at == ' ' || *at == '\t')) ++at;
        if (at != last && *at == '#') {
            while (at != last && *at != '\n') ++at;
        } else if (at != last && *at == '\r' && std::next(at) != last && *std::next(at) == '\n') {
            ++at;
        }
        if (at == last) fail(text, "unterminated multi-line string (missing a line with only '.')");
        if (*at != '\n') fail(at, "expected a line break after 'text:', found " + describe_token(at, last));
        return std::next(at);
    }
};

}  // namespace lexical

struct tag_class {};
struct number_class {};
struct string_class {};

auto const tag_def = lexical::tag_parser{};
auto const number_def = lexical::number_parser{};
auto const string_def = lexical::string_parser{};

BOOST_SPIRIT_DEFINE(tag, number, string)

}  // namespace sift::parse
