// How the tree's lists grow while they are parsed. Most are short (a
// command's arguments, a string list, a block), and growing one element at
// a time would allocate at 1, 2 and 4 elements: room for four is made at
// once. X3 appends through push_back_container; the actions through append().
#pragma once

#include "parse/ast.hpp"

#include <boost/spirit/home/x3/support/traits/container_traits.hpp>

#include <cstddef>
#include <utility>
#include <vector>

namespace sift::parse {

inline constexpr std::size_t short_list = 4;

template <typename T, typename Item>
void append(std::vector<T>& list, Item&& item) {
    if (list.empty()) list.reserve(short_list);
    list.push_back(std::forward<Item>(item));
}

template <typename T>
struct append_to_list {
    template <typename Item>
    static bool call(std::vector<T>& list, Item&& item) {
        append(list, std::forward<Item>(item));
        return true;
    }
};

}  // namespace sift::parse

namespace boost::spirit::x3::traits {

template <>
struct push_back_container<std::vector<sift::parse::ast::string_lit>>
    : sift::parse::append_to_list<sift::parse::ast::string_lit> {};
template <>
struct push_back_container<std::vector<sift::parse::ast::test>> : sift::parse::append_to_list<sift::parse::ast::test> {};
template <>
struct push_back_container<std::vector<sift::parse::ast::command>>
    : sift::parse::append_to_list<sift::parse::ast::command> {};

}  // namespace boost::spirit::x3::traits
