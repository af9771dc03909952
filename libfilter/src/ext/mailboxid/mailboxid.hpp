// RFC 9042: mailboxid. The :mailboxid prefix as other folders read it
// (special-use defers to it, §4.1; fcc gathers it, §4.3).
#pragma once

#include <optional>
#include <string>

namespace sift::vm {
class run_state;
}

namespace sift::ext {

// The id a :mailboxid prefix set for the command it precedes, if any.
std::optional<std::string> mailbox_id_prefix(const vm::run_state& s);

}  // namespace sift::ext
