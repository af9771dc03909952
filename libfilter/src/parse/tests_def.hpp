// test      = identifier arguments
// test-list = "(" test *("," test) ")"
#pragma once

#include "parse/actions.hpp"
#include "parse/annotation.hpp"
#include "parse/lexical.hpp"
#include "parse/nesting.hpp"
#include "parse/tests.hpp"

#include <boost/spirit/home/x3.hpp>

#include <vector>

namespace sift::parse {
namespace tests_rules {

struct tests_class {};
struct next_test_class {};
struct test_list_rest_class {};
struct open_paren_class {};
struct close_paren_class {};

x3::rule<tests_class, ast::list<ast::test>> const tests = "test";
x3::rule<next_test_class, ast::test> const next_test = "',' and test";
x3::rule<test_list_rest_class, ast::list<ast::test>> const test_list_rest = "test";
x3::rule<open_paren_class> const open_paren = "'('";
x3::rule<close_paren_class> const close_paren = close_paren_name;

// X3 parses a sequence nested in another into a temporary list that it
// then copies over, so the grammar below avoids nesting them: next_test
// stands for (',' > test), test_list_rest for (tests > close_paren). The
// latter is named as `tests` is: when it fails quietly, tests did.
auto const tests_def = test > *next_test;
auto const next_test_def = punct<','> > test;
auto const test_list_rest_def = tests > close_paren;
auto const open_paren_def = punct<'('>;
auto const close_paren_def = punct<')'>;

BOOST_SPIRIT_DEFINE(tests, next_test, test_list_rest, open_paren, close_paren)

}  // namespace tests_rules

struct test_class {};
struct test_list_class {};

auto const test_def = node_head >> arguments;
auto const test_list_def = tests_rules::open_paren > tests_rules::test_list_rest;

BOOST_SPIRIT_DEFINE(test, test_list)

}  // namespace sift::parse
