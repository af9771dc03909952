// RFC 5293 (editheader): the header as the script sees it, which replace
// and enclose (RFC 5703 §5-6) read and rewrite the message from. The
// folder's run slot keeps the edits (the run's header view,
// vm::header_view, made on the first edit), what the edits add to the
// size, and the edits the result lists.
#pragma once

#include <sift/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sift::vm {
class run_state;
}

namespace sift::ext {

// A header field as the script sees it. `original` is the field's 1-based
// place among the current message's fields of its name, 0 for an added
// one. `locked` marks the Original-Subject / Original-From fields replace
// added, which editheader may not remove (RFC 5703 §5).
struct edited_field {
    std::string name, value;
    unsigned original = 0;
    bool locked = false;
};

// The header fields as the script now sees them (a copy): the current
// message's own until editheader changes them, then the edited ones.
std::vector<edited_field> header_fields(const vm::run_state& s);
// A message of `header` (the fields in order, values as they follow the
// colon, with their line ends `eol`) and `body`.
std::string assemble_message(const std::vector<edited_field>& header, std::string_view body,
                             std::string_view eol);
// The current message as delivered: its header as edited, its body.
std::string delivered(const vm::run_state& s);
// The same, with where its body starts (for the result).
rewritten_message delivered_message(const vm::run_state& s);
// How many edits the run made so far (message_edit::after_header_edits).
std::size_t header_edit_count(const vm::run_state& s);

}  // namespace sift::ext
