// RFC 6134 pieces the VM and other extensions use.
#pragma once

#include "vm/match.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sift {
struct list_provider;
}
namespace sift::vm {
class run_state;
}
namespace sift::validate {
struct binding;
class checker;
}  // namespace sift::validate
namespace sift::compile {
class emitter;
}

namespace sift::ext {

// §2.1: a list name is a URI; "urn:ietf:params:sieve:addrbook:NAME" and
// the shorthand ":addrbook:NAME" are the same list. Returns the canonical
// form (the shorthand for the urn:ietf:params:sieve: space, else the URI
// as written), or nullopt when `name` is not a URI.
std::optional<std::string> canonical_list_name(std::string_view name);

// Whether `lists` is sift::no_list_provider()'s (defined beside
// file_list_provider), in which no list ever exists: a :list match is
// then false without resolving the list names and asking it for each
// (a site without a lists store runs the default policy's six lookups a
// message so).
bool holds_no_lists(const list_provider& lists) noexcept;

// The :list match type's id (a bytecode operand: it never changes). A
// value matches when it is a member of any list named by the keys; ${0} is
// set to the value on a match. Without a list provider it is a runtime
// error.
inline constexpr vm::match_type match_list{6};

// redirect :list <list-name> (§2.3), for ext/core's redirect.
void check_redirect_list(validate::checker& c, const validate::binding& b);
void emit_redirect_list(compile::emitter& e, const validate::binding& b);

}  // namespace sift::ext
