// vnd.sift.attachment: file names as they are matched (attachment.hpp).
#include "ext/attachment/attachment.hpp"

#include "mail/header.hpp"

#include <unicode/unistr.h>

#include <algorithm>
#include <array>

namespace sift::ext {

// One code point of UTF-8 at s[i], or -1 for a byte that starts none (it
// is kept as written; ICU makes it U+FFFD when folding).
long decode_code_point(std::string_view s, std::size_t i, std::size_t& length) {
    auto b = static_cast<unsigned char>(s[i]);
    length = 1;
    if (b < 0x80) return b;
    std::size_t n = b >= 0xF0 && b < 0xF5 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
    if (n == 0 || b >= 0xF5 || i + n > s.size()) return -1;
    long cp = b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
        auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (c & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp < 0xE000))
        return -1;
    length = n;
    return cp;
}

namespace {

bool is_bidi_control(long cp) {
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
           cp == 0x061C;
}

bool is_invisible(long cp) {
    return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD || cp < 0x20 ||
           (cp >= 0x7F && cp < 0xA0);
}

}  // namespace

bool hidden_code_point(long cp) {
    return is_bidi_control(cp) || is_invisible(cp);
}

bool printable_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

namespace {

// The last path component: a name may carry a Windows or Unix path
// ("C:\\temp\\x.exe"), and archive members always do; trailing dots and
// spaces dropped (Windows ignores them).
std::string_view last_component(std::string_view name) {
    // find_last_of would search its set for each octet
    auto start = std::find_if(name.rbegin(), name.rend(), [](char c) { return c == '/' || c == '\\'; });
    name.remove_prefix(std::size_t(name.rend() - start));
    while (!name.empty() && (name.back() == '.' || name.back() == ' ')) name.remove_suffix(1);
    return name;
}

}  // namespace

normalised_name normalise_name(std::string_view raw) {
    normalised_name out;
    if (printable_ascii(raw)) {
        // No control, direction or zero-width character, and ASCII, which
        // Unicode case folding maps to ASCII lower case: most names.
        out.shown = last_component(raw);
        out.name = out.shown;
        for (char& c : out.name) c = mail::ascii_lower(c);
        return out;
    }
    std::string kept;
    kept.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        std::size_t length = 1;
        long cp = decode_code_point(raw, i, length);
        if (cp >= 0 && is_bidi_control(cp)) {
            out.bidi = true;
        } else if (cp >= 0 && is_invisible(cp)) {
            out.invisible = true;
        } else {
            kept.append(raw.substr(i, length));
        }
        i += length;
    }
    out.shown = last_component(kept);
    // Only a name with a non-ASCII character needs ICU's folding.
    if (std::all_of(out.shown.begin(), out.shown.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        out.name = out.shown;
        for (char& c : out.name) c = mail::ascii_lower(c);
    } else {
        icu::UnicodeString::fromUTF8(out.shown).foldCase().toUTF8String(out.name);
    }
    return out;
}

std::vector<std::string_view> name_extensions(std::string_view name) {
    std::vector<std::string_view> out;
    any_extension(name, [&](std::string_view e) {
        out.push_back(e);
        return false;
    });
    return out;
}

std::string_view last_extension(std::string_view name) {
    std::string_view last;
    any_extension(name, [&](std::string_view e) {
        last = e;
        return true;
    });
    return last;
}

namespace {

// An extension of at most four octets as one number (its length in the
// top bits, so that no two differ only by a leading NUL).
constexpr std::uint64_t packed(std::string_view e) {
    std::uint64_t k = std::uint64_t(e.size()) << 32;
    for (char c : e) k = k << 8 | static_cast<unsigned char>(c);
    return k;
}

}  // namespace

bool is_office_document(std::string_view name) {
    static constexpr std::array<std::string_view, 31> documents{
        "docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm", "xlsb", "xlam", "pptx",
        "pptm", "potx", "potm", "ppsx", "ppsm", "ppam", "sldx", "vsdx", "xps",  "oxps", "odt",
        "ods",  "odp",  "odg",  "odf",  "odb",  "ott",  "ots",  "otp",  "otg"};
    // Asked of every name and member: compared as numbers, not strings.
    static constexpr auto codes = [] {
        std::array<std::uint64_t, documents.size()> out{};
        for (std::size_t i = 0; i < documents.size(); ++i) out[i] = packed(documents[i]);
        return out;
    }();
    auto ext = last_extension(name);
    if (ext.size() < 3 || ext.size() > 4) return false;  // every one is of 3 or 4
    return std::find(codes.begin(), codes.end(), packed(ext)) != codes.end();
}

}  // namespace sift::ext
