// RFC 6068 §2 syntax, with RFC 5436 §2.3 restrictions:
//
//   mailtoURI = "mailto:" [ to ] [ hfields ]
//   to        = addr-spec *("," addr-spec)
//   hfields   = "?" hfield *( "&" hfield )
//   hfield    = hfname "=" hfvalue
//   qchar     = unreserved / pct-encoded / some-delims
//   some-delims = "!" / "$" / "'" / "(" / ")" / "*" / "+" / "," / ";" / ":" / "@"
//
// Addresses and values are percent-decoded; every address must be an
// addr-spec. Header fields a script must not set (RFC 5436 §2.3: they
// describe the delivery or the sender, not the notification) are dropped.
#include "ext/enotify/mailto.hpp"

#include "mail/address.hpp"
#include "mail/header.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace sift::ext {
namespace {

bool unreserved(unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool some_delim(unsigned char c) {
    return std::string_view("!$'()*+,;:@").find(char(c)) != std::string_view::npos;
}
int hex(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = char(std::tolower(c));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

constexpr std::array restricted{
    "auto-submitted", "received",      "message-id",  "date",          "bcc",        "in-reply-to",
    "references",     "resent-date",   "resent-from", "resent-sender", "resent-to",  "resent-cc",
    "resent-bcc",     "resent-msg-id", "from",        "sender",        "return-path"};

// Decodes [begin, end) of `uri`; `ok` false on a character a URI may not
// hold or a bad escape (error set).
std::optional<std::string> decode(std::string_view uri, std::size_t begin, std::size_t end, const char* part,
                                  uri_error& error) {
    std::string out;
    for (std::size_t i = begin; i < end; ++i) {
        auto c = static_cast<unsigned char>(uri[i]);
        if (c == '%') {
            int hi = i + 2 < end ? hex(uri[i + 1]) : -1;
            int lo = i + 2 < end ? hex(uri[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                error = {i, std::string("invalid percent-encoding in ") + part};
                return std::nullopt;
            }
            out += char(hi * 16 + lo);
            i += 2;
        } else if (unreserved(c) || some_delim(c)) {
            out += char(c);
        } else {
            error = {i, std::string("invalid character '") + char(c) + "' in " + part};
            return std::nullopt;
        }
    }
    return out;
}

bool atext(unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(char(c)) != std::string_view::npos;
}

bool valid_header_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c >= 33 && c <= 126 && c != ':';
    });
}

// Splits the decoded path "a@b,c@d" (addr-specs only, RFC 6068 §2) into
// addresses, each checked.
bool add_path(std::string_view text, std::vector<mailto_recipient>& out, std::size_t at, uri_error& error) {
    std::size_t i = 0;
    while (i <= text.size()) {
        auto comma = std::min(text.find(',', i), text.size());
        auto a = text.substr(i, comma - i);
        while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
        while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
        if (!valid_addr_spec(a)) {
            error = {at, "invalid recipient '" + std::string(a) + "'"};
            return false;
        }
        out.push_back({std::string(a), std::string(a)});
        i = comma + 1;
    }
    return true;
}

// A "to" or "cc" field value: an RFC 5322 address list, display names
// allowed ("=?utf-8?q?G=C3=BCnther?= <g@example.com>").
bool add_field(std::string_view text, std::vector<mailto_recipient>& out, std::size_t at, const char* part,
               uri_error& error) {
    for (const auto& a : mail::parse_address_list(text)) {
        if (!a.valid || a.local_part.empty() || a.domain.empty() || !valid_addr_spec(a.all())) {
            error = {at, "invalid recipient '" + a.text + "' in " + part};
            return false;
        }
        out.push_back({a.all(), a.text});
    }
    return true;
}

}  // namespace

bool valid_addr_spec(std::string_view a) {
    auto at = a.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return false;
    auto local = a.substr(0, at), domain = a.substr(at + 1);
    if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
        for (auto c : local.substr(1, local.size() - 2))
            if (c == '"' || c == '\r' || c == '\n') return false;
    } else {
        if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
            return false;
        for (unsigned char c : local)
            if (!atext(c) && c != '.') return false;
    }
    if (domain.front() == '[') return domain.back() == ']';
    if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos)
        return false;
    return std::all_of(domain.begin(), domain.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return std::isalnum(c) || c == '-' || c == '.' || c >= 0x80;
    });
}

std::optional<mailto_uri> parse_mailto(std::string_view uri, uri_error& error) {
    constexpr std::string_view scheme = "mailto:";
    if (uri.size() < scheme.size() || mail::ascii_lower(uri.substr(0, scheme.size())) != scheme) {
        error = {0, "not a mailto URI"};
        return std::nullopt;
    }
    mailto_uri out;
    std::size_t q = std::min(uri.find('?'), uri.size());
    auto to = decode(uri, scheme.size(), q, "the recipients", error);
    if (!to) return std::nullopt;
    if (!to->empty() && !add_path(*to, out.to, scheme.size(), error)) return std::nullopt;
    std::size_t i = q + 1;
    while (i <= uri.size() && q < uri.size()) {
        auto amp = std::min(uri.find('&', i), uri.size());
        auto eq = uri.find('=', i);
        if (eq == std::string_view::npos || eq > amp) {
            error = {i, "header field without '=' in the URI"};
            return std::nullopt;
        }
        auto name = decode(uri, i, eq, "a header name", error);
        if (!name) return std::nullopt;
        auto value = decode(uri, eq + 1, amp, "a header value", error);
        if (!value) return std::nullopt;
        if (!valid_header_name(*name)) {
            error = {i, "invalid header name '" + *name + "' in the URI"};
            return std::nullopt;
        }
        auto key = mail::ascii_lower(*name);
        if (key == "to" || key == "cc") {
            if (!value->empty() && !add_field(*value, key == "to" ? out.to : out.cc, eq + 1,
                                              key == "to" ? "the to field" : "the cc field", error))
                return std::nullopt;
        } else if (key == "subject") {
            out.subject = *value;
        } else if (key == "body") {
            out.body = *value;
        } else if (std::none_of(restricted.begin(), restricted.end(),
                                [&](std::string_view r) { return r == key; })) {
            out.headers.emplace_back(*name, *value);
        }
        i = amp + 1;
    }
    if (out.to.empty() && out.cc.empty()) {
        error = {scheme.size(), "the URI names no recipient"};
        return std::nullopt;
    }
    return out;
}

std::string encode_url(std::string_view text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (unreserved(c)) {
            out += char(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

}  // namespace sift::ext
