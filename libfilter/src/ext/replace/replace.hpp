// RFC 5703 §5 (replace): pieces enclose (§6) shares.
#pragma once

#include "vm/run_state.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sift::ext {

// RFC 5322 mailbox-list: one or more valid addresses (replace :from).
bool valid_mailbox_list(std::string_view text);
// A mailbox-list as a header value: as written when ASCII, else each
// display name RFC 2047-encoded.
std::string mailbox_list_value(std::string_view text);

// Content-* and MIME-Version: the fields that describe the MIME structure
// (RFC 2045 §3, §4), which a new structure replaces.
bool mime_structure_field(std::string_view name);

// The header fields of a MIME entity; `body` is set to what follows them.
std::vector<vm::run_state::edited_field> entity_fields(std::string_view entity, std::string_view& body,
                                                       const message_limits& limits);

}  // namespace sift::ext
