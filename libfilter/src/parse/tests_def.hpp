// arguments = *argument [ test / test-list ]
// test      = identifier arguments
// test-list = "(" test *("," test) ")"
//
// Every test or test-list is one level deeper (nesting.hpp): "not not ..."
// and "allof(allof(..." recurse without any brace to count.
#pragma once

#include "parse/annotation.hpp"
#include "parse/arguments.hpp"
#include "parse/chars.hpp"
#include "parse/lexical.hpp"
#include "parse/nesting.hpp"
#include "parse/tests.hpp"
#include "parse/x3_ast_adapted.hpp"

#include <boost/spirit/home/x3.hpp>

#include <vector>

namespace sift::parse {
namespace tests_rules {

struct test_part_class {};
struct test_class : annotate_offset {};
struct test_list_class {};
struct tests_class {};
struct open_paren_class : annotate_offset {};
struct close_paren_class {};

x3::rule<test_part_class, x3_ast::test_part> const test_part = "test or test list";
x3::rule<test_class, x3_ast::test> const test = "test";
x3::rule<test_list_class, x3_ast::test_list> const test_list = "test list";
x3::rule<tests_class, std::vector<x3_ast::test>> const tests = "test";
x3::rule<open_paren_class, x3_ast::mark> const open_paren = "'('";
x3::rule<close_paren_class> const close_paren = "')' or ','";

constexpr bool opens_test(char c) {
    return c == '(' || chars::is_word_start(c);
}

auto const test_part_def = nest(opens_test)[test_list | test];
auto const test_def = identifier >> arguments;
auto const test_list_def = open_paren > tests > close_paren;
auto const tests_def = test > *(',' > test);
auto const open_paren_def = x3::omit['('];  // a mark keeps only the position
auto const close_paren_def = x3::lit(')');

BOOST_SPIRIT_DEFINE(test_part, test, test_list, tests, open_paren, close_paren)

}  // namespace tests_rules

struct arguments_class {};

auto const arguments_def = *argument >> -tests_rules::test_part;

BOOST_SPIRIT_DEFINE(arguments)

}  // namespace sift::parse
