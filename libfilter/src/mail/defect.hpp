// What the best-effort parse could not read as written (docs/MESSAGE.md).
// Sift reads broken and hostile mail instead of refusing it, and stops at
// the limits in sift::message_limits; each place where what a script sees
// differs from what was sent is recorded as a defect, so a policy can refuse
// what it could not inspect (the `defect` test, ext/defects) instead of a
// rule being skipped without a trace. Like Python's email.errors defects and
// rspamd's MIME anomalies.
//
// The parse records the header sections' and the MIME tree's; the transfer
// encodings' (base64_*, quoted_printable_*) are found by the decoders
// (decode_problems, mail/decode.hpp) when a run decodes a part, since
// checking every part of every message would cost a pass nobody asked for.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sift::mail {

// Each name is part of Sift's interface (scripts and JSON consumers match
// it): never rename one, only add.
#define SIFT_DEFECTS(X)                                                                                    \
    X(header_line_malformed,                                                                               \
      "a line in a header section is neither a field nor a continuation: the section "                     \
      "ends there and the rest is body (as Postfix reads it)")                                             \
    X(header_fields_dropped,                                                                               \
      "a header section has more fields than message_limits::max_headers: the rest "                       \
      "are not indexed")                                                                                   \
    X(header_value_cut, "a field value is longer than message_limits::max_header_bytes: tests see it cut") \
    X(mime_too_deep,                                                                                       \
      "a multipart or message part at message_limits::max_mime_depth: its parts are not "                  \
      "parsed, foreverypart and :mime tests do not see them")                                              \
    X(mime_too_many_parts,                                                                                 \
      "the MIME tree reached message_limits::max_mime_parts: later parts are not parsed")                  \
    X(mime_fields_dropped,                                                                                 \
      "the MIME tree reached its header field budget (8 x max_headers): a part's "                         \
      "fields are not all indexed")                                                                        \
    X(mime_boundary_missing, "a multipart has no boundary parameter: it has no parts")                     \
    X(mime_boundary_not_found, "a multipart's boundary never starts a line: it has no parts")              \
    X(mime_close_delimiter_missing,                                                                        \
      "a multipart has no close delimiter (\"--boundary--\"): its last part "                              \
      "runs to the end of the enclosing body")                                                             \
    X(base64_character_invalid,                                                                            \
      "a base64 part holds characters outside the alphabet other than line breaks: they "                  \
      "are skipped (RFC 2045 section 6.8)")                                                                \
    X(base64_padding_malformed,                                                                            \
      "a base64 part's '=' padding is missing, too short or too long, or more data follows "               \
      "it: readers disagree on where its data ends")                                                       \
    X(quoted_printable_escape_malformed,                                                                   \
      "a quoted-printable part has a '=' that is neither \"=XX\" nor a soft line break: it "               \
      "is kept as written")                                                                                \
    X(quoted_printable_line_too_long,                                                                      \
      "a quoted-printable part has lines longer than 76 characters (RFC 2045 section 6.7 rule 5)")         \
    X(archive_unreadable,                                                                                  \
      "an attachment that is an archive by its name or content could not be opened (damaged, or a "        \
      "format libarchive does not read): its members are not seen")                                        \
    X(archive_truncated, "an archive ends before its last member: the members after the cut are not seen") \
    X(archive_quota_exceeded,                                                                              \
      "an archive went past a quota of run_options::attachment (depth, members, bytes expanded, "          \
      "expansion ratio): the rest of it is not seen")                                                      \
    X(archive_encrypted,                                                                                   \
      "an archive has encrypted members or an encrypted header: what they hold (or their names) "          \
      "is not seen")                                                                                       \
    X(attachment_name_bidi,                                                                                \
      "a file name holds Unicode direction controls (U+202E ...), which make it display other "            \
      "than it is: they are removed before matching")                                                      \
    X(attachment_name_invisible,                                                                           \
      "a file name holds zero-width or control characters: they are removed before matching")

enum class defect_kind : std::uint8_t {
#define SIFT_DEFECT_ENUM(name, meaning) name,
    SIFT_DEFECTS(SIFT_DEFECT_ENUM)
#undef SIFT_DEFECT_ENUM
};

// The stable snake_case name ("mime_too_deep").
std::string_view name(defect_kind k);
// One sentence saying what it means for a script.
std::string_view meaning(defect_kind k);

struct defect {
    defect_kind kind;
    std::string detail;  // where and what, for a human: "part 1.2: ..."
};

using defect_list = std::vector<defect>;

}  // namespace sift::mail
