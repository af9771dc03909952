// A script's outcome as JSON: the one serializer every frontend shares
// (`sift run --json`, the milter's logs, the C API, the Python module), so
// they all print the same fields with the same meaning. README.md
// ("sift run") documents the fields; new ones may be added, none renamed.
//
//     std::cout << sift::json::report(script, &result) << "\n";
//
// The output is always valid UTF-8 JSON on one line. Mail is not always
// UTF-8 (an 8-bit header, a Latin-1 body): each byte of a string that is
// not part of a valid UTF-8 sequence is replaced by U+FFFD, and the object
// then carries "invalid_utf8_replaced": true, so a reader knows the text is
// not byte for byte what the message had. Byte-exact data (the message to
// deliver) is in sift::result itself.
#pragma once

#include <sift/export.hpp>
#include <sift/script.hpp>

#include <string>
#include <string_view>

namespace sift::json {

// The whole report of one run: "status" ("ok", "runtime_error" or
// "compile_error"), "lookup_failed" and "verdict" (kind, folders,
// redirects, and smtp_code, enhanced_code, text for refuse and tempfail)
// when it ran, "actions", "errors", "header_edits", "message_edits",
// "message" and "redirect_message" when the message was rewritten,
// "compile_errors", then "scores" ({"spam": 3.5, ...}) and "hits"
// ([{"rule", "category", "weight", "script", "line"}], vnd.sift.score).
// `r` is null when the script did not compile.
SIFT_API std::string report(const script& s, const result* r);

// The same shape for a failure before any script ran: `status` names it
// ("usage_error", "io_error"), `message` is the one entry of "errors",
// every list is empty.
SIFT_API std::string error_report(std::string_view status, std::string_view message);

// `text` as a JSON string literal (quotes included), each byte that is not
// part of a valid UTF-8 sequence replaced by U+FFFD: for a frontend that
// adds a field of its own to a report, as `sift filter --json` adds the
// message's name.
SIFT_API std::string quote(std::string_view text);

}  // namespace sift::json
