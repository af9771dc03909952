// RFC 5229 pieces other extensions reuse: the modifiers of `set` (§4),
// which extracttext (RFC 5703 §7) takes too, and storing a variable with
// them applied and the size limit kept.
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
// slot = value with the modifiers applied, cut to eval_limits::max_variable_size.
void assign_variable(vm::run_state& s, std::uint64_t slot, std::string value, std::uint64_t modifiers);

}  // namespace sift::ext
