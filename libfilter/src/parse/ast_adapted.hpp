// Fusion adaptations of ast.hpp, and nothing else. Only the node that X3
// fills field by field is adapted; the other nodes are filled by the
// actions of actions.hpp or are a rule's whole attribute.
#pragma once

#include "parse/ast.hpp"

#include <boost/fusion/include/adapt_struct.hpp>

// "[" string *("," string) "]": the '[' gives the position. `bracketed`
// is set by the argument parser, which knows which form it read.
BOOST_FUSION_ADAPT_STRUCT(sift::parse::ast::string_list, pos, items)
