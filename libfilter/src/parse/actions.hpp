// Semantic actions that build the tree in place: each moves what its rule
// parsed (_attr) into the node the enclosing rule is building (_val).
// Commands and tests share them: both have tests and test_list (their args
// are parsed in place, arguments.hpp).
#pragma once

#include "parse/containers.hpp"

#include <boost/spirit/home/x3.hpp>

#include <utility>

namespace sift::parse::actions {

namespace x3 = boost::spirit::x3;

inline constexpr auto add_test = [](auto& ctx) { append(x3::_val(ctx).tests, std::move(x3::_attr(ctx))); };

inline constexpr auto set_test_list = [](auto& ctx) {
    auto& node = x3::_val(ctx);
    node.tests = std::move(x3::_attr(ctx));
    node.test_list = true;
};

inline constexpr auto set_body = [](auto& ctx) { x3::_val(ctx).body = std::move(x3::_attr(ctx)); };

}  // namespace sift::parse::actions
