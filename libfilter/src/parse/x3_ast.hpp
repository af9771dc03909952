// The parser's own syntax tree, shaped for Spirit X3's attribute rules
// (x3::variant, forward_ast, Fusion-adapted structs). parser.cpp converts it
// to the contract tree of ast.hpp, so nothing outside this folder sees X3.
//
// Positions are byte offsets, filled by annotate_offset (annotation.hpp);
// line and column are computed once, during the conversion.
#pragma once

#include <boost/optional.hpp>
#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sift::parse::x3_ast {

namespace x3 = boost::spirit::x3;

struct tagged {
    std::uint32_t offset = 0;
};

// A token that only matters by where it is (';', '{', '}', '[', '(').
struct mark : tagged {};

struct string_lit : tagged {
    std::string value;
    bool multiline = false;
};

// "[" string *("," string) "]"; a lone string stays a string_lit.
struct string_array {
    mark open;
    std::vector<string_lit> items;
};

struct number : tagged {
    std::uint64_t value = 0;
};

struct tag : tagged {
    std::string name;
};

struct argument : x3::variant<string_array, string_lit, number, tag> {
    using base_type::base_type;
    using base_type::operator=;
};

struct test;

struct test_list {
    mark open;
    std::vector<test> items;
};

struct test_part : x3::variant<x3::forward_ast<test>, test_list> {
    using base_type::base_type;
    using base_type::operator=;
};

struct arguments {
    std::vector<argument> args;
    boost::optional<test_part> tests;
};

struct test : tagged {
    std::string name;
    arguments args;
};

struct command;

struct block {
    mark open;
    std::vector<command> commands;
    mark close;
};

struct command_end : x3::variant<mark, block> {
    using base_type::base_type;
    using base_type::operator=;
};

struct command : tagged {
    std::string name;
    arguments args;
    command_end end;
};

}  // namespace sift::parse::x3_ast
