// Tokens of RFC 5228 §8.1 that carry a value: tags, numbers and strings
// (quoted and multi-line); identifiers are read into their node
// (annotation.hpp). Whitespace and comments are the
// skipper's (skipper.hpp).
#pragma once

#include "parse/ast.hpp"

#include <boost/spirit/home/x3.hpp>

#include <string>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

// Rule ids live in this namespace so that X3's unqualified parse_rule call
// finds the declarations below by argument-dependent lookup.
struct tag_class;
struct number_class;
struct string_class;

using tag_type = x3::rule<tag_class, ast::tag>;
using number_type = x3::rule<number_class, ast::number>;
using string_type = x3::rule<string_class, ast::string_lit>;

BOOST_SPIRIT_DECLARE(tag_type, number_type, string_type)

tag_type const tag = "tag";
number_type const number = "number";
string_type const string = "string";

}  // namespace sift::parse
