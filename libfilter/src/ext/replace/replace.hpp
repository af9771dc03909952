// RFC 5703 §5 (replace): pieces enclose (§6) shares, and the rewritten
// message both make (this folder's run slot: the new message, the list of
// rewrites, what a redirect forwards, the locked Original-* fields).
#pragma once

#include "ext/editheader/editheader.hpp"
#include "vm/run_state.hpp"

#include <sift/result.hpp>

#include <span>
#include <string>
#include <string_view>
#include <utility>
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
std::vector<edited_field> entity_fields(std::string_view entity, std::string_view& body,
                                        const message_limits& limits);

// replace / enclose: the message becomes `header` (the fields in order,
// values as they follow the colon, line ends s.eol()) and `body`. The
// edits so far are part of it: the header view starts afresh
// (vm::run_state::change_message), and the loops go on over the new parts
// as `parts` says. Throws runtime_error past
// eval_limits::max_rewritten_message_size, or when replace and enclose ran
// max_actions times already. The result gets the last message, the list of
// rewrites and, after an enclose, the message a redirect forwards (RFC
// 5703 §6: as the first enclose found it).
void rewrite(vm::run_state& s, message_edit edit, const std::vector<edited_field>& header,
             std::string_view body, const vm::part_map& parts);
// The Original-Subject / Original-From fields a replace added to the
// current message (editheader may not remove them), as (lower-cased name,
// occurrence among the fields of that name); empty when none did.
std::span<const std::pair<std::string, unsigned>> locked_fields(const vm::run_state& s);

}  // namespace sift::ext
