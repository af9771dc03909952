// AST + bindings -> vm::program. Only called on a script that validated
// without errors.
#pragma once

#include "parse/ast.hpp"
#include "validate/validator.hpp"
#include "vm/program.hpp"

namespace sift::compile {

// The program of a validated script; it takes over v's capability list.
vm::program compile(const parse::ast::script& script, validate::validated&& v, std::string name);

class emitter;
// Emits one script's code into `e`, for a program made of several
// scripts (RFC 6609 include: ext/include/link.cpp).
void emit_script(emitter& e, const parse::ast::script& script, const validate::validated& v);

}  // namespace sift::compile
