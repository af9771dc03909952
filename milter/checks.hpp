// The checks sift-milter makes before the content is known, each at the
// earliest SMTP stage that can decide it (issue 10, "Verdicts at the
// earliest stage"): a bogus HELO, too many recipients, a declared or
// actual size above the limit, a raw 8-bit header in mail sent without
// SMTPUTF8. Pure functions; callbacks.cpp asks them and answers the MTA.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sift::milter {

struct smtp_limits {
    // HELO/EHLO names refused besides the bogus ones (case-insensitive):
    // the site's own host names, say, which no client may claim.
    std::vector<std::string> banned_helo{};
    bool refuse_bogus_helo = true;
    unsigned max_recipients = 100;               // the next one gets 452 4.5.3
    std::uint64_t max_message_size = 210763776;  // bytes; 0: no limit
    // A header field with a byte >= 0x80 in a message sent without
    // SMTPUTF8 (RFC 6532 needs it): refused, or let through.
    bool refuse_8bit_headers = true;
    // Not refused but named to the policy (the environment item
    // vnd.sift.8bit_header), which scores it (--8bit-headers score).
    bool score_8bit_headers = false;
};

struct smtp_reply {
    int code;
    std::string enhanced;
    std::string text;
    friend bool operator==(const smtp_reply&, const smtp_reply&) = default;
};

// Why a HELO name is bogus, or nothing: not a fully qualified domain name
// (one label, an empty or overlong label, a character a host name cannot
// have, a label starting or ending with '-', an all-numeric top label), an
// IP address bare or as an address literal ("[192.0.2.1]", "[IPv6:...]"),
// "localhost" or a name under it, or a banned name.
std::optional<std::string> bogus_helo(std::string_view helo, const smtp_limits& limits);

// 550 5.7.1 Access denied - bogus HELO
std::optional<smtp_reply> check_helo(std::string_view helo, const smtp_limits& limits);

// MAIL FROM's ESMTP parameters ("SIZE=1234", "SMTPUTF8", "BODY=8BITMIME"):
// 552 5.3.4 when SIZE= says more than the limit.
std::optional<smtp_reply> check_declared_size(const std::vector<std::string>& mail_params,
                                              const smtp_limits& limits);
// 552 5.3.4 once the bytes received (header and body) pass the limit.
std::optional<smtp_reply> check_size(std::uint64_t received, const smtp_limits& limits);
// 452 4.5.3 for a recipient after `accepted` others when `accepted` is the limit.
std::optional<smtp_reply> check_recipient_count(std::size_t accepted, const smtp_limits& limits);

// Does MAIL FROM carry SMTPUTF8 (RFC 6531)?
bool declares_smtputf8(const std::vector<std::string>& mail_params);
// A byte >= 0x80 in the field's name or value.
bool has_8bit(std::string_view name, std::string_view value);
// 550 5.6.7 The message contains a Unicode character in a disallowed header
std::optional<smtp_reply> check_header_bytes(std::string_view name, std::string_view value, bool smtputf8,
                                             const smtp_limits& limits);

// Which way a message goes (docs/MILTER.md, "Authenticated submissions"):
// a submission is mail whose sender logged in (SMTP AUTH: the MTA's
// {auth_authen} macro is not empty) when authenticated senders are taken
// as the site's own users (--authenticated submission, the default); all
// else is inbound. A submission is not held to the bogus-HELO check, and
// the policy is told (submission_item), so that the default policy skips
// its rules for mail from outside; every other check applies to both.
enum class mail_path { inbound, submission };
std::string_view name(mail_path p);  // "inbound", "submission"
mail_path path_for(std::string_view auth_user, bool authenticated_is_submission);
// The environment item the policy reads for a submission.
inline constexpr std::string_view submission_item = "vnd.sift.submission";
// `items` (a session's) with submission_item "on" for a submission and
// without it for inbound mail.
void mark_path(std::vector<std::pair<std::string, std::string>>& items, mail_path p);

// RFC 5321 §4.5.3.1.5: a reply line is at most 512 bytes with its CRLF.
inline constexpr std::size_t max_reply_line = 512;

// The lines of the reply carrying `text` (smfi_setreply for one,
// smfi_setmlreply for more): control characters as spaces, split between
// words so that "550-5.7.1 " (the code, a separator, `enhanced` and a
// space), the line and its CRLF make at most max_reply_line bytes, a word
// longer than a line cut; '%' doubled (libmilter passes the text on as a
// format string) and counted so. At most `max_lines` (libmilter's limit
// is 32): the last one then ends with "...".
std::vector<std::string> reply_lines(std::string_view text, std::string_view enhanced,
                                     std::size_t max_lines = 32);

}  // namespace sift::milter
