// AST + bindings -> vm::program. Only called on a script that validated
// without errors.
#pragma once

#include "parse/ast.hpp"
#include "validate/validator.hpp"
#include "vm/program.hpp"

namespace sift::compile {

vm::program compile(const parse::ast::script& script, const validate::validated& v, std::string name);

}  // namespace sift::compile
