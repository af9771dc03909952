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
    // One binding per command and test node, found by the node's address
    // through a flat index sorted once validation is done.
    std::vector<binding> bindings;
    std::vector<std::pair<const void*, std::uint32_t>> index;

    void add(const void* node, binding b) {
        index.emplace_back(node, std::uint32_t(bindings.size()));
        bindings.push_back(std::move(b));
    }
    void seal();
    const binding& of(const void* node) const;
};

// Validates `script`, applying the string transforms of the required
// capabilities (encoded-character) to its literals in place.
std::vector<diagnostic> validate(parse::ast::script& script, std::string_view source,
                                 const std::string& file, const registry& reg,
                                 const compile_limits& limits, validated& out);

}  // namespace sift::validate
