// How the tree's lists grow while they are parsed. Most are short (a
// command's arguments, a string list, a block), and growing one element at
// a time would allocate at 1, 2 and 4 elements: room for four is made at
// once. X3 appends through push_back_container; the actions through append().
#pragma once

#include "parse/ast.hpp"
#include "parse/recovery.hpp"
#include "parse/skipper.hpp"

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/traits/container_traits.hpp>

#include <cstddef>
#include <utility>
#include <vector>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

inline constexpr std::size_t short_list = 4;

template <typename T, typename Item>
void append(ast::list<T>& list, Item&& item) {
    if (list.empty()) list.reserve(short_list);
    list.push_back(std::forward<Item>(item));
}

template <typename T>
struct append_to_list {
    template <typename Item>
    static bool call(ast::list<T>& list, Item&& item) {
        append(list, std::forward<Item>(item));
        return true;
    }
};

// many(starts)[p] is *p for a list of commands. X3's kleene
// value-initializes each element (`value_type val{}`) and then moves it
// into the list; here each is parsed in place at the end of the list. An
// element is made only when `starts` says p could start at the next
// character, so the end of the list costs no element made and dropped.
// A syntax error inside an element is recorded, the element dropped and
// skipped, and the list goes on (recovery.hpp).
template <typename Subject>
struct many_directive : x3::unary_parser<Subject, many_directive<Subject>> {
    using element_type = typename Subject::attribute_type;
    using attribute_type = ast::list<element_type>;
    static bool const handles_container = true;

    constexpr many_directive(Subject const& subject, bool (*starts)(char))
        : x3::unary_parser<Subject, many_directive>(subject), starts(starts) {}

    template <typename Iterator, typename Context, typename RContext>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
               attribute_type& list) const {
        for (;;) {
            skip(first, last);
            if (first == last || !starts(*first)) return true;
            if (list.empty()) list.reserve(short_list);
            Iterator const start = first;
            try {
                if (!this->subject.parse(first, last, context, rcontext, list.emplace_back())) {
                    list.pop_back();
                    return true;
                }
                continue;
            } catch (unclosed_failure<Iterator> const& failure) {
                if (!recovery::record(context, {failure.where(), failure.which(), true, failure.opened}))
                    throw;
            } catch (x3::expectation_failure<Iterator> const& failure) {
                if (!recovery::record(context, {failure.where(), failure.which(), true})) throw;
            } catch (lexical_error<Iterator> const& failure) {
                if (!recovery::record(context, {failure.where, failure.what(), false})) throw;
            }
            list.pop_back();
            first = recovery::resume_point(start, last);
        }
    }

    bool (*starts)(char);
};

struct many_gen {
    bool (*starts)(char);

    template <typename Subject>
    constexpr many_directive<Subject> operator[](Subject const& subject) const {
        return {subject, starts};
    }
};

constexpr many_gen many(bool (*starts)(char)) {
    return {starts};
}

}  // namespace sift::parse

namespace boost::spirit::x3::traits {

template <>
struct push_back_container<sift::parse::ast::list<sift::parse::ast::string_lit>>
    : sift::parse::append_to_list<sift::parse::ast::string_lit> {};
template <>
struct push_back_container<sift::parse::ast::list<sift::parse::ast::test>>
    : sift::parse::append_to_list<sift::parse::ast::test> {};

}  // namespace boost::spirit::x3::traits
