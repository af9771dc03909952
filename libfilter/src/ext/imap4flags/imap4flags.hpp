// RFC 5232: imap4flags. What other folders read of it: the flags of a
// flag list, the :flags prefix before an action (fcc gathers it, RFC 8580)
// and the internal variable (a host that stores messages sets it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift::vm {
class run_state;
}

namespace sift::ext {

// RFC 5232 §3: the flags of a space-separated flag list, in order.
std::vector<std::string> split_flags(std::string_view text);

// The flags a :flags prefix set for the command it precedes, if one did.
std::optional<std::vector<std::string>> flags_prefix(const vm::run_state& s);

// The internal variable's flags (none when the script has no such
// variable), which keep, fileinto without :flags and the implicit keep
// store with the message.
std::vector<std::string> internal_flags(const vm::run_state& s);
void set_internal_flags(vm::run_state& s, const std::vector<std::string>& flags);

}  // namespace sift::ext
