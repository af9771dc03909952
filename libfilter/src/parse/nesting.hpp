// nest(opens)[p]: parses p one level deeper, and refuses to go past
// compile_limits::max_nesting. Blocks and tests recurse through the grammar,
// so without this a script of 100k '{' or "not not not ..." would overflow
// the stack long before any other limit applies.
//
// `opens` says whether p could start at the next character. When it could
// not, the directive fails quietly without trying p (p would fail on that
// character anyway; most commands have no test and no block). Past the
// limit it reports "nesting too deep" at the token that would have opened
// the level, so a command at the deepest level still parses.
//
// When the '}' or ')' that closes the level is missing, the failure is
// rethrown as unclosed_failure, which knows where the level opened.
#pragma once

#include "parse/config.hpp"
#include "parse/error_handler.hpp"

#include <boost/spirit/home/x3.hpp>

namespace sift::parse {

using opens_fn = bool (*)(char);

// The names of the rules that close a level opened by '{' and by '(': an
// expectation failure names the rule it expected.
inline constexpr char const* close_brace_name = "command or '}'";
inline constexpr char const* close_paren_name = "')' or ','";

constexpr char const* closing_rule(char opener) {
    return opener == '{' ? close_brace_name : opener == '(' ? close_paren_name : "";
}

template <typename Subject>
struct nest_directive : x3::unary_parser<Subject, nest_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, nest_directive<Subject>>;
    static bool const is_pass_through_unary = true;
    static bool const handles_container = Subject::handles_container;

    constexpr nest_directive(Subject const& subject, opens_fn opens) : base_type(subject), opens(opens) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
               Attribute& attr) const {
        Iterator next = first;  // blanks passed only when p follows (arguments.hpp)
        skip(next, last);
        if (next == last || !opens(*next)) return false;
        first = next;
        auto& state = x3::get<parse_state_tag>(context);
        if (state.depth >= state.max_depth)
            throw lexical_error<Iterator>(first,
                                          "nesting too deep (limit " + std::to_string(state.max_depth) + ")");
        ++state.depth;
        struct leave {
            unsigned& depth;
            ~leave() { --depth; }
        } guard{state.depth};
        Iterator const opened = first;
        try {
            return this->subject.parse(first, last, context, rcontext, attr);
        } catch (unclosed_failure<Iterator> const&) {
            throw;  // a deeper level's, which knows where it opened
        } catch (x3::expectation_failure<Iterator> const& failure) {
            if (failure.which() != closing_rule(*opened)) throw;
            throw unclosed_failure<Iterator>(failure, opened);
        }
    }

    opens_fn opens;
};

struct nest_gen {
    template <typename Subject>
    constexpr nest_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
        Subject const& subject) const {
        return {x3::as_parser(subject), opens};
    }
    opens_fn opens;
};

constexpr nest_gen nest(opens_fn opens) {
    return {opens};
}

}  // namespace sift::parse
