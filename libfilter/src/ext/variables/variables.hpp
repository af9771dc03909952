// RFC 5229 pieces other extensions reuse: the modifiers of `set` (§4),
// which extracttext (RFC 5703 §7) takes too, storing a variable with them
// applied and the size limit kept, and a run's variables themselves (the
// folder's run slot, which also gives templates their values and keeps
// the match variables: vm::template_ops).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sift::validate {
struct binding;
}
namespace sift::vm {
class run_state;
}

namespace sift::ext {

// The modifier tags (":lower" ... ":length", ":quoteregex"), for a
// command's accepted tags.
std::vector<std::string_view> modifier_tags();
// The modifiers a binding carries, as the operand `assign_variable` takes.
std::uint64_t modifier_flags(const validate::binding& b);
// A variable name `set` accepts (RFC 5229 §3: an identifier, not a number).
bool valid_variable_name(std::string_view name);
// Variable slot `slot` (program::slot_count numbers them) in this run: ""
// until set. imap4flags keeps its internal flags in one too.
std::string& variable(vm::run_state& s, std::uint32_t slot);
// Its value without making the run's variables ("" when none is set).
std::string_view variable_value(const vm::run_state& s, std::uint32_t slot);
// slot = value with the modifiers applied, cut to eval_limits::max_variable_size.
void assign_variable(vm::run_state& s, std::uint64_t slot, std::string value, std::uint64_t modifiers);
// The same without modifiers, copied into the variable's own string (its
// capacity kept for the run: no allocation for a value that fits). `value`
// must not be a view of that variable.
void assign_variable(vm::run_state& s, std::uint64_t slot, std::string_view value);

}  // namespace sift::ext
