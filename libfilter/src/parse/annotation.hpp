// Rule ids derive from annotate_offset so that every node records where its
// first token starts (after skipped whitespace, which X3 has already passed
// over when it calls on_success).
#pragma once

#include "parse/config.hpp"
#include "parse/x3_ast.hpp"

#include <cstdint>
#include <type_traits>

namespace sift::parse {

struct annotate_offset {
    template <typename Iterator, typename Attribute, typename Context>
    void on_success(Iterator const& first, Iterator const&, Attribute& node, Context const& context) const {
        if constexpr (std::is_base_of_v<x3_ast::tagged, Attribute>) {
            auto const& state = x3::get<parse_state_tag>(context);
            node.offset = static_cast<std::uint32_t>(first - state.begin);
        }
    }
};

}  // namespace sift::parse
