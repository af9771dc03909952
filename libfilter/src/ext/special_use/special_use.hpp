// RFC 8579: special-use. The :specialuse prefix as other folders read it
// (mailboxid decides between both, RFC 9042 §4.1; fcc gathers it, RFC 8580).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sift::vm {
class run_state;
}

namespace sift::ext {

// The flag a :specialuse prefix set for the command it precedes, if any.
std::optional<std::string> special_use_prefix(const vm::run_state& s);

// RFC 8579 §4: the mailbox of the host's store that carries `flag`;
// nullopt when it has none, or without a store.
std::optional<std::string> special_use_mailbox(const vm::run_state& s, std::string_view flag);

}  // namespace sift::ext
