// test      = identifier arguments
// test-list = "(" test *("," test) ")"
// arguments = *argument [ test / test-list ] (RFC 5228 §8.2)
//
// Tests live with arguments because a test's arguments may hold further
// tests. `arguments` is an expression rather than a rule: it fills the
// args, tests and test_list of the command or test being parsed (its
// _val, see actions.hpp), so it is spelled out in both.
#pragma once

#include "parse/actions.hpp"
#include "parse/arguments.hpp"
#include "parse/ast.hpp"
#include "parse/chars.hpp"
#include "parse/nesting.hpp"

#include <boost/spirit/home/x3.hpp>

#include <vector>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

struct test_class;  // in this namespace for ADL, as in lexical.hpp
struct test_list_class;

using test_type = x3::rule<test_class, ast::test>;
using test_list_type = x3::rule<test_list_class, ast::list<ast::test>>;

BOOST_SPIRIT_DECLARE(test_type, test_list_type)

test_type const test = "test";
test_list_type const test_list = "test list";

constexpr bool opens_test(char c) {
    return c == '(' || chars::is_word_start(c);
}

// Every test or test-list is one level deeper (nesting.hpp): "not not ..."
// and "allof(allof(..." recurse without any brace to count.
auto const arguments = argument_list >>
                       -nest(opens_test)[test_list[actions::set_test_list] | test[actions::add_test]];

}  // namespace sift::parse
