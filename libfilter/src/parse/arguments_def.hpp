// string-list = "[" string *("," string) "]" / string
// argument    = string-list / number / tag
//
// Once a '[' or ',' is read the next item is expected (`>`), so an empty or
// unfinished list is reported where it goes wrong, not as a failed command.
#pragma once

#include "parse/annotation.hpp"
#include "parse/arguments.hpp"
#include "parse/lexical.hpp"
#include "parse/x3_ast_adapted.hpp"

#include <boost/spirit/home/x3.hpp>

#include <vector>

namespace sift::parse {
namespace arguments_rules {

struct open_bracket_class : annotate_offset {};
struct close_bracket_class {};
struct strings_class {};
struct string_array_class {};

x3::rule<open_bracket_class, x3_ast::mark> const open_bracket = "'['";
x3::rule<close_bracket_class> const close_bracket = "']' or ','";
x3::rule<strings_class, std::vector<x3_ast::string_lit>> const strings = "string";
x3::rule<string_array_class, x3_ast::string_array> const string_array = "string list";

// omit: a mark keeps only the position, not the character.
auto const open_bracket_def = x3::omit['['];
auto const close_bracket_def = x3::lit(']');
auto const strings_def = string > *(',' > string);
auto const string_array_def = open_bracket > strings > close_bracket;

BOOST_SPIRIT_DEFINE(open_bracket, close_bracket, strings, string_array)

}  // namespace arguments_rules

struct argument_class {};

auto const argument_def = arguments_rules::string_array | string | number | tag;

BOOST_SPIRIT_DEFINE(argument)

}  // namespace sift::parse
