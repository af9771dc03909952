// The validator: gives the syntax tree meaning against a registry. Checks
// `require`, command and test names, argument counts and types, tags and
// their exclusive groups, and the constant arguments each command can check
// at compile time. Reports every error it finds (up to a limit), each as
// "file:line:col: error: ...".
#pragma once

#include "parse/ast.hpp"
#include "validate/registry.hpp"

#include <sift/diagnostic.hpp>
#include <sift/options.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sift::validate {

struct validated {
    std::vector<std::string> capabilities;  // required, in order, unique
    std::vector<diagnostic> warnings;       // do not stop compilation
    // One binding per command and test node; each node holds its index.
    std::vector<binding> bindings;

    // A new binding for `node`, built in place.
    template <class Node>
    binding& bind(Node& node) {
        node.binding = std::uint32_t(bindings.size());
        return bindings.emplace_back();
    }
    template <class Node>
    const binding& of(const Node& node) const {
        return bindings.at(node.binding);
    }
};

// Validates `script`, applying the string transforms of the required
// capabilities (encoded-character) to its literals in place.
std::vector<diagnostic> validate(parse::ast::script& script, std::string_view source, const std::string& file,
                                 const registry& reg, const compile_limits& limits, validated& out);

}  // namespace sift::validate
