// Header fields over a raw buffer (RFC 5322 §2.2, §3.6): splitting a header
// block into fields, and the ASCII case-insensitive name handling that every
// lookup uses. Nothing here allocates per lookup or depends on the locale.
#pragma once

#include "mail/defect.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sift::mail {

struct header_field {
    std::string_view name;   // as written, without the colon
    std::string_view value;  // raw field body after the colon, folding kept,
                             // without the final line ending
    std::uint32_t key = 0;   // name_key(name): lets a lookup skip most fields
                             // without comparing names
};

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `s` with its ASCII letters lower-cased (other bytes as they are, whatever
// the locale).
inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

constexpr bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

namespace detail {

// Eight bytes at p (unaligned, in memory order).
inline std::uint64_t load8(const char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Four bytes at p and four at p + n - 4 (4 <= n < 8: they overlap).
inline std::uint64_t halves8(const char* p, std::size_t n) noexcept {
    std::uint32_t first, last;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    return std::uint64_t{first} | std::uint64_t{last} << 32;
}

// Whether the eight bytes x and y are equal but for the case of ASCII
// letters, from their difference: equal words (most pairs of names a
// lookup compares are spelt alike) cost one test; others may differ only
// in the 0x20 bit of bytes where x is a letter. x | 0x20 lower-cases a
// letter, and a byte is then 'a'-'z' when its low seven bits plus 0x1F
// reach 0x80 (>= 'a') but plus 0x05 do not (<= 'z') and x's own top bit
// is clear (ASCII). The sums stay below 0x100, so no carry crosses into
// the next byte.
inline bool fold_equal8(std::uint64_t x, std::uint64_t y) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101u;
    constexpr std::uint64_t high = ones * 0x80;
    const std::uint64_t d = x ^ y;
    if (d == 0) return true;
    if ((d & ~(ones * 0x20)) != 0) return false;
    std::uint64_t t = (x | ones * 0x20) & ~high;
    std::uint64_t letter = (t + ones * 0x1F) & ~(t + ones * 0x05) & ~x & high;
    return (d & ~(letter >> 2)) == 0;
}

}  // namespace detail

// ASCII case-insensitive equality, eight bytes a step. Inline: about
// 190k calls a run of the default policy over 2,000 messages (every
// lookup of a field whose name key agrees, and many a name compared
// whose length differs, which the first test answers), where the call
// cost as much as the comparison. A name of 8 or more bytes in steps with
// the last one overlapping the one before; a shorter one in two
// overlapping 4-byte halves, or bytewise below 4.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size();
    if (n != b.size()) {
        return false;
    }
    const char* x = a.data();
    const char* y = b.data();
    if (n >= 8) {
        for (std::size_t i = 0; i + 8 < n; i += 8) {
            if (!detail::fold_equal8(detail::load8(x + i), detail::load8(y + i))) {
                return false;
            }
        }
        return detail::fold_equal8(detail::load8(x + n - 8), detail::load8(y + n - 8));
    }
    if (n >= 4) {
        return detail::fold_equal8(detail::halves8(x, n), detail::halves8(y, n));
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (ascii_lower(x[i]) != ascii_lower(y[i])) {
            return false;
        }
    }
    return true;
}

// A cheap case-insensitive key: the length and three lower-cased bytes
// (first, middle, last), so the header splitter computes it in constant
// time per field. Names that share it (rare among real header names) are
// told apart by iequals; the key only lets a lookup skip most fields. Not
// stored anywhere (bytecode keeps names, not keys).
constexpr std::uint32_t name_key(std::string_view name) noexcept {
    if (name.empty()) {
        return 0;
    }
    auto byte = [](char c) { return static_cast<std::uint32_t>(static_cast<unsigned char>(ascii_lower(c))); };
    return (static_cast<std::uint32_t>(name.size()) << 24) ^ (byte(name.front()) << 16) ^
           (byte(name[name.size() / 2]) << 8) ^ byte(name.back());
}

// One of 64 buckets for a name key (a multiplicative hash's top six bits).
constexpr unsigned key_bucket(std::uint32_t key) noexcept {
    return (key * 0x9E3779B1u) >> 26;
}

// The bucket's bit: a header keeps the OR of its fields' bits, so that a
// lookup of a name none of them has (most of a policy's lookups) ends
// without walking the fields. Names may share a bit; a set bit only means
// "walk".
constexpr std::uint64_t key_bit(std::uint32_t key) noexcept {
    return std::uint64_t{1} << key_bucket(key);
}

// A field name with its lookup key computed once: a compiled script can keep
// these in its constant pool so a lookup does not even hash the name.
struct field_name {
    std::string_view name;
    std::uint32_t key;

    constexpr field_name(std::string_view n) noexcept : name(n), key(name_key(n)) {}
    // With its key computed already: `k` must be name_key(n).
    constexpr field_name(std::string_view n, std::uint32_t k) noexcept : name(n), key(k) {}
    constexpr field_name(const char* n) noexcept : field_name(std::string_view(n)) {}
    field_name(const std::string& n) noexcept : field_name(std::string_view(n)) {}
};

inline header_field make_field(std::string_view name, std::string_view value) noexcept {
    return {name, value, name_key(name)};
}

inline bool has_name(const header_field& f, const field_name& n) noexcept {
    return f.key == n.key && iequals(f.name, n.name);
}

// Inline: every unfolded value and MIME parameter ends here.
inline std::string_view trim_wsp(std::string_view s) noexcept {
    while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
    return s;
}

// RFC 5322 §3.2.2 comments nest and may hold quoted-pairs: the offset just
// past the comment that opens at s[at] == '(' (s.size() when unclosed).
std::size_t end_of_comment(std::string_view s, std::size_t at) noexcept;

// RFC 5322 §3.2.4: the quoted string that opens at s[at] == '"', its
// quoted-pairs resolved and line breaks dropped; `at` moves past the
// closing quote (to s.size() when there is none: it runs to the end).
std::string read_quoted(std::string_view s, std::size_t& at);

struct header_limits {
    std::size_t max_fields;
    std::size_t max_field_bytes;
};

// Splits the header section at the start of `text` into fields (appended to
// `out`, at most max_fields of them; the rest is scanned but not indexed) and
// returns the offset of the body in `text`. Best effort, the way the MTA
// reads a message (Postfix's is_header() and mime_state, docs/MESSAGE.md):
//  - the section ends at the first empty line, which is not part of the body;
//  - a line that is neither "name:" nor a continuation (starts with WSP) ends
//    the section too and starts the body, as Postfix does when it inserts the
//    missing blank line, so a script sees what the recipient's mail client
//    will see; a message whose first line is not a field has no header
//    fields and is all body;
//  - a section that runs to the end of the text has an empty body;
//  - a field name is 1*(printable ASCII except ':'); WSP before the colon
//    (RFC 5322 obs-optional) is tolerated and not part of the name;
//  - a value longer than max_field_bytes is cut there (the field still ends
//    where its last continuation line ends).
// With `defects`, what was not read as written is recorded there
// (header_line_malformed, header_fields_dropped, header_value_cut).
std::size_t split_header_block(std::string_view text, header_limits limits, std::vector<header_field>& out,
                               defect_list* defects = nullptr);

// The length of an mbox envelope line ("From sender date", RFC 4155) at the
// start of `text`, line end included; 0 when there is none. Such a line is
// not a header field ("From: ..." and the obsolete "From :" are), and
// message::parse skips it, as the delivery agent that wrote the mbox would.
std::size_t mbox_from_line(std::string_view text) noexcept;

}  // namespace sift::mail
