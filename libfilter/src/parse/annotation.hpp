// Every node records the offset where its first token starts (after
// skipped whitespace); parse() fills in line and column once the tree is
// complete.
//
// Tokens and marks get it from their rule: the rule id derives from
// annotate_offset, and X3 calls on_success with the rule's attribute.
// Commands and tests are built by semantic actions (actions.hpp), and X3
// hands on_success no attribute for such rules, so their definitions mark
// the positions themselves with the zero-width parsers below.
#pragma once

#include "parse/ast.hpp"
#include "parse/config.hpp"

#include <cstdint>
#include <iterator>
#include <type_traits>

namespace sift::parse {

template <typename Iterator, typename Context>
std::uint32_t offset_in_script(Iterator const& at, Context const& context) {
    return static_cast<std::uint32_t>(at - x3::get<parse_state_tag>(context).begin);
}

// For nodes (which have a `pos`) and for marks, whose attribute is the
// position itself.
struct annotate_offset {
    template <typename Iterator, typename Attribute, typename Context>
    void on_success(Iterator const& first, Iterator const&, Attribute& node, Context const& context) const {
        if constexpr (std::is_same_v<Attribute, ast::position>)
            node.offset = offset_in_script(first, context);
        else
            node.pos.offset = offset_in_script(first, context);
    }
};

// Zero-width parsers that write into the node of the enclosing rule (which
// X3 passes to every parser as its rule context).
template <typename Derived>
struct node_marker : x3::parser<Derived> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename Node>
    bool parse(Iterator& first, Iterator const& last, Context const& context, Node& node, x3::unused_type) const {
        static_cast<Derived const&>(*this).mark(first, last, context, node);
        return true;
    }
};

// Where the node starts: at the next token.
struct node_start_parser : node_marker<node_start_parser> {
    template <typename Iterator, typename Context, typename Node>
    void mark(Iterator& first, Iterator const& last, Context const& context, Node& node) const {
        x3::skip_over(first, last, context);
        node.pos.offset = offset_in_script(first, context);
    }
};

// After a command: its last character, just read, is its ';' or the '}'
// of its block. That is where `end` points, and it tells which form it was.
struct command_end_parser : node_marker<command_end_parser> {
    template <typename Iterator, typename Context>
    void mark(Iterator& first, Iterator const&, Context const& context, ast::command& node) const {
        Iterator const end = std::prev(first);
        node.end.offset = offset_in_script(end, context);
        node.has_block = *end == '}';
    }
};

inline constexpr node_start_parser node_start{};
inline constexpr command_end_parser command_ended{};

}  // namespace sift::parse
