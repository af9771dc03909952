// commands = *command (RFC 5228 §8.2): the whole script.
#pragma once

#include "parse/ast.hpp"

#include <boost/spirit/home/x3.hpp>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

struct script_class;  // in this namespace for ADL, as in lexical.hpp

using script_type = x3::rule<script_class, ast::block>;

BOOST_SPIRIT_DECLARE(script_type)

script_type const script = "script";

}  // namespace sift::parse
