// argument = string-list / number / tag (RFC 5228 §8.2)
#pragma once

#include "parse/ast.hpp"

#include <boost/spirit/home/x3.hpp>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

struct argument_class;  // in this namespace for ADL, as in lexical.hpp

using argument_type = x3::rule<argument_class, ast::argument>;

BOOST_SPIRIT_DECLARE(argument_type)

argument_type const argument = "argument";

}  // namespace sift::parse
