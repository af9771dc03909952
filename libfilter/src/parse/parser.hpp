// Entry point of the Sieve parser (RFC 5228 §8). The grammar itself lives in
// the rule-group trios (*.hpp declare, *_def.hpp define, *.cpp instantiate).
#pragma once

#include "parse/ast.hpp"

#include <sift/diagnostic.hpp>
#include <sift/options.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sift::parse {

struct parse_result {
    ast::script script;
    std::vector<diagnostic> errors;  // empty on success
    bool ok() const { return errors.empty(); }
};

// Parses a whole script. Syntax errors are reported as diagnostics with the
// position and what was expected there; never throws for bad input.
parse_result parse(std::string_view source, const std::string& file, const compile_limits& limits = {});

}  // namespace sift::parse
