// vnd.sift.link's link extractor: the links of a message's text parts,
// each with the text a reader is shown for it, and what is odd about it
// (docs/EXTENSIONS.md "vnd.sift.link").
//
// HTML is parsed with libxml2's HTML parser (its SAX interface: no tree
// is built), which reads broken markup as browsers and mail clients
// forgive it and decodes character references; text/plain is scanned for
// URLs as mail clients make them clickable. The work is bounded: at most
// link_limits::max_part_bytes of each part are read, at most max_links
// links are kept per message, a link's text is cut at max_text_bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sift::ext {

// What is odd about a link, as bits of link::traits; trait_names gives
// each its value in `link :trait`.
enum link_trait : std::uint8_t {
    trait_ip = 1 << 0,  // the host is an IP address ("1.2.3.4", "[::1]", "3232235777", "0xC0.0xA8.0.1")
    trait_malformed =
        1 << 1,  // not a URL as written: "http//host", "http:/host", "http:\\host", "http://.host", no host
    trait_mismatch = 1 << 2,  // the text names a host of another registered domain than the URL's
    trait_userinfo = 1 << 3,  // a user name before the host: "http://www.bank.example@evil.example/"
    trait_port = 1 << 4,      // a port other than 80 and 443
    trait_encoded = 1 << 5,   // %-escapes in the host
};
struct trait_name {
    link_trait bit;
    std::string_view name;
};
inline constexpr trait_name trait_names[] = {
    {trait_ip, "ip"},
    {trait_malformed, "malformed"},
    {trait_mismatch, "mismatch"},
    {trait_userinfo, "userinfo"},
    {trait_port, "port"},
    {trait_encoded, "encoded"},
};

struct link {
    std::string url;         // as written (white space taken out), at most max_url_bytes
    std::string host;        // lower-cased, %-escapes decoded, no trailing dot; empty when none
    std::string text;        // what the reader is shown: the HTML element's text (white space
                             // collapsed; an image's alt text), the URL itself for one in plain text
    std::string shown_host;  // the host the text names (a URL or a domain name in it); empty when none
    std::uint8_t traits = 0;
    bool html = false;  // an <a href> or <area href>, not a URL in text
};

struct link_limits {
    std::size_t max_links = 1000;
    std::size_t max_part_bytes = 1 << 20;
    std::size_t max_text_bytes = 256;
    std::size_t max_url_bytes = 2048;
};

// A URL's host and its traits (all but mismatch); std::nullopt when
// `written` is no web link (mailto:, a relative path, a word that begins
// with "http"). Web links are http: and https: URLs, also written wrongly,
// "www." names and "//host" references.
struct url_host {
    std::string host;
    std::uint8_t traits = 0;
};
std::optional<url_host> parse_url(std::string_view written);

// The host that a link's shown text names: the first URL in it, else the
// first word that is a domain name under a public suffix ("PayPal.com",
// "www.bank.co.uk"); empty when none.
std::string named_host(std::string_view text);

// Whether two hosts belong to different registered domains (the Public
// Suffix List's, libpsl; an IP address or a public suffix stands for itself).
bool other_domain(std::string_view a, std::string_view b);

// The registered domain of `host` (itself when libpsl knows none).
std::string registered_domain(std::string_view host);

// The links in one part's text (UTF-8), appended to `out` up to the limits.
// html_links parses the part (html_links_parsed) only when
// html_may_have_links says it may hold one.
void html_links(std::string_view html, const link_limits& limits, std::vector<link>& out);
void html_links_parsed(std::string_view html, const link_limits& limits, std::vector<link>& out);
void text_links(std::string_view text, const link_limits& limits, std::vector<link>& out);

// False when libxml2's parse of `html` can find no link in it, which is
// most HTML without one, and is checked at a few instructions an octet
// (a parse costs some 30,000 for the smallest part). Its links are the
// <a href> and <area href> elements (a start tag's name follows its '<'
// at once: "<a", "<A") and the URLs in the text outside links, which begin
// with "http" or "www." in any case. That text is the HTML's less its
// markup (each from a '<'), script and style, and the characters XML does
// not allow (control octets, U+FFFE ..., octets of 0x80 and above stand
// for them here), with character references decoded. So without a '&',
// four characters in a row of it are four in a row of the HTML, or some of
// what was taken out lies between them, which began right after one of
// the first three: when nothing that can be taken out follows an 'h', 't'
// or 'w' (any case: "htt" of "http", "www" of "www."), and neither is
// written in the HTML, no URL can begin in the text. (libxml2 stops at a
// NUL octet; it is checked as a character it drops.)
bool html_may_have_links(std::string_view html);

// Whether `l` claims the brand `domain` ("paypal.com": its shown host is in
// that domain, or its text has the domain's first label as a word,
// "PayPal") while its host is not in it.
bool poses_as(const link& l, std::string_view domain);

}  // namespace sift::ext
