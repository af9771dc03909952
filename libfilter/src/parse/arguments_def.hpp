// string-list = "[" string *("," string) "]" / string
// argument    = string-list / number / tag
//
// Once a '[' or ',' is read the next item is expected (`>`), so an empty or
// unfinished list is reported where it goes wrong, not as a failed command.
#pragma once

#include "parse/annotation.hpp"
#include "parse/arguments.hpp"
#include "parse/ast_adapted.hpp"
#include "parse/chars.hpp"
#include "parse/containers.hpp"
#include "parse/lexical.hpp"

#include <boost/spirit/home/x3.hpp>

#include <utility>
#include <vector>

namespace sift::parse {
namespace arguments_rules {

struct open_bracket_class : annotate_position {};
struct close_bracket_class {};
struct strings_class {};
struct next_string_class {};
struct string_array_class {};

x3::rule<open_bracket_class, ast::position> const open_bracket = "'['";
x3::rule<close_bracket_class> const close_bracket = "']' or ','";
x3::rule<strings_class, ast::list<ast::string_lit>> const strings = "string";
x3::rule<next_string_class, ast::string_lit> const next_string = "',' and string";
x3::rule<string_array_class, ast::string_list> const string_array = "string list";

// omit: a mark keeps only the position, not the character.
auto const open_bracket_def = x3::omit[punct<'['>];
auto const close_bracket_def = punct<']'>;
// next_string stands for (',' > string): X3 would parse that nested
// sequence into a temporary list of its own for every item.
auto const strings_def = string > *next_string;
auto const next_string_def = punct<','> > string;
auto const string_array_def = open_bracket > strings > close_bracket;

BOOST_SPIRIT_DEFINE(open_bracket, close_bracket, strings, next_string, string_array)

// The four forms start with different characters ('[', '"' or "text:",
// a digit, ':'), so the first one picks the only rule that could match:
// nothing is parsed twice, and the rule's own errors are unchanged. A lone
// string becomes a one-item list, as the tree has no other place for it.
struct argument_parser : x3::parser<argument_parser> {
    using attribute_type = ast::argument;
    static bool const has_attribute = true;

    template <typename Iterator, typename Context, typename RContext>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
               ast::argument& attr) const {
        skip(first, last);
        if (first == last) return false;
        char const c = *first;
        if (c == '[') {
            auto& list = attr.emplace<ast::string_list>();
            list.bracketed = true;
            return string_array.parse(first, last, context, x3::unused, list);
        }
        if (c == ':') return tag.parse(first, last, context, x3::unused, attr.emplace<ast::tag>());
        if (chars::is_digit(c))
            return number.parse(first, last, context, x3::unused, attr.emplace<ast::number>());
        if (c == '"' || c == 't' || c == 'T') return lone_string(first, last, context, attr);
        return false;
    }

private:
    template <typename Iterator, typename Context>
    static bool lone_string(Iterator& first, Iterator const& last, Context const& context,
                            ast::argument& attr) {
        ast::string_lit item;
        if (!string.parse(first, last, context, x3::unused, item)) return false;  // "t..." but not "text:"
        auto& list = attr.emplace<ast::string_list>();
        list.pos = item.pos;
        list.items.push_back(item);
        return true;
    }
};

}  // namespace arguments_rules

struct argument_class {};

auto const argument_def = arguments_rules::argument_parser{};

BOOST_SPIRIT_DEFINE(argument)

}  // namespace sift::parse
