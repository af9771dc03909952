// argument = string-list / number / tag (RFC 5228 §8.2)
#pragma once

#include "parse/ast.hpp"
#include "parse/containers.hpp"

#include <boost/spirit/home/x3.hpp>

namespace sift::parse {

namespace x3 = boost::spirit::x3;

struct argument_class;  // in this namespace for ADL, as in lexical.hpp

using argument_type = x3::rule<argument_class, ast::argument>;

BOOST_SPIRIT_DECLARE(argument_type)

argument_type const argument = "argument";

// Whether an argument may start at `c`: '[', a quoted string, "text:" (a
// 't'), a number or a tag. Anything else ends a command's arguments.
constexpr bool may_start_argument(char c) {
    return c == '[' || c == '"' || c == ':' || c == 't' || c == 'T' || (c >= '0' && c <= '9');
}

// *argument, each parsed in place at the end of the args of the command or
// test being built (the rule context): no temporary moved over by an
// action. The list is grown only when an argument may start here, so the
// end of the list costs no element made and dropped again.
struct arguments_parser : x3::parser<arguments_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename Node>
    bool parse(Iterator& first, Iterator const& last, Context const& context, Node& node,
               x3::unused_type) const {
        for (;;) {
            // The blanks are passed only when an argument follows, so that
            // a missing ';' is reported where it belongs (error_handler.hpp).
            Iterator next = first;
            skip(next, last);
            if (next == last || !may_start_argument(*next)) return true;
            first = next;
            if (node.args.empty()) node.args.reserve(short_list);
            if (!argument.parse(first, last, context, x3::unused, node.args.emplace_back())) {
                node.args.pop_back();  // a 't' that does not start "text:"
                return true;
            }
        }
    }
};
inline constexpr arguments_parser argument_list{};

}  // namespace sift::parse
