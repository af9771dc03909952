// The Sender Rewriting Scheme (SRS) for forwarded mail: when sift-milter
// redirects a message off-domain, the envelope sender is rewritten into
// the forwarder's domain, so the next hop's SPF check sees a sender the
// forwarder may send for, and a bounce comes back to the forwarder, who
// can turn it into the original sender again (reverse).
//
// The addresses are the ones libsrs2 and postsrsd write (Shevek's scheme,
// "SRS0=HHHH=TT=domain=local@forwarder", "SRS1=HHHH=first-hop==...@forwarder"),
// so a site can move between postsrsd and sift-milter, or run both, with
// one secret: HHHH is the start of the base64 HMAC-SHA1 (OpenSSL) of the
// lower-cased fields, TT the day number modulo 1024 in base32.
// docs/MILTER.md, "SRS", says why this is written here (Debian packages no
// SRS library) and how it is tested against postsrsd.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace sift::milter::srs {

struct config {
    // The forwarder's domain, the new senders' domain. Required.
    std::string domain;
    // The first secret signs; every secret verifies (a new secret goes
    // first, the old one stays until its addresses have expired).
    std::vector<std::string> secrets;
    // Domains whose senders are not rewritten besides `domain` itself
    // (postsrsd -X): the site's own.
    std::vector<std::string> exclude_domains{};
    char separator = '=';   // after SRS0/SRS1 in new addresses: = - or +
    int hash_length = 4;    // characters of the hash written
    int hash_min = 4;       // characters of the hash required when verifying
    int max_age_days = 21;  // reverse refuses older timestamps
};

// Throws std::invalid_argument for an unusable config (no domain, no
// secret, a separator other than = - +, a hash length outside 1..27).
void check(const config& c);

enum class forward_outcome {
    rewritten,        // `address` is the new sender
    unchanged_local,  // the sender is in `domain` or an excluded one
    unchanged_ours,   // already an SRS address signed with our secret
    unchanged_null,   // the null sender "" (a bounce is never rewritten)
    invalid,          // no '@': `error` says so, `address` is the input
};

struct forward_result {
    forward_outcome outcome;
    std::string address;
    std::string error{};
};

struct reverse_result {
    bool ok;
    std::string address;  // the original sender (SRS0) or the previous hop's SRS0 (SRS1)
    std::string error{};  // when !ok: "not an SRS address", "hash invalid", "timestamp expired", ...
};

// Is `domain` the SRS domain or an excluded one (case-insensitively)?
bool local_domain(const config& c, std::string_view domain);

// The sender to use when forwarding a message whose envelope sender is
// `sender` (without angle brackets) at time `now`.
forward_result forward(const config& c, std::string_view sender, std::time_t now);

// The address a bounce to `recipient` (an SRS address in our domain) is for.
reverse_result reverse(const config& c, std::string_view recipient, std::time_t now);

// Does `recipient` have the form of an SRS address in `c.domain` (an SRS0
// or SRS1 tag and its fields, whatever the hash and timestamp say)? Such a
// recipient is reverse()d or refused at RCPT by sift-milter; any other is
// an ordinary recipient, even "srs0-team@" the forwarder's domain.
bool srs_form(const config& c, std::string_view recipient);

}  // namespace sift::milter::srs
