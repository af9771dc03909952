// Pieces of the core language shared between its files and with
// extensions that reuse them (envelope, later subaddress and friends).
#pragma once

#include "vm/match.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sift::validate {
class registry;
class checker;
struct binding;
}  // namespace sift::validate
namespace sift::parse::ast {
struct string_lit;
struct string_list;
}  // namespace sift::parse::ast
namespace sift::mail {
struct address;
}
namespace sift::vm {
class run_state;
}

namespace sift::ext::core {

void register_tests(validate::registry& r);

// RFC 5228 §2.4.2.3 / §4.2: a redirect address is a single RFC 5322
// mailbox, ASCII only ("Name <a@b>" and comments allowed). Returns the bare
// addr-spec to send to, or nullopt when the text is not such an address.
std::optional<std::string> redirect_target(std::string_view text);

// The string a string-valued tag carries (`:subject "x"`), nullptr when
// the command was given without the tag.
const parse::ast::string_lit* tag_string(const validate::binding& b, std::string_view name);

// A constant string tag (`:subject`) that is not UTF-8 is an error,
// "COMMAND :TAG is not valid UTF-8" (vacation RFC 5230 §4.5, replace RFC
// 5703 §5); a value from variables is checked when the command runs.
void check_utf8_tag(validate::checker& c, const validate::binding& b, std::string_view tag);

// RFC 5322 field-name: printable ASCII but ':' (RFC 5228 §5.7).
bool valid_header_name(std::string_view name);

// Warns at each constant name no header can have ("invalid header name
// 'x y': the test never matches"), as Pigeonhole does: harmless, but
// surely not what the script's author meant.
void check_header_names(validate::checker& c, const parse::ast::string_list& names);

// The part of an address an address-part selects; std::nullopt when it
// does not exist (an invalid address has no local part or domain, RFC 5228
// §5.1; an address without a separator has no :detail, RFC 5233 §4). The
// parts extensions add are found through the running program's match
// tables. A view of `a` for a part it holds (:localpart, :domain), else of
// `buffer`, which the part is made in (:all, an extension's): a test
// compares the address's own strings without copying them.
std::optional<std::string_view> address_part_of(const vm::run_state& s, const mail::address& a,
                                                vm::address_part part, std::string& buffer);
// An address's :all part (RFC 5228 §2.7.4): local-part@domain, or the bare
// local part of an SMTP "<Postmaster>" path, which has no "@".
std::string all_part(const mail::address& a);

}  // namespace sift::ext::core
