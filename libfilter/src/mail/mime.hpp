// The MIME structure of a message (RFC 2045, RFC 2046, RFC 2231): a tree of
// parts over the message buffer, built once per message and bounded by
// message_limits. Everything is best effort, because the filter has to look
// at broken mail too:
//  - a missing or invalid Content-Type is text/plain; charset=us-ascii
//    (RFC 2045 §5.2), or message/rfc822 when missing inside a
//    multipart/digest (RFC 2046 §5.1.5);
//  - the preamble and epilogue of a multipart are ignored, a missing close
//    delimiter ends the last part at the end of the body, a multipart
//    without a boundary parameter or without any delimiter line has no
//    children;
//  - a delimiter line is "--boundary", optionally "--", then only
//    whitespace (transport padding), so a boundary that is a prefix of
//    another one does not split the other's parts;
//  - message/rfc822 (and message/global, RFC 6532) bodies that are not
//    transfer-encoded are parsed as a child message.
// Limits: a multipart or message part at depth max_mime_depth (the message
// is depth 0) is kept as an opaque leaf with `truncated` set; once
// max_mime_parts parts exist, the multipart that would get more stops there
// and is flagged `truncated` too, so a rule can treat either as suspicious.
// The whole tree indexes at most 8 * max_headers header fields; a part that
// got fewer than max_headers because of that is flagged as well. Each of
// these cuts, and each malformed structure, is also recorded in the part's
// `defects` (mail/defect.hpp); collect_defects() gathers the whole tree's.
#pragma once

#include "mail/decode.hpp"
#include "mail/defect.hpp"
#include "mail/header.hpp"

#include <sift/options.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift::mail {

struct mime_param {
    std::string name;   // lower-cased, without the RFC 2231 "*n*" marks
    std::string value;  // unquoted; RFC 2231 extended values decoded to UTF-8,
                        // RFC 2047 encoded words in name and filename too,
                        // others as written
};

using mime_params = std::vector<mime_param>;

struct mime_part {
    std::vector<header_field> headers;  // the part's own fields, in order
    std::string type = "text";          // lower-cased
    std::string subtype = "plain";      // lower-cased
    mime_params params;                 // Content-Type parameters
    bool typed = false;                 // type, subtype and params are what the
                                        // first Content-Type field says (else
                                        // the defaults: none, or not readable)
    std::string disposition;            // lower-cased; empty when there is none
    mime_params disposition_params;
    std::string encoding = "7bit";    // Content-Transfer-Encoding, lower-cased
    std::string_view raw;             // the whole part, headers included
    std::string_view body;            // after the part's header block
    std::vector<mime_part> children;  // multipart parts, or the one message
                                      // of a message/rfc822
    unsigned depth = 0;               // the message is 0
    bool truncated = false;           // limits cut children or fields here
    defect_list defects;              // what this part's parse could not read
                                      // as written ("part 1.2: ..." in details;
                                      // the root's header section's are
                                      // mail::message's, not repeated here)

    bool is_multipart() const { return type == "multipart"; }
    bool is_message() const { return type == "message" && !children.empty(); }
    // The first field named `name` (case-insensitive), or nullptr.
    const header_field* header(field_name name) const;
    // A Content-Type parameter's value, empty when absent.
    std::string_view param(std::string_view name) const;
    // The charset parameter; "us-ascii" for text/* without one (RFC 2046
    // §4.1.2), empty for other types.
    std::string_view charset() const;
};

// Parses a whole message (or an embedded one) into a part tree.
mime_part parse_mime(std::string_view raw, const message_limits& limits);
// The same, for a message whose header section is split already: `headers`
// and `body_offset` are what split_header_block(raw, {limits.max_headers,
// limits.max_header_bytes}, ...) gives, which the root's would repeat
// (mail::message keeps them).
mime_part parse_mime(std::string_view raw, const std::vector<header_field>& headers, std::size_t body_offset,
                     const message_limits& limits);

// Every part's defects, in tree order (the root's first).
void collect_defects(const mime_part& root, defect_list& out);

// The body with its transfer encoding undone (base64, quoted-printable;
// 7bit, 8bit, binary and unknown encodings as they are). Bytes, not text.
// With `problems`, what the decoder could not read as written is counted
// there (decode_problems, mail/decode.hpp).
std::string decoded_body(const mime_part& part, decode_problems* problems = nullptr);
// decoded_body() converted from the part's charset to UTF-8.
std::string decoded_text(const mime_part& part, decode_problems* problems = nullptr);
// What decoded_body() would count, without decoding: a pass over the body
// of a base64 or quoted-printable part, nothing for other encodings.
decode_problems check_transfer_encoding(const mime_part& part);
// True for the encodings the decoders undo (and can find fault with).
bool has_transfer_encoding(const mime_part& part);

// The transfer-encoding defects (base64_character_invalid,
// base64_padding_malformed, quoted_printable_escape_malformed,
// quoted_printable_line_too_long) that `problems`, found in `part`'s body,
// make: one per kind, counting and locating the first ("part 1.2: ...
// on line 4 of the body"). `path` is part_path()'s.
void transfer_defects(const mime_part& part, const decode_problems& problems, std::string_view path,
                      defect_list& out);

// Where `part` sits in the tree under `root`, as defect details name it:
// "" for the root, "2", "1.2" (numbered from 1 within each multipart; a
// message/rfc822's message is its ".1"); std::nullopt when it is not there.
std::optional<std::string> part_path(const mime_part& root, const mime_part& part);

// The attachment's file name: Content-Disposition filename, else
// Content-Type name (RFC 2231 encodings and continuations applied), then
// RFC 2047 encoded words decoded (common, though not standard, in names).
// Empty when the part has none.
std::string filename(const mime_part& part);

// Header parsing, exposed for tests and for the extensions that read
// these fields directly.
struct content_type {
    std::string type, subtype;  // empty when the value is not type/subtype
    mime_params params;
};
content_type parse_content_type(std::string_view value);  // value as in the header

struct content_disposition {
    std::string type;  // lower-cased, empty when missing
    mime_params params;
};
content_disposition parse_content_disposition(std::string_view value);

// The value of `name` in `params`, or nullptr.
const mime_param* find_param(const mime_params& params, std::string_view name);

}  // namespace sift::mail
