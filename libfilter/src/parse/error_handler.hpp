// Turns parse failures into diagnostics. Two kinds of failure reach here:
//  - x3::expectation_failure, thrown at an expectation point (`>`) and
//    naming the rule that was expected ("';' or '{' after command arguments");
//  - lexical_error, thrown by the token parsers for malformed tokens
//    ("unterminated string") at the position the token starts.
// Both become "syntax error: ..." at a line:column, so they read alike.
#pragma once

#include "parse/chars.hpp"
#include "parse/skipper.hpp"
#include "source_text.hpp"

#include <boost/spirit/home/x3.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sift::parse {

// How the token at `first` is shown after "found": the identifier or number
// it starts, or the single character, quoted, with bytes that are not
// printable ASCII escaped so a NUL or a stray UTF-8 byte stays visible.
template <typename Iterator>
std::string describe_token(Iterator first, Iterator last) {
    constexpr std::ptrdiff_t max_shown = 24;
    if (first == last) return "end of script";
    if (*first == '"') return "quoted string";
    if (*first == '\n' || (*first == '\r' && std::next(first) != last && *std::next(first) == '\n'))
        return "end of line";
    Iterator end = std::next(first);
    if (chars::is_word(*first))
        while (end != last && chars::is_word(*end) && end - first < max_shown) ++end;
    std::string out = "'";
    for (Iterator it = first; it != end; ++it) {
        auto byte = static_cast<unsigned char>(*it);
        if (byte >= 0x20 && byte < 0x7f) {
            out += static_cast<char>(byte);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", byte);
            out += hex;
        }
    }
    return out + "'";
}

// The rule after a command's arguments. A failure there is reported where
// the ';' belongs, at the end of the command's last token (as clang does),
// when the token found instead is on a later line: that is where a reader
// forgot it, not at the next line's '}'.
inline constexpr char const* command_end_name = "';' or '{' after command arguments";

template <typename Iterator>
class error_handler {
public:
    // Iterator must be the source's own iterator: positions are offsets.
    error_handler(std::string_view source, std::string file)
        : source_(source), begin_(source.begin()), end_(source.end()), file_(std::move(file)) {}

    diagnostic at(Iterator where, std::string message) const {
        return make_diagnostic(source_, file_, offset(where), std::move(message));
    }

    // X3 throws from where the expected rule began, before it skipped
    // whitespace and comments; the diagnostic points at the offending
    // token instead, which is where a reader looks. `opened` is the '{'
    // or '(' whose closing token was expected (unclosed_failure), or a
    // value-initialized iterator.
    diagnostic expected(Iterator where, std::string const& what, Iterator opened = Iterator{}) const {
        Iterator const found = token_at(where);
        diagnostic d = what == command_end_name && on_later_line(where, found)
                           ? at(where, message_for(found, what) + " on line " +
                                           std::to_string(locate(source_, offset(found)).line))
                           : at(found, message_for(found, what));
        if (opened != Iterator{})
            add_note(d, source_, offset(opened), std::string("to match this '") + *opened + "'");
        return d;
    }

    // The token after the blanks at `where`: what a failure there found.
    Iterator token_at(Iterator where) const {
        try {
            skip(where, end_);
        } catch (lexical_error<Iterator> const&) {
            // An unterminated comment here was already reported by the
            // rule itself; point at the comment.
        }
        return where;
    }

private:
    std::size_t offset(Iterator where) const { return static_cast<std::size_t>(where - begin_); }

    static bool on_later_line(Iterator from, Iterator to) { return std::find(from, to, '\n') != to; }

    std::string message_for(Iterator where, std::string const& what) const {
        // At the top level the only rule left is "command"; a '}' there
        // has no block to close, which says more than "expected command".
        if (what == "command" && where != end_ && *where == '}')
            return "syntax error: unexpected '}' without a matching '{'";
        return "syntax error: expected " + what + ", found " + describe_token(where, end_);
    }

    std::string_view source_;
    Iterator begin_;
    Iterator end_;
    std::string file_;
};

}  // namespace sift::parse
