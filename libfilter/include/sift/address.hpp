// Addresses, read the way the address and envelope tests read them: RFC
// 5322 §3.4 header addresses, RFC 5321 §4.1.2 SMTP paths, and the RFC 5233
// subaddress (user and detail). For a frontend that has to take apart a
// Return-Path, a MAIL FROM or RCPT TO, or a header's mailboxes exactly as
// the script will: the CLI's default envelope, the milter's recipients, a
// policy's lists.
//
//     auto to = sift::parse_envelope_path("<bob+lists@example.org>");
//     // to->user == "bob", *to->detail == "lists", to->domain == "example.org"
//     for (const auto& a : sift::parse_address_list(from_value)) ...
//
// Parsing is lenient in what real mail gets wrong and strict in what
// decides validity: comments are dropped, groups give their members,
// obsolete routes are dropped, "name@x <a@b>" is display name "name@x" and
// address a@b. An address without '@', with an empty local part or domain,
// an unterminated quoted string or stray specials is not valid: it keeps
// its text, and its other fields are empty.
#pragma once

#include <sift/export.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift {

struct SIFT_API address {
    std::string display_name;  // header addresses: quotes removed, RFC 2047 words decoded
    std::string local_part;    // unquoted, quoted-pairs resolved
    // RFC 5233: the local part split at the first of the delimiters present
    // ("bob+lists": user "bob", detail "lists"; only the first splits, so
    // "a+b+c" has detail "b+c"). Without one, user is the whole local part
    // and there is no detail at all; "bob+" has the empty detail.
    std::string user;
    std::optional<std::string> detail;
    std::string domain;  // as written: case kept, literals with brackets;
                         // empty for a bare local part (parse_envelope_path)
    std::string text;    // the address as written, trimmed
    bool valid = false;  // the fields above mean something only then

    // local-part@domain, the local part quoted again when it is not a
    // dot-atom ("john doe"@example.com): what :all compares (RFC 5228
    // §2.7.4); `text` when the address is not valid.
    std::string all() const;
};

// The default of eval_limits::recipient_delimiters (sift/options.hpp): "+".
inline constexpr std::string_view default_delimiters = "+";

// Every mailbox of a header field's value (From, To, Cc, Reply-To, ...),
// folded or unfolded, undecoded (encoded words in display names are decoded
// here), group members included, in order.
SIFT_API std::vector<address> parse_address_list(std::string_view value,
                                                 std::string_view delimiters = default_delimiters);

// `text` when it is exactly one valid mailbox, a display name allowed
// ("Nico <nico@frop.example.org>"), as vacation's and notify's :from are.
SIFT_API std::optional<address> parse_mailbox(std::string_view text,
                                              std::string_view delimiters = default_delimiters);

// An SMTP path (RFC 5321 §4.1.2): "<a@b>" or "a@b", a source route dropped,
// the addr-spec as RFC 5322 allows it. std::nullopt for the null path ("" or
// "<>", the null sender); anything else that does not parse comes back with
// valid == false.
SIFT_API std::optional<address> parse_path(std::string_view path,
                                           std::string_view delimiters = default_delimiters);

// parse_path, then what SMTP servers accept beyond RFC 5322, as the envelope
// test reads the envelope (and Pigeonhole does): a bare local part
// ("<MAILER-DAEMON>", with an empty domain) and dots anywhere in a local part
// (".japanese@", "a..b@"). What a milter should use for MAIL FROM and
// RCPT TO, so that it sees the envelope as the script does.
SIFT_API std::optional<address> parse_envelope_path(std::string_view path,
                                                    std::string_view delimiters = default_delimiters);

}  // namespace sift
