// Compiling and loading against a registry of the caller's choice: what
// sift::script::compile / load do with validate::registry::standard(), for
// hosts that register commands of their own (see vm::command_host). Internal: not
// part of the public headers; the project's tools and tests use it.
#pragma once

#include "validate/registry.hpp"
#include "vm/program.hpp"

#include <sift/diagnostic.hpp>
#include <sift/options.hpp>
#include <sift/script_source.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sift::api {

struct compiled {
    std::shared_ptr<const vm::program> program;  // null when there are errors
    std::vector<diagnostic> errors;
    std::vector<diagnostic> warnings;

    bool ok() const { return program != nullptr; }
};

// `scripts`: where `include` (RFC 6609) finds included scripts.
compiled compile(std::string_view source, std::string name, const validate::registry& reg,
                 const compile_limits& limits = {}, const script_source* scripts = nullptr);

// Verifies the image and that `reg` knows every capability it requires.
compiled load(std::string_view bytecode, std::string name, const validate::registry& reg);

}  // namespace sift::api
