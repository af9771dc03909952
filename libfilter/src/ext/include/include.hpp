// RFC 6609 include: the compile side, which the pipeline (api/compile.cpp)
// calls through the folder's descriptor (descriptor::compile). Sift resolves includes when compiling: every
// script a script includes, directly or not, is loaded from a sift::script_source, parsed and validated with
// its own `require`s, and compiled into the same program after the main script's code; `include` becomes a
// call into that code, `return` (and the end of an included script) a return. The bytecode thus holds
// everything a run needs.
#pragma once

#include "ext/extension.hpp"
#include "parse/ast.hpp"
#include "validate/registry.hpp"
#include "validate/validator.hpp"
#include "vm/program.hpp"

#include <sift/diagnostic.hpp>
#include <sift/options.hpp>
#include <sift/script_source.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sift::ext {

// Compiles `main` (validated as `v`) with every script it includes. When
// `main` had validation errors (`valid` false), only checks its includes.
linked_program compile_with_includes(const parse::ast::script& main, const validate::validated& v,
                                     std::string_view source, const std::string& name,
                                     const validate::registry& reg, const compile_limits& limits,
                                     const script_source* scripts, bool valid);

// The key an included script is known by in one compile: its location and
// its name without a trailing ".sieve" (Pigeonhole's file storage names
// "x" and "x.sieve" the same script).
std::string include_key(std::string_view name, bool global);
std::string_view script_name(std::string_view name);

// Empty when `name` may name a script (RFC 6609 §3.2, RFC 5804 §1.6: no
// "/", no control characters, no U+2028/U+2029, valid UTF-8), else why not.
std::string invalid_script_name(std::string_view name);

}  // namespace sift::ext
