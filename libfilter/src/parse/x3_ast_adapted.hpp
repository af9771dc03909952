// Fusion adaptations of x3_ast, and nothing else. The inherited `offset`
// is deliberately left out: it is set by annotate_offset, not parsed.
#pragma once

#include "parse/x3_ast.hpp"

#include <boost/fusion/include/adapt_struct.hpp>

BOOST_FUSION_ADAPT_STRUCT(sift::parse::x3_ast::string_array, open, items)
BOOST_FUSION_ADAPT_STRUCT(sift::parse::x3_ast::test_list, open, items)
BOOST_FUSION_ADAPT_STRUCT(sift::parse::x3_ast::arguments, args, tests)
BOOST_FUSION_ADAPT_STRUCT(sift::parse::x3_ast::test, name, args)
BOOST_FUSION_ADAPT_STRUCT(sift::parse::x3_ast::block, open, commands, close)
BOOST_FUSION_ADAPT_STRUCT(sift::parse::x3_ast::command, name, args, end)
