// Every node records the position of its first token (after whitespace).
//
// Tokens record it themselves (lexical_def.hpp), and so does the '[' that
// starts a string list. Commands and tests are built by semantic actions
// (actions.hpp), which X3 gives no attribute in on_success, so their
// definitions start with node_head below, which reads the identifier
// straight into the node along with its position.
#pragma once

#include "parse/ast.hpp"
#include "parse/chars.hpp"
#include "parse/config.hpp"

#include <cstdint>
#include <iterator>

namespace sift::parse {

template <typename Iterator, typename Context>
ast::position position_of(Iterator const& at, Context const& context) {
    auto& state = x3::get<parse_state_tag>(context);
    return state.lines.at(static_cast<std::uint32_t>(at - state.begin));
}

// For marks, whose attribute is the position itself.
struct annotate_position {
    template <typename Iterator, typename Context>
    void on_success(Iterator const& first, Iterator const&, ast::position& pos,
                    Context const& context) const {
        pos = position_of(first, context);
    }
};

// Zero-width parsers that write into the node of the enclosing rule (which
// X3 passes to every parser as its rule context).
template <typename Derived>
struct node_marker : x3::parser<Derived> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename Node>
    bool parse(Iterator& first, Iterator const& last, Context const& context, Node& node,
               x3::unused_type) const {
        static_cast<Derived const&>(*this).mark(first, last, context, node);
        return true;
    }
};

// After a command: its last character, just read, is its ';' or the '}'
// of its block. That is where `end` points, and it tells which form it was.
struct command_end_parser : node_marker<command_end_parser> {
    template <typename Iterator, typename Context>
    void mark(Iterator& first, Iterator const&, Context const& context, ast::command& node) const {
        Iterator const end = std::prev(first);
        node.end = position_of(end, context);
        node.has_block = *end == '}';
    }
};

// A command's or test's first token, its identifier: where the node starts
// and its name, written straight into the node (no attribute to move).
// Fails, consuming nothing but whitespace, when no identifier starts here.
struct node_head_parser : x3::parser<node_head_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename Node>
    bool parse(Iterator& first, Iterator const& last, Context const& context, Node& node,
               x3::unused_type) const {
        skip(first, last);
        if (first == last || !chars::is_word_start(*first)) return false;
        node.pos = position_of(first, context);
        first = chars::scan_word(first, last, node.name);
        return true;
    }
};

inline constexpr node_head_parser node_head{};
inline constexpr command_end_parser command_ended{};

}  // namespace sift::parse
