// A mail message and its envelope, as a script sees them.
//
// The message is kept as one raw buffer (CRLF or LF line endings) and
// everything else is indexed over it lazily: the header index on first
// header access, the MIME tree on first body access. Parsing is best-effort
// and bounded by message_limits: a malformed message never stops an
// evaluation.
//
// A message can be built in one go (from_raw) or incrementally, the way an
// MTA hands it over (connection, envelope, headers one by one, body chunks):
//
//     sift::message m;
//     m.add_header("From", " anna@example.com");
//     m.add_header("Subject", " hello");
//     m.end_headers();          // a header-only script can run now
//     m.append_body("text\r\n");
//
// One message can be evaluated for many recipients without re-parsing;
// evaluation never modifies it, so it may be shared between threads once
// fully built.
#pragma once

#include <sift/export.hpp>
#include <sift/options.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sift {

namespace mail {
class message;
}

// What the SMTP dialogue told us. Addresses are without angle brackets;
// an empty `from` is the null reverse-path ("<>").
struct envelope {
    std::string from;     // MAIL FROM
    std::string to;       // RCPT TO of the recipient being evaluated
    std::string orig_to;  // ORCPT, when the MTA knows it
    std::string auth;     // SASL login name, empty when not authenticated
};

// What the frontend knows about the SMTP client and about where Sift runs;
// the environment extension (RFC 5183) reads it.
struct connection {
    std::string remote_ip;
    std::string remote_host;
    std::string helo;
    std::string local_domain;      // the domain this server answers for ("domain")
    std::string local_host;        // this server's host name ("host")
    std::string location = "MTA";  // RFC 5183 §4.1: "MTA", "MDA", "MS" or "MUA"
    std::string phase = "during";  // "pre", "during" or "post" delivery
    std::int64_t arrival = 0;      // seconds since the epoch; 0: now (currentdate, RFC 5260)
    // Further environment items, name and value (RFC 5183 §4.1 lets an
    // implementation add its own, named "vnd.<vendor>.<name>"): the
    // environment test looks here for a name it does not know itself.
    std::vector<std::pair<std::string, std::string>> items{};
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

    // Incremental building. `value` is the field body as received, after the
    // colon, folding included (libmilter's form).
    void add_header(std::string_view name, std::string_view value);
    void end_headers();
    void append_body(std::string_view chunk);

    bool headers_complete() const;
    std::uint64_t size() const;  // octets of header and body so far
    std::string_view raw() const;

    sift::connection connection;

    // For the library's own use.
    mail::message& impl();
    const mail::message& impl() const;

private:
    std::unique_ptr<mail::message> impl_;
};

}  // namespace sift
