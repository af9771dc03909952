// arguments = *argument [ test / test-list ] (RFC 5228 §8.2). Tests live
// here too because a test's arguments may hold further tests.
#pragma once

#include "parse/x3_ast.hpp"

#include <boost/spirit/home/x3.hpp>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

struct arguments_class;  // in this namespace for ADL, as in lexical.hpp

using arguments_type = x3::rule<arguments_class, x3_ast::arguments>;

BOOST_SPIRIT_DECLARE(arguments_type)

arguments_type const arguments = "arguments";

}  // namespace sift::parse
