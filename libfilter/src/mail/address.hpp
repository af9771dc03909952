// RFC 5322 §3.4 addresses, as Sieve's address and envelope tests see them
// (RFC 5228 §2.7.4, §5.1). Parsing is lenient in what real mail gets wrong
// and strict in what decides validity:
//  - comments are dropped wherever they are, nested or not;
//  - groups contribute their members; the group name is not an address;
//  - obsolete routes ("<@a,@b:user@host>") are dropped;
//  - a missing comma is tolerated after "<...>" and between two bare
//    addr-specs ("a@x b@y");
//  - "name@x <a@b>" (a spoofing favourite) is display name "name@x" and
//    address a@b, not two addresses;
//  - an address without '@', with an empty local part or domain, with an
//    unterminated quoted string, or with stray specials is invalid: it keeps
//    its text, and :localpart / :domain tests never match it (RFC 5228 §5.1).
// The input is the unfolded header value. Encoded words are decoded in
// display names here, so passing the raw (undecoded) value is the correct
// order (RFC 2047 §6.2); an already decoded value works unless a decoded
// display name contains ',', '<' or the like.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift::mail {

struct address {
    std::string display_name;  // quotes removed, encoded words decoded
    std::string local_part;    // unquoted, quoted-pairs resolved
    std::string domain;        // as written: case kept, literals with brackets
    std::string text;          // the mailbox as written, trimmed
    bool valid = false;        // local_part and domain mean something only then

    // local-part@domain, the local part quoted again when it is not a
    // dot-atom ("john doe"@example.com), as RFC 5228 :all compares it; the
    // text when the address is not valid.
    std::string all() const;
};

// address::all() of an address with these parts (`text` only when it is
// not valid): for sift::address, whose strings are its own.
std::string address_all(std::string_view local_part, std::string_view domain, std::string_view text,
                        bool valid);

// A value that is one plain mailbox ("a@b", "Name <a@b>", "\"Name\"
// <a@b>") is read by a one-pass path; everything else, and what that path
// declines, by the general tokenizing parser, parse_address_list_general
// (public for the tests that hold the two against each other).
std::vector<address> parse_address_list(std::string_view value);
std::vector<address> parse_address_list_general(std::string_view value);

// The one-pass path alone, for a caller that wants views: true when it
// reads `value` as one plain mailbox, with its local part and domain as
// views of `value` (dot-atoms, the domain just after the '@' that ends the
// local part: local_part, '@' and domain lie in `value` in that order, so
// that "local@domain", its :all, is a view of `value` too); exactly then
// parse_address_list(value) is that one valid address.
bool plain_mailbox_parts(std::string_view value, std::string_view& local_part, std::string_view& domain);

// `text` when it is exactly one valid mailbox (a display name allowed,
// "Nico <nico@frop.example.org>"), as vacation's and notify's :from are.
std::optional<address> single_mailbox(std::string_view text);

// An SMTP path (RFC 5321 §4.1.2): "<a@b>" or "a@b", a source route dropped.
// std::nullopt for the null path ("" or "<>"); anything else that does not
// parse comes back with valid == false.
std::optional<address> parse_path(std::string_view path);
// The same without its one-pass path for "<local@domain>" (public for the
// tests that hold the two against each other).
std::optional<address> parse_path_general(std::string_view path);

// parse_path, then what SMTP servers accept beyond RFC 5322's addr-spec,
// as Pigeonhole does for the envelope test: a bare local part
// ("<MAILER-DAEMON>", RFC 5321 §4.1.1.3's Postmaster form, with an empty
// domain) and dots anywhere in a local part (".japanese@", "a..b@").
std::optional<address> parse_envelope_path(std::string_view path);

// RFC 5322 dot-atom (8-bit allowed, RFC 6532).
bool is_dot_atom(std::string_view s);

}  // namespace sift::mail
