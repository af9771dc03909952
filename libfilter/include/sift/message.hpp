// A mail message and its envelope, as a script sees them.
//
// The message is kept as one raw buffer (CRLF or LF line endings) and
// everything else is indexed over it lazily: the header index on first
// header access, the MIME tree on first body access. Parsing is best-effort
// and bounded by message_limits: a malformed message never stops an
// evaluation.
//
// A message can be built in one go (from_raw) or incrementally, the way an
// MTA hands it over (headers one by one, then body chunks):
//
//     sift::message m;
//     m.add_header("From", " anna@example.com");
//     m.add_header("Subject", " hello");
//     m.end_headers();          // a header-only script can run now
//     m.append_body("text\r\n");
//
// One message can be evaluated for many recipients without re-parsing
// (script::run takes the session and the envelope beside it,
// sift/session.hpp); evaluation never modifies it, so it may be shared
// between threads once fully built.
#pragma once

#include <sift/export.hpp>
#include <sift/options.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

namespace mail {
class message;
}
struct internal;  // the library's own access (src/api/internal.hpp)

// One header field as the message has it: the name as written (without the
// colon) and the raw value after the colon, folding kept, without the final
// line end. Views into the message.
struct header_field_view {
    std::string_view name;
    std::string_view value;
};

class SIFT_API message {
public:
    explicit message(message_limits limits = {});
    ~message();
    message(message&&) noexcept;
    message& operator=(message&&) noexcept;
    message(const message&) = delete;
    message& operator=(const message&) = delete;

    // The whole message at once; the buffer is taken over, not copied.
    static message from_raw(std::string raw, message_limits limits = {});
    // The same without a copy: the message refers to `raw`, which must stay
    // alive and unchanged as long as the message (and any result's views
    // into it) is used. For a frontend that holds the bytes anyway: a
    // mapped mbox (`sift filter`), a milter's buffer. Building it further
    // (add_header, append_body) copies the bytes first.
    static message view(std::string_view raw, message_limits limits = {});

    // Incremental building. `value` is the field body as received, after the
    // colon, folding included (libmilter's form).
    void add_header(std::string_view name, std::string_view value);
    void end_headers();
    void append_body(std::string_view chunk);

    bool headers_complete() const;
    std::uint64_t size() const;  // octets of header and body so far
    std::string_view raw() const;

    // The header fields in order (up to message_limits::max_headers).
    std::vector<header_field_view> headers() const;
    // The raw value of the first field named `name` (ASCII
    // case-insensitively), or nullopt when there is none.
    std::optional<std::string_view> header(std::string_view name) const;
    // The same value unfolded (line ends before white space removed) and
    // trimmed: what a Sieve header test compares, before RFC 2047 decoding.
    std::optional<std::string> unfolded_header(std::string_view name) const;
    // The same without a copy when it can: a view into the message, or into
    // `scratch` when the value is folded over several lines.
    std::optional<std::string_view> unfolded_header(std::string_view name, std::string& scratch) const;

private:
    friend struct internal;
    std::unique_ptr<mail::message> impl_;
};

}  // namespace sift
